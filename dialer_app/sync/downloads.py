"""Download the audio of recordings made on another computer (a rep's new laptop).

The pull writes their metadata with ``upload_state = 'remote'`` (``apply.py``); each pass
fetches what the server has into ``<call uuid>.wav.part``, checks its size and SHA-256
against the metadata, and only then renames it into place and marks it ``synced``, so a
half-downloaded or corrupt file is never played. Audio the other computer has not
uploaded yet (404) is simply tried again on the next pass.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from dialer_app.sync.client import ServerApi

Progress = Callable[[int, int], None]

_REMOTE_SQL = (
    "SELECT uuid, file_name, size_bytes, sha256 FROM recordings"
    " WHERE upload_state = 'remote' AND state IN ('ready', 'repaired')"
    " AND file_name IS NOT NULL AND deleted_at IS NULL ORDER BY id"
)


@dataclass
class DownloadReport:
    downloaded: int = 0
    waiting: int = 0
    """Not on the server yet (the other computer has not uploaded it)."""
    failed: list[str] = field(default_factory=list)


def download_remote(
    engine: Engine, api: ServerApi, recordings_dir: Path, progress: Progress
) -> DownloadReport:
    report = DownloadReport()
    with engine.connect() as connection:
        remote = connection.exec_driver_sql(_REMOTE_SQL).all()
    if not remote:
        return report
    recordings_dir.mkdir(parents=True, exist_ok=True)
    total = sum(int(size or 0) for _u, _f, size, _s in remote)
    done_before = 0
    for uuid, file_name, size, sha256 in remote:
        target = recordings_dir / str(file_name)
        partial = target.with_name(target.name + ".part")

        def moved(n: int, before: int = done_before) -> None:
            progress(before + n, total)

        try:
            if not api.download(f"/recordings/{uuid}/content", partial, moved):
                report.waiting += 1
            elif _verified(partial, int(size or 0), str(sha256)):
                partial.replace(target)
                _mark_synced(engine, str(uuid))
                report.downloaded += 1
            else:
                report.failed.append(
                    f"recording {uuid}: the downloaded audio does not match its checksum;"
                    " it will be downloaded again"
                )
        finally:
            partial.unlink(missing_ok=True)
        done_before += int(size or 0)
    return report


def _verified(path: Path, size: int, sha256: str) -> bool:
    if path.stat().st_size != size:
        return False
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest() == sha256


def _mark_synced(engine: Engine, uuid: str) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE recordings SET upload_state = 'synced' WHERE uuid = ?", (uuid,)
        )
