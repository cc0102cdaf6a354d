"""16-bit PCM WAV files: read their shape, repair a header a crash left open, merge the
two mono parts of a call into one stereo file (rep left, prospect right)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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


def read_info(path: Path) -> WavInfo:
    """The file's format and length from its header; raises WavError if it is not PCM16."""
    raise NotImplementedError


def header_is_complete(path: Path) -> bool:
    """True when the RIFF and data sizes match the file (the writer closed it cleanly)."""
    raise NotImplementedError


def repair(path: Path) -> WavInfo:
    """Fix the sizes in a header left open by a crash, keeping every whole frame written
    (a trailing partial frame is cut). Idempotent; raises WavError if there is no header."""
    raise NotImplementedError


def merge_to_stereo(rep: Path | None, prospect: Path | None, target: Path) -> WavInfo:
    """Interleave two mono PCM16 parts into a stereo WAV: rep left, prospect right.

    A missing part (one-sided recording) is silence; the shorter part is padded with
    silence so both channels keep the call's timeline. Written to a temporary file and
    renamed, so ``target`` is either absent or complete. Raises WavError or OSError.
    """
    raise NotImplementedError


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of the file, read in chunks."""
    raise NotImplementedError
