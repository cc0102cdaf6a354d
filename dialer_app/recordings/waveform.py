"""Peak envelopes of a PCM16 WAV for the player's waveform, computed once and cached.

A 30-minute stereo call at 8 kHz is ~58 MB: the samples are memory-mapped and reduced by
numpy (max and min per bucket), never turned into Python ints, and the few kilobytes of
peaks go to ``RecordingFiles.waveform_cache(uuid)``. The cache records the WAV's size and
modification time, so a file repaired or replaced since is read again.
"""

from __future__ import annotations

import contextlib
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

BUCKETS = 2000
"""Columns of the envelope: wider than a player window, small enough to cache (16 KB)."""
_MAGIC = b"DWPK"
_VERSION = 1
_HEADER = struct.Struct("<4sHHqqIIQ")
# magic, version, channels, wav size, wav mtime_ns, sample rate, buckets, frames
_FULL_SCALE = 32768
_BLOCK_FRAMES = 1 << 20


class WaveformError(ValueError):
    """Not a 16-bit PCM WAV; ``str()`` is for the rep."""


@dataclass(frozen=True)
class Waveform:
    """``peaks[channel, bucket]`` in 0..1 (full scale); channel 0 is the rep, 1 the prospect."""

    channels: int
    sample_rate: int
    frames: int
    peaks: npt.NDArray[np.float32]

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0


@dataclass(frozen=True)
class _Layout:
    channels: int
    sample_rate: int
    data_offset: int
    frames: int


def _layout(path: Path) -> _Layout:
    """Walk the RIFF chunks for ``fmt `` and ``data``; the data size is clipped to the file
    (a header left open by a crash may claim more, or zero)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise WaveformError(f"{path.name} is not a WAV file.")
        channels = rate = bits = 0
        while True:
            chunk = handle.read(8)
            if len(chunk) < 8:
                raise WaveformError(f"{path.name} has no audio data.")
            name, length = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if name == b"fmt ":
                fmt = handle.read(length)
                tag, channels, rate = struct.unpack("<HHI", fmt[:8])
                bits = struct.unpack("<H", fmt[14:16])[0]
                if tag not in (1, 0xFFFE) or bits != 16 or channels not in (1, 2):
                    raise WaveformError(f"{path.name} is not 16-bit PCM mono or stereo.")
                handle.seek(length % 2, os.SEEK_CUR)
            elif name == b"data":
                if not channels:
                    raise WaveformError(f"{path.name} has no format header.")
                offset = handle.tell()
                available = size - offset
                length = available if length == 0 or length > available else length
                return _Layout(channels, rate, offset, length // (2 * channels))
            else:
                handle.seek(length + length % 2, os.SEEK_CUR)


def compute(path: Path, buckets: int = BUCKETS) -> Waveform:
    """The envelope straight from the file (no cache)."""
    layout = _layout(path)
    channels, frames = layout.channels, layout.frames
    count = max(1, min(buckets, frames))
    peaks = np.zeros((channels, count), dtype=np.float32)
    if frames == 0:
        return Waveform(channels, layout.sample_rate, 0, peaks)
    samples = np.memmap(
        path, dtype="<i2", mode="r", offset=layout.data_offset, shape=(frames, channels)
    )
    try:
        per = frames // count
        whole = per * count
        high = np.empty((channels, count), dtype=np.int32)
        low = np.empty((channels, count), dtype=np.int32)
        # Reducing the interleaved (bucket, frame, channel) view along the middle axis is
        # 20x slower than along a contiguous one: copy a block of buckets channel-major
        # (a few MB at a time), then reduce its last axis.
        step = max(1, _BLOCK_FRAMES // per)
        for first in range(0, count, step):
            last = min(count, first + step)
            block = samples[first * per : last * per].reshape(last - first, per, channels)
            planar = np.ascontiguousarray(block.transpose(2, 0, 1))
            high[:, first:last] = planar.max(axis=2)
            low[:, first:last] = planar.min(axis=2)
        if whole < frames:  # the last bucket also takes the remainder
            tail = samples[whole - per :]
            high[:, -1] = tail.max(axis=0)
            low[:, -1] = tail.min(axis=0)
        peaks[:] = np.maximum(high, -low) / _FULL_SCALE  # 0..1
    finally:
        del samples
    return Waveform(channels, layout.sample_rate, frames, peaks)


def load(path: Path, cache: Path, buckets: int = BUCKETS) -> Waveform:
    """The cached envelope when it matches the WAV's size and mtime, else computed and
    cached (a cache that can't be written is only a slower next open)."""
    stat = path.stat()
    cached = _read_cache(cache, stat.st_size, stat.st_mtime_ns, buckets)
    if cached is not None:
        return cached
    waveform = compute(path, buckets)
    with contextlib.suppress(OSError):
        _write_cache(cache, waveform, stat.st_size, stat.st_mtime_ns)
    return waveform


def _read_cache(cache: Path, size: int, mtime_ns: int, buckets: int) -> Waveform | None:
    try:
        data = cache.read_bytes()
    except OSError:
        return None
    if len(data) < _HEADER.size:
        return None
    magic, version, channels, wav_size, wav_mtime, rate, count, frames = _HEADER.unpack_from(data)
    if (magic, version, wav_size, wav_mtime) != (_MAGIC, _VERSION, size, mtime_ns):
        return None
    if count != max(1, min(buckets, frames)) or channels not in (1, 2):
        return None
    body = np.frombuffer(data, dtype="<f4", offset=_HEADER.size)
    if body.size != channels * count:
        return None
    return Waveform(channels, rate, frames, body.reshape(channels, count).astype(np.float32))


def _write_cache(cache: Path, waveform: Waveform, size: int, mtime_ns: int) -> None:
    cache.parent.mkdir(parents=True, exist_ok=True)
    count = waveform.peaks.shape[1]
    header = _HEADER.pack(
        _MAGIC,
        _VERSION,
        waveform.channels,
        size,
        mtime_ns,
        waveform.sample_rate,
        count,
        waveform.frames,
    )
    body = waveform.peaks.astype("<f4").tobytes()
    temporary = cache.with_suffix(".tmp")
    temporary.write_bytes(header + body)
    temporary.replace(cache)
