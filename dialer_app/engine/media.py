"""Conference-bridge helpers: recorder, one-shot/looping players, ringback, devices.

All of these are pjsua2 media ports and must be created, connected and
dropped on the engine thread. Players report end-of-file from pjmedia's clock
thread, so they only ``post`` a job back to the engine thread.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pjsua2 as pj

from dialer_app.engine.events import AudioDevice
from dialer_app.engine.guard import guarded

log = logging.getLogger("dialer_app.engine")


def connect(src: Any, dst: Any) -> None:
    """``src -> dst`` on the bridge; idempotent, never raises."""
    try:
        src.startTransmit(dst)
    except pj.Error as exc:
        log.debug("startTransmit failed: %s", exc.info())


def disconnect(src: Any, dst: Any) -> None:
    """Undo :func:`connect`; a port that was not connected is fine."""
    with contextlib.suppress(pj.Error):
        src.stopTransmit(dst)


class CallRecorder:
    """Records a call to WAV; pause writes silence so the timeline is kept.

    pjsua2's Rx level of a recorder is bridge -> port, so a 0.0 level records
    silence while paused (``stopTransmit`` would cut the span out instead).
    """

    def __init__(self, path: str, include_mic: bool) -> None:
        self.path = path
        self.include_mic = include_mic
        self.paused = False
        self._rec: Any = pj.AudioMediaRecorder()
        self._rec.createRecorder(path)

    def attach(self, call_audio: Any, mic: Any) -> None:
        """Feed the far end (and the rep's mic) into the file."""
        connect(call_audio, self._rec)
        if self.include_mic:
            connect(mic, self._rec)

    def set_paused(self, paused: bool) -> None:
        """Write silence while paused."""
        self.paused = paused
        self._rec.adjustRxLevel(0.0 if paused else 1.0)

    def close(self, call_audio: Any | None, mic: Any) -> None:
        """Disconnect and drop the port; pjmedia finalises the WAV header a tick later."""
        if call_audio is not None:
            disconnect(call_audio, self._rec)
        disconnect(mic, self._rec)
        self._rec = None


def wav_is_complete(path: str) -> bool:
    """True once the RIFF header's size matches the file (the writer has closed it)."""
    try:
        size = Path(path).stat().st_size
        with Path(path).open("rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    if len(head) < 8 or head[:4] != b"RIFF":
        return False
    riff_size = int.from_bytes(head[4:8], "little")
    return riff_size > 36 and riff_size == size - 8


class PendingRecordings:
    """Recordings whose WAV header is not written yet; ``poll`` returns the finished ones.

    pjmedia closes a recorder's file on the bridge's next tick after the port is
    dropped, so RecordingStopped waits for the header (at most ``max_wait_s``).
    """

    def __init__(self, max_wait_s: float = 2.0) -> None:
        self._max_wait = max_wait_s
        self._pending: list[tuple[str, str, float]] = []

    def __bool__(self) -> bool:
        return bool(self._pending)

    def add(self, call_id: str, path: str) -> None:
        """Track a recorder that was just dropped."""
        self._pending.append((call_id, path, time.monotonic() + self._max_wait))

    def poll(self, flush: bool = False) -> list[tuple[str, str]]:
        """(call_id, path) of every complete (or overdue, or all when ``flush``) recording."""
        now = time.monotonic()
        done = [(c, p) for c, p, end in self._pending if flush or now >= end or wav_is_complete(p)]
        self._pending = [e for e in self._pending if (e[0], e[1]) not in done]
        return done


class FilePlayer(pj.AudioMediaPlayer):  # type: ignore[misc]
    """A WAV player; ``on_eof`` runs on the engine thread via ``post``."""

    def __init__(
        self,
        path: str,
        loop: bool,
        post: Callable[[Callable[[], None]], None],
        on_eof: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self._post = post
        self._on_eof = on_eof
        self._fired = False
        self.createPlayer(path, 0 if loop else pj.PJMEDIA_FILE_NO_LOOP)

    @guarded
    def onEof2(self) -> None:
        if self._on_eof is not None and not self._fired:
            self._fired = True
            self._post(self._on_eof)


class TonePlayer:
    """A tone generator (ringback, demo fallback prompt)."""

    def __init__(self, freq1: int, freq2: int, on_ms: int, off_ms: int) -> None:
        self._gen: Any = pj.ToneGenerator()
        self._gen.createToneGenerator()
        tone = pj.ToneDesc()
        tone.freq1, tone.freq2, tone.on_msec, tone.off_msec, tone.volume = (
            freq1,
            freq2,
            on_ms,
            off_ms,
            0,
        )
        self._tones = pj.ToneDescVector()
        self._tones.append(tone)
        self._sinks: list[Any] = []

    def start(self, sink: Any) -> None:
        """Loop the tone into ``sink``."""
        self._gen.play(self._tones, True)
        connect(self._gen, sink)
        self._sinks.append(sink)

    def stop(self) -> None:
        """Silence and disconnect."""
        for sink in self._sinks:
            disconnect(self._gen, sink)
        self._sinks.clear()
        with contextlib.suppress(pj.Error):
            self._gen.stop()


class Ringback:
    """North-American ringback (440+480 Hz, 2 s on / 4 s off) while any call rings."""

    def __init__(self, enabled: bool, playback: Callable[[], Any]) -> None:
        self._enabled = enabled
        self._playback = playback
        self._ringing: set[str] = set()
        self._tone: TonePlayer | None = None

    def set(self, call_id: str, ringing: bool) -> None:
        """Track ringing calls; the tone plays while at least one rings."""
        if not self._enabled:
            return
        was = bool(self._ringing)
        if ringing:
            self._ringing.add(call_id)
        else:
            self._ringing.discard(call_id)
        if bool(self._ringing) and not was:
            if self._tone is None:
                self._tone = TonePlayer(440, 480, 2000, 4000)
            self._tone.start(self._playback())
        elif was and not self._ringing and self._tone is not None:
            self._tone.stop()

    def enable(self, enabled: bool) -> None:
        """Off while another device (the rep's ringer) plays the ringback instead."""
        self._enabled = enabled
        if not enabled and self._tone is not None:
            self._tone.stop()
        if not enabled:
            self._ringing.clear()

    def close(self) -> None:
        """Drop the generator (before libDestroy)."""
        if self._tone is not None:
            self._tone.stop()
        self._tone = None
        self._ringing.clear()


def list_devices(ep: pj.Endpoint) -> list[AudioDevice]:
    """Every sound device pjmedia sees, as plain dataclasses."""
    return [
        AudioDevice(int(d.id), str(d.name), int(d.inputCount), int(d.outputCount), str(d.driver))
        for d in ep.audDevManager().enumDev2()
    ]
