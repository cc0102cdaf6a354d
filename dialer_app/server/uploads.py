"""Recording files on disk: resumable uploads, verified by SHA-256 when the last byte lands.

Files live under ``<recordings dir>/<team id>/<recording uuid>.wav`` (the part being uploaded
as ``.wav.part``): named by the server-validated uuid, never by a name the client sent. The
offset to resume from is simply the part file's size, so it survives a server restart.

A finished upload whose SHA-256 differs from the metadata's is deleted, part and all: the bad
bytes could be anywhere, so resuming from them would fail the same way forever; the client
uploads again from byte 0.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

_RANGE_RE = re.compile(r"^bytes (\d{1,15})-(\d{1,15})/(\d{1,15})$")
_HASH_BLOCK = 1 << 20


class RangeError(ValueError):
    """A Content-Range header that is malformed or disagrees with the recording's size."""


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int
    """Inclusive, as in HTTP."""
    total: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def parse_content_range(header: str | None, size: int) -> ByteRange:
    """``bytes start-end/total``; no header means the whole file in one request."""
    if header is None:
        if size == 0:
            raise RangeError("an empty recording has nothing to upload")
        return ByteRange(0, size - 1, size)
    match = _RANGE_RE.match(header.strip())
    if match is None:
        raise RangeError("Content-Range must look like 'bytes 0-1048575/20971520'")
    start, end, total = (int(part) for part in match.groups())
    if total != size:
        raise RangeError(f"the recording's metadata says {size} bytes, Content-Range says {total}")
    if start > end or end >= total:
        raise RangeError("Content-Range start must be <= end < total")
    return ByteRange(start, end, total)


@dataclass(frozen=True)
class UploadFiles:
    part: Path
    final: Path

    def offset(self) -> int:
        """Bytes received so far (the whole size once complete)."""
        if self.final.exists():
            return self.final.stat().st_size
        return self.part.stat().st_size if self.part.exists() else 0

    @property
    def complete(self) -> bool:
        return self.final.exists()

    def sha256_of_part(self) -> str:
        digest = hashlib.sha256()
        with self.part.open("rb") as handle:
            while block := handle.read(_HASH_BLOCK):
                digest.update(block)
        return digest.hexdigest()

    def discard(self) -> None:
        self.part.unlink(missing_ok=True)
        self.final.unlink(missing_ok=True)


class RecordingFiles:
    """The recordings folder and who is uploading what right now (one upload per recording)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._busy: set[tuple[int, str]] = set()

    def files(self, team_id: int, uuid: str) -> UploadFiles:
        folder = self.root / str(team_id)
        return UploadFiles(folder / f"{uuid}.wav.part", folder / f"{uuid}.wav")

    def busy(self, team_id: int, uuid: str) -> bool:
        return (team_id, uuid) in self._busy

    def claim(self, team_id: int, uuid: str) -> bool:
        """Take the recording for one upload; False if another is in progress. The event loop
        is single-threaded, so the check and the add cannot interleave."""
        key = (team_id, uuid)
        if key in self._busy:
            return False
        self._busy.add(key)
        return True

    def release(self, team_id: int, uuid: str) -> None:
        self._busy.discard((team_id, uuid))
