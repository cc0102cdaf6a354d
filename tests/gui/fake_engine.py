"""A stand-in for SipEngine in GUI tests: records commands, lets the test play engine events.

Only for driving widgets; the proof that calling works is tests/integration/engine (real
kamailio + baresip) and the demo-line end-to-end test.
"""

from __future__ import annotations

import math
import struct
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from dialer_app.engine.config import EngineConfig, LineConfig
from dialer_app.engine.events import (
    AudioDevice,
    EngineEvent,
    LineAdded,
    RecordingFailed,
    RecordingParts,
    RecordingStarted,
    RecordingStopped,
)

FAKE_RATE = 8000
"""The fake's recordings: 8 kHz mono 16-bit parts, like pjsua2's conference bridge writes."""


def write_mono(path: Path, samples: list[int], rate: int = FAKE_RATE) -> None:
    """A 16-bit mono WAV of ``samples`` (a closed, complete file)."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(struct.pack(f"<{len(samples)}h", *samples))


def tone(seconds: float, amplitude: int, hz: float = 440.0, rate: int = FAKE_RATE) -> list[int]:
    return [
        int(amplitude * math.sin(2 * math.pi * hz * i / rate)) for i in range(int(rate * seconds))
    ]


@dataclass
class FakeRecorder:
    """One call's recording in the fake: audio fed by the test, silence while paused."""

    parts: RecordingParts
    paused: bool = False
    rep: list[int] = field(default_factory=list)
    prospect: list[int] = field(default_factory=list)


class FakeEngine:
    instances: ClassVar[list[FakeEngine]] = []

    def __init__(self, config: EngineConfig, on_event: Callable[[EngineEvent], None]) -> None:
        self.config = config
        self.on_event = on_event
        self.commands: list[tuple[Any, ...]] = []
        self.recorders: dict[str, FakeRecorder] = {}
        self.recording_failure: str | None = None
        """Set by a test: start_recording answers RecordingFailed with this message."""
        FakeEngine.instances.append(self)

    def start(self, timeout: float = 10.0) -> None:
        self.commands.append(("start",))

    def shutdown(self, timeout: float = 5.0) -> None:
        self.commands.append(("shutdown",))

    def add_line(self, line: LineConfig, password: str) -> None:
        self.commands.append(("add_line", line.name))
        self.on_event(LineAdded(line.name, line.host, line.effective_port, line.transport))

    def remove_line(self, name: str) -> None:
        self.commands.append(("remove_line", name))

    def add_demo_line(
        self, name: str = "Demo line", *, prompt_wav: str | None = None, beep_wav: str | None = None
    ) -> None:
        self.commands.append(("add_demo_line", name))
        self.on_event(LineAdded(name, "127.0.0.1", 5060, "udp", demo=True))

    def dial(
        self, call_id: str, line_name: str, e164: str, *, ring_timeout_s: float | None = None
    ) -> None:
        self.commands.append(("dial", call_id, line_name, e164))

    def hangup(self, call_id: str) -> None:
        self.commands.append(("hangup", call_id))

    def set_mute(self, call_id: str, muted: bool) -> None:
        self.commands.append(("set_mute", call_id, muted))

    def hold(self, call_id: str) -> None:
        self.commands.append(("hold", call_id))

    def resume(self, call_id: str) -> None:
        self.commands.append(("resume", call_id))

    def send_dtmf(self, call_id: str, digits: str) -> None:
        self.commands.append(("send_dtmf", call_id, digits))

    def drop_voicemail(self, call_id: str, wav_path: str) -> None:
        self.commands.append(("drop_voicemail", call_id, wav_path))

    def ping_line(self, line_name: str) -> None:
        self.commands.append(("ping_line", line_name))

    def list_audio_devices(self, timeout: float = 2.0) -> list[AudioDevice]:
        return [
            AudioDevice(0, "USB Headset", 1, 1),
            AudioDevice(1, "Laptop Speakers", 0, 2),
            AudioDevice(2, "Webcam Mic", 1, 0),
        ]

    def set_audio_devices(self, capture_id: int, playback_id: int) -> None:
        self.commands.append(("set_audio_devices", capture_id, playback_id))

    def set_ringback(self, enabled: bool) -> None:
        self.commands.append(("set_ringback", enabled))

    def capture_level(self) -> float:
        return 0.42

    def start_greeting_recording(self, wav_path: str) -> None:
        self.commands.append(("start_greeting_recording", wav_path))

    def stop_greeting_recording(self) -> None:
        self.commands.append(("stop_greeting_recording",))

    def play_to_speaker(self, wav_path: str) -> None:
        self.commands.append(("play_to_speaker", wav_path))

    # -- call recording: parts written with the wave module, events like SipEngine's ----
    def start_recording(self, call_id: str, parts: RecordingParts) -> None:
        self.commands.append(("start_recording", call_id, parts))
        if self.recording_failure is not None:
            self.on_event(RecordingFailed(call_id, self.recording_failure, "fake"))
            return
        recorder = FakeRecorder(parts)
        self.recorders[call_id] = recorder
        self._write(recorder)  # the parts exist (header only) from the start, like pjsua2's
        self.on_event(RecordingStarted(call_id, parts))

    def pause_recording(self, call_id: str) -> None:
        self.commands.append(("pause_recording", call_id))
        self.recorders[call_id].paused = True

    def resume_recording(self, call_id: str) -> None:
        self.commands.append(("resume_recording", call_id))
        self.recorders[call_id].paused = False

    def stop_recording(self, call_id: str) -> None:
        self.commands.append(("stop_recording", call_id))
        self.finish_recording(call_id)

    def feed(self, call_id: str, seconds: float) -> None:
        """``seconds`` of call audio reach the recorder: tones, or silence while paused."""
        recorder = self.recorders[call_id]
        if recorder.paused:
            silence = [0] * int(FAKE_RATE * seconds)
            recorder.rep += silence
            recorder.prospect += silence
        else:
            recorder.rep += tone(seconds, 3000, 440.0)
            recorder.prospect += tone(seconds, 6000, 660.0)

    def finish_recording(self, call_id: str) -> None:
        """The call ended (or stop was asked): close the parts, then RecordingStopped."""
        recorder = self.recorders.pop(call_id)
        self._write(recorder)
        self.on_event(RecordingStopped(call_id, recorder.parts))

    @staticmethod
    def _write(recorder: FakeRecorder) -> None:
        write_mono(Path(recorder.parts.rep), recorder.rep)
        if recorder.parts.prospect is not None:
            write_mono(Path(recorder.parts.prospect), recorder.prospect)

    def last(self, name: str) -> tuple[Any, ...]:
        return next(c for c in reversed(self.commands) if c[0] == name)


class PingingFakeEngine(FakeEngine):
    """Answers every OPTIONS ping like a healthy TLS trunk."""

    def ping_line(self, line_name: str) -> None:
        from dialer_app.engine.events import OptionsResult

        super().ping_line(line_name)
        self.on_event(OptionsResult(line_name, True, 200, "OK", 23.4, True, "TLS_AES_256", True))
