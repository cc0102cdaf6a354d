"""16-bit PCM WAV files: read their shape, repair a header a crash left open, merge the
two mono parts of a call into one stereo file (rep left, prospect right).

What pjmedia's WAV writer (``wav_writer.c``) really does, which shapes ``repair``: it writes
a plain 44-byte header (``RIFF``/``WAVE``/``fmt `` of 16 bytes/``data``, no ``fact`` or
``LIST`` for PCM) with both the RIFF and the data size set to 0, appends audio through a
4,000-byte buffer (``PJMEDIA_FILE_PORT_BUFSIZE``) and pjlib's stdio ``FILE`` (4,096 bytes),
and only writes the two sizes when the port is destroyed. A killed writer therefore
leaves sizes of 0 and its last ~8 KB unwritten; a writer whose write() failed (disk full)
leaves sizes of 0 too, even after a clean close. Files from other writers may carry extra
chunks (``LIST``, ``fact``, …) before or after ``data``; the chunk walk handles any order.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_PCM = 1
_EXTENSIBLE = 0xFFFE
_PCM_GUID_TAIL = bytes.fromhex("000000001000800000aa00389b71")
"""WAVE_FORMAT_EXTENSIBLE sub-format GUID after its 2-byte tag (KSDATAFORMAT_SUBTYPE_PCM)."""
_HEADER = 44
_MERGE_CHUNK_FRAMES = 1 << 16
"""Frames interleaved per step: 256 KB of stereo output, so memory stays flat for any length."""


class WavError(ValueError):
    """A file that is not a 16-bit PCM WAV the app wrote; ``str()`` is for the rep."""


@dataclass(frozen=True)
class WavInfo:
    channels: int
    sample_rate: int
    frames: int
    data_offset: int
    """Byte offset of the first sample (after the ``data`` chunk header)."""

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0


@dataclass(frozen=True)
class _Layout:
    """Where things are in a WAV file, as its chunks say (sizes not yet trusted)."""

    file_size: int
    riff_size: int
    channels: int
    sample_rate: int
    data_header: int
    """Offset of the ``data`` chunk's 8-byte header."""
    data_size: int
    """The size the header declares (0 while pjmedia's writer is open)."""
    data_runs_to_end: bool
    """No valid chunk follows the declared data: the data is the file's last chunk."""

    @property
    def data_offset(self) -> int:
        return self.data_header + 8

    @property
    def block_align(self) -> int:
        return 2 * self.channels

    @property
    def available(self) -> int:
        """Whole frames' bytes present after the data header, up to EOF or the next chunk."""
        if self.data_runs_to_end:
            raw = self.file_size - self.data_offset
        else:
            raw = min(self.data_size, self.file_size - self.data_offset)
        return raw - raw % self.block_align


def read_info(path: Path) -> WavInfo:
    """The file's format and length from its header; raises WavError if it is not PCM16.

    The length is the declared data size, clamped to what the file holds; a header a crash
    left open (size 0) reads as 0 frames until ``repair`` fixes it.
    """
    layout = _layout(path)
    declared = min(layout.data_size, layout.file_size - layout.data_offset)
    frames = max(0, declared) // layout.block_align
    return WavInfo(layout.channels, layout.sample_rate, frames, layout.data_offset)


def header_is_complete(path: Path) -> bool:
    """True when the RIFF and data sizes match the file (the writer closed it cleanly)."""
    try:
        layout = _layout(path)
    except (WavError, OSError):
        return False
    if layout.riff_size != layout.file_size - 8:
        return False
    if layout.data_runs_to_end:
        return layout.data_size == layout.file_size - layout.data_offset
    return layout.data_offset + layout.data_size <= layout.file_size


def repair(path: Path) -> WavInfo:
    """Fix the sizes in a header left open by a crash, keeping every whole frame written
    (a trailing partial frame is cut). Idempotent; raises WavError if there is no header."""
    layout = _layout(path)
    data_size = layout.available
    with path.open("r+b") as fh:
        if layout.data_runs_to_end:
            fh.truncate(layout.data_offset + data_size)
            file_size = layout.data_offset + data_size
        else:
            file_size = layout.file_size
        fh.seek(4)
        fh.write(struct.pack("<I", file_size - 8))
        fh.seek(layout.data_header + 4)
        fh.write(struct.pack("<I", data_size))
        fh.flush()
        os.fsync(fh.fileno())
    return WavInfo(
        layout.channels, layout.sample_rate, data_size // layout.block_align, layout.data_offset
    )


def merge_to_stereo(rep: Path | None, prospect: Path | None, target: Path) -> WavInfo:
    """Interleave two mono PCM16 parts into a stereo WAV: rep left, prospect right.

    A missing part (one-sided recording) is silence; the shorter part is padded with
    silence so both channels keep the call's timeline. Written to a temporary file and
    renamed, so ``target`` is either absent or complete. Raises WavError or OSError.
    """
    sides = [_mono_part(p) for p in (rep, prospect)]
    present = [info for info in sides if info is not None]
    if not present:
        raise WavError("There is no recorded audio to save for this call.")
    rates = {info.sample_rate for info in present}
    if len(rates) != 1:
        raise WavError("The two sides of this recording have different sample rates.")
    rate = rates.pop()
    frames = max(info.frames for info in present)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, contextlib.ExitStack() as stack:
            readers = [
                None if info is None or part is None else _open_at(stack, part, info)
                for part, info in zip((rep, prospect), sides, strict=True)
            ]
            out.write(_stereo_header(rate, frames))
            _interleave(readers, sides, frames, out)
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return WavInfo(2, rate, frames, _HEADER)


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of the file, read in chunks."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


# --------------------------------------------------------------------------- chunks
def _layout(path: Path) -> _Layout:
    """Walk the RIFF chunks; the data chunk's declared size is reported, not trusted."""
    try:
        with path.open("rb") as fh:
            file_size = os.fstat(fh.fileno()).st_size
            head = fh.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                raise WavError(f"{path.name} is not a WAV file.")
            riff_size = struct.unpack_from("<I", head, 4)[0]
            return _walk(fh, path.name, file_size, riff_size)
    except FileNotFoundError as exc:
        raise WavError(f"The recording file {path.name} is missing.") from exc


def _walk(fh: BinaryIO, name: str, file_size: int, riff_size: int) -> _Layout:
    fmt: tuple[int, int] | None = None
    pos = 12
    while pos + 8 <= file_size:
        fh.seek(pos)
        chunk_id, size = struct.unpack("<4sI", fh.read(8))
        if chunk_id == b"fmt ":
            fmt = _parse_fmt(fh.read(min(size, 40)), name)
        elif chunk_id == b"data":
            if fmt is None:
                raise WavError(f"{name} has audio before its format: not a WAV the app wrote.")
            end = pos + 8 + size + (size & 1)
            follows = _valid_chunk_at(fh, end, file_size)
            return _Layout(file_size, riff_size, fmt[0], fmt[1], pos, size, not follows)
        pos += 8 + size + (size & 1)
    raise WavError(f"{name} has no audio data (the file is cut short).")


def _parse_fmt(body: bytes, name: str) -> tuple[int, int]:
    """(channels, sample rate) of a 16-bit PCM format chunk, else WavError."""
    if len(body) < 16:
        raise WavError(f"{name} has a damaged format header.")
    tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", body)
    if tag == _EXTENSIBLE and len(body) >= 40 and body[26:40] == _PCM_GUID_TAIL:
        tag = struct.unpack_from("<H", body, 24)[0]
    if tag != _PCM or bits != 16 or channels < 1 or rate < 1:
        raise WavError(f"{name} is not 16-bit PCM audio, which is all the app records.")
    return channels, rate


def _valid_chunk_at(fh: BinaryIO, pos: int, file_size: int) -> bool:
    """Whether a plausible chunk header (ASCII id, size within the file) sits at ``pos``."""
    if pos + 8 > file_size:
        return False
    fh.seek(pos)
    chunk_id, size = struct.unpack("<4sI", fh.read(8))
    printable = all(chr(b).isalnum() or b == 32 for b in chunk_id)
    return printable and pos + 8 + size <= file_size


# --------------------------------------------------------------------------- merging
def _mono_part(path: Path | None) -> WavInfo | None:
    if path is None or not path.exists():
        return None
    info = read_info(path)
    if info.channels != 1:
        raise WavError(f"{path.name} should be a mono part of a recording.")
    return info


def _open_at(stack: contextlib.ExitStack, path: Path, info: WavInfo) -> BinaryIO:
    fh = stack.enter_context(path.open("rb"))
    fh.seek(info.data_offset)
    return fh


def _stereo_header(rate: int, frames: int) -> bytes:
    data = frames * 4
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        _HEADER - 8 + data,
        b"WAVE",
        b"fmt ",
        16,
        _PCM,
        2,
        rate,
        rate * 4,
        4,
        16,
        b"data",
        data,
    )


def _interleave(
    readers: list[BinaryIO | None], sides: list[WavInfo | None], frames: int, out: BinaryIO
) -> None:
    """Stream both parts through one reusable buffer: left at bytes 0-1, right at 2-3."""
    left_at = (0, 1)
    right_at = (2, 3)
    done = 0
    remaining = [info.frames if info else 0 for info in sides]
    while done < frames:
        n = min(_MERGE_CHUNK_FRAMES, frames - done)
        block = bytearray(4 * n)
        for index, (reader, offsets) in enumerate(zip(readers, (left_at, right_at), strict=True)):
            take = min(n, remaining[index])
            if reader is None or take <= 0:
                continue
            mono = reader.read(2 * take)
            remaining[index] -= take
            if len(mono) < 2 * n:
                mono += bytes(2 * n - len(mono))
            block[offsets[0] :: 4] = mono[0::2]
            block[offsets[1] :: 4] = mono[1::2]
        out.write(block)
        done += n
