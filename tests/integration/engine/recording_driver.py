"""Run by test_call_recording.py in a fresh process: record a lab call, then fail for real.

    recording_driver.py MODE SIP_PORT PARTS_DIR [FSIZE_LIMIT | MIC_WAV]

MODE ``kill``: dial the lab over UDP, record both parts, print ``AUDIO-FLOWED <s>`` (seconds
since RecordingStarted) once ~1.5 s of RTP arrived, then wait to be SIGKILLed.
MODE ``fsize``: cap this process's file size (RLIMIT_FSIZE, SIGXFSZ ignored) so pjmedia's
write() fails with EFBIG part-way, like a full disk; print the RecordingFailed, then
``STILL-CONNECTED`` once more audio arrived, hang up and shut down cleanly.
MODE ``mute``: the rep's microphone is MIC_WAV (looped); record, mute after ~1 s of audio and
unmute ~1.5 s later, printing ``MUTED <s>`` and ``UNMUTED <s>`` (since RecordingStarted), then
stop, hang up and shut down (its own process: the microphone is fixed when an engine starts).
"""

from __future__ import annotations

import queue
import resource
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from dialer_app.engine import (
    CallEnded,
    CallMediaChanged,
    CallQuality,
    CallState,
    CallStateChanged,
    EngineConfig,
    EngineEvent,
    LineAdded,
    LineConfig,
    RecordingFailed,
    RecordingParts,
    RecordingStarted,
    RecordingStopped,
)
from dialer_app.engine.engine import SipEngine

E = TypeVar("E")
CALL = "call-1"


class Events:
    def __init__(self) -> None:
        self.queue: queue.Queue[EngineEvent] = queue.Queue()

    def __call__(self, event: EngineEvent) -> None:
        self.queue.put(event)

    def wait(self, kind: type[E], where: Any = None, timeout: float = 15.0) -> E:
        deadline = time.monotonic() + timeout
        while True:
            event = self.queue.get(timeout=max(0.01, deadline - time.monotonic()))
            if isinstance(event, CallEnded) and kind is not CallEnded:
                print("call ended early:", event, flush=True)
                sys.exit(3)
            if isinstance(event, kind) and (where is None or where(event)):
                return event

    def audio(self, seconds: float) -> None:
        """Wait until ``seconds`` more RTP (50 packets a second) arrived."""
        first = self.wait(CallQuality)
        target = first.rx_packets + round(seconds * 50)
        self.wait(CallQuality, lambda q: q.rx_packets >= target)


def main() -> int:
    mode, port, parts_dir = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    events = Events()
    microphone = sys.argv[4] if mode == "mute" else ""
    engine = SipEngine(
        EngineConfig(
            bind_address="127.0.0.1",
            null_audio=True,
            log_level=0,
            quality_interval_s=0.1,
            microphone_wav=microphone,
        ),
        events,
    )
    engine.start()
    line = LineConfig(
        name="lab",
        domain="127.0.0.1",
        username="trunkuser",
        caller_id="+15550001111",
        transport="udp",
        port=port,
    )
    engine.add_line(line, "trunkpass")
    events.wait(LineAdded)
    engine.dial(CALL, "lab", "+15551230000")
    events.wait(CallStateChanged, lambda e: e.state is CallState.CONNECTED)
    if mode == "fsize":
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG instead
        limit = int(sys.argv[4])
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    parts = RecordingParts(str(parts_dir / "rep.wav"), str(parts_dir / "prospect.wav"))
    engine.start_recording(CALL, parts)
    started = events.wait(RecordingStarted)
    if mode == "mute":
        return mute_and_unmute(engine, events, started.at)
    if mode == "kill":
        events.audio(1.5)
        print(f"AUDIO-FLOWED {time.time() - started.at:.3f}", flush=True)
        threading.Event().wait()  # until SIGKILL
        return 1
    failed = events.wait(RecordingFailed)
    print(f"RecordingFailed {failed.message} | {failed.detail}", flush=True)
    events.wait(RecordingStopped, timeout=5.0)
    print("RecordingStopped", flush=True)
    events.audio(0.5)
    print("STILL-CONNECTED", flush=True)
    engine.hangup(CALL)
    ended = events.wait(CallEnded)
    print(f"CallEnded connected={ended.connected} by_rep={ended.hung_up_by_rep}", flush=True)
    engine.shutdown(timeout=5)
    return 0


def mute_and_unmute(engine: SipEngine, events: Events, started_at: float) -> int:
    for muted, audio_s in ((True, 1.0), (False, 1.5)):
        events.audio(audio_s)
        engine.set_mute(CALL, muted)
        events.wait(CallMediaChanged, lambda e, m=muted: e.muted is m)  # type: ignore[misc]
        print(f"{'MUTED' if muted else 'UNMUTED'} {time.time() - started_at:.3f}", flush=True)
    events.audio(1.0)
    engine.stop_recording(CALL)
    events.wait(RecordingStopped, timeout=5.0)
    engine.hangup(CALL)
    events.wait(CallEnded)
    engine.shutdown(timeout=5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
