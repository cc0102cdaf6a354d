"""Conference-bridge helpers: recorder, one-shot/looping players, ringback, devices.

All of these are pjsua2 media ports and must be created, connected and
dropped on the engine thread. Players report end-of-file from pjmedia's clock
thread, so they only ``post`` a job back to the engine thread.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pjsua2 as pj

from dialer_app.engine.events import AudioDevice, RecordingParts
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


WRITER_BUFFER_BYTES = 4000 + 4096
"""What a recorder holds in memory before it reaches the disk: pjmedia's WAV writer buffer
(``PJMEDIA_FILE_PORT_BUFSIZE`` = 4,000 bytes, ``wav_writer.c``; the pjsip log says
``bufsize=4KB``) plus pjlib's stdio ``FILE`` buffer (this build's pjlib uses
``file_io_ansi.c``: fopen/fwrite, 4,096 bytes). At 8 kHz mono 16-bit (16,000 bytes/s) a part
grows on disk in 4,096-byte steps about every 0.26 s, and a killed process loses at most
these ~0.5 s of audio."""
DISK_LOW_BYTES = 5 * 1024 * 1024
"""Stop recording when the folder's file system has less free space than this (~5 min of
one part), before pjmedia's silent write failures start losing audio."""
STALL_CHECKS = 3
"""A part whose size is the same at this many health checks in a row (1 s apart: 2 s, about
eight 4,096-byte steps it should have made; pause writes silence, so it grows too) is no
longer written: write() fails (disk full, EFBIG) and pjmedia does not say so. Counting
checks rather than seconds also keeps a suspended laptop from tripping it."""


class _Part:
    """One mono WAV on the bridge, and how its size moved across health checks."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.rec: Any = pj.AudioMediaRecorder()
        self.rec.createRecorder(path)
        self.size = 0
        self.unchanged = 0

    def grew(self) -> bool:
        """Stat the file: False once it stayed the same size for STALL_CHECKS checks."""
        size = Path(self.path).stat().st_size
        self.unchanged = 0 if size > self.size else self.unchanged + 1
        self.size = size
        return self.unchanged < STALL_CHECKS - 1


class CallRecorder:
    """Records a call as mono parts on the bridge clock: the rep's mic, and the far end.

    Both parts are also fed from the mic at level 0 (the prospect's through
    ``startTransmit2``): the mic port delivers a frame every tick, so each part gets one
    frame per tick whatever the call's media does (not yet answered, a re-INVITE swapping
    the port, hold), and the two files start together and keep the call's timeline.
    A held call records silence on the prospect side (a sendonly stream decodes nothing).

    Pause sets each recorder's Rx level (bridge -> port in pjsua2) to 0: silence is
    written while paused (``stopTransmit`` would cut the span out instead). Mute does the
    same to the rep's part alone: what the rep says while muted is not on the call, so it
    is not in the recording either.
    """

    def __init__(self, parts: RecordingParts) -> None:
        self.parts = parts
        self.paused = False
        self.muted = False
        self.rep = _Part(parts.rep)
        self.prospect = None if parts.prospect is None else _Part(parts.prospect)
        self._silent = pj.AudioMediaTransmitParam()
        self._silent.level = 0.0

    def _all(self) -> list[_Part]:
        return [p for p in (self.rep, self.prospect) if p is not None]

    def start(self, mic: Any) -> None:
        """Connect the mic to every part in one go, so they start on the same bridge tick."""
        connect(mic, self.rep.rec)
        if self.prospect is not None:
            try:
                mic.startTransmit2(self.prospect.rec, self._silent)
            except pj.Error as exc:
                log.debug("startTransmit2 failed: %s", exc.info())

    def attach(self, call_audio: Any) -> None:
        """Feed the far end into the prospect's part (again after each new media port)."""
        if self.prospect is not None:
            connect(call_audio, self.prospect.rec)

    def set_paused(self, paused: bool) -> None:
        """Write silence while paused."""
        self.paused = paused
        self._apply_levels()

    def set_muted(self, muted: bool) -> None:
        """Write silence on the rep's part while the rep is muted."""
        self.muted = muted
        self._apply_levels()

    def _apply_levels(self) -> None:
        self.rep.rec.adjustRxLevel(0.0 if self.paused or self.muted else 1.0)
        if self.prospect is not None:
            self.prospect.rec.adjustRxLevel(0.0 if self.paused else 1.0)

    def problem(self) -> str | None:
        """Why the parts are no longer being written (stalled file, low disk), else None."""
        for part in self._all():
            try:
                if not part.grew():
                    return f"{part.path} stopped growing at {part.size} bytes"
            except OSError as exc:
                return f"{part.path}: {exc.strerror or exc}"
        folder = Path(self.parts.rep).parent
        free = free_bytes(folder)
        if free is not None and free < DISK_LOW_BYTES:
            return f"only {free} bytes free for {folder}"
        return None

    def close(self, call_audio: Any | None, mic: Any) -> RecordingParts:
        """Disconnect and drop the ports; pjmedia finalises each WAV header a tick later."""
        for part in self._all():
            if call_audio is not None:
                disconnect(call_audio, part.rec)
            disconnect(mic, part.rec)
            part.rec = None
        return self.parts


def free_bytes(folder: Path) -> int | None:
    """Free space for an unprivileged writer in ``folder``'s file system (None if unknown)."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


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
    return riff_size >= 36 and riff_size == size - 8


def parts_complete(parts: RecordingParts) -> bool:
    """Every part of a recording has its final header."""
    return all(wav_is_complete(p) for p in (parts.rep, parts.prospect) if p is not None)


class PendingRecordings:
    """Recordings whose WAV headers are not all written yet; ``poll`` returns finished ones.

    pjmedia closes a recorder's file on the bridge's next tick after the port is
    dropped, so RecordingStopped waits for every part's header (at most ``max_wait_s``).
    """

    def __init__(self, max_wait_s: float = 2.0) -> None:
        self._max_wait = max_wait_s
        self._pending: list[tuple[str, RecordingParts, float]] = []

    def __bool__(self) -> bool:
        return bool(self._pending)

    def add(self, call_id: str, parts: RecordingParts) -> None:
        """Track recorders that were just dropped."""
        self._pending.append((call_id, parts, time.monotonic() + self._max_wait))

    def poll(self, flush: bool = False) -> list[tuple[str, RecordingParts]]:
        """(call_id, parts) of every complete (or overdue, or all when ``flush``) recording."""
        now = time.monotonic()
        done: list[tuple[str, RecordingParts]] = []
        waiting: list[tuple[str, RecordingParts, float]] = []
        for call_id, parts, end in self._pending:
            if flush or now >= end or parts_complete(parts):
                done.append((call_id, parts))
            else:
                waiting.append((call_id, parts, end))
        self._pending = waiting
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
