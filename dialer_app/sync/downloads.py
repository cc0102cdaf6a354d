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

from dialer_app.domain.recording_status import PLAYABLE_SQL
from dialer_app.sync.client import ServerApi, ServerRefused

Progress = Callable[[int, int], None]
PASS_BUDGET_BYTES = 200 * 1024 * 1024
"""At most this much audio per sync pass (about 3.5 hours of calls); the rest next pass."""

_REMOTE_SQL = (
    "SELECT uuid, file_name, size_bytes, sha256 FROM recordings"
    f" WHERE upload_state = 'remote' AND state IN ({PLAYABLE_SQL})"
    " AND file_name IS NOT NULL AND deleted_at IS NULL ORDER BY id"
)


@dataclass
class DownloadReport:
    downloaded: int = 0
    waiting: int = 0
    """Not on the server yet (the other computer has not uploaded it)."""
    failed: list[str] = field(default_factory=list)


def download_remote(
    engine: Engine,
    api: ServerApi,
    recordings_dir: Path,
    progress: Progress,
    budget_bytes: int = PASS_BUDGET_BYTES,
) -> DownloadReport:
    """Download what is still on the server, up to ``budget_bytes`` a pass (a new laptop
    with gigabytes of audio must not hold back the next push; the next pass goes on)."""
    report = DownloadReport()
    with engine.connect() as connection:
        remote = connection.exec_driver_sql(_REMOTE_SQL).all()
    if not remote:
        return report
    recordings_dir.mkdir(parents=True, exist_ok=True)
    total = min(budget_bytes, sum(int(size or 0) for _u, _f, size, _s in remote))
    done_before = 0
    for uuid, file_name, size, sha256 in remote:
        if done_before >= budget_bytes:
            break
        target = recordings_dir / str(file_name)
        partial = target.with_name(target.name + ".part")

        def moved(n: int, before: int = done_before) -> None:
            progress(min(before + n, total), total)

        try:
            if not api.download(f"/recordings/{uuid}/content", partial, moved):
                report.waiting += 1
            elif not _verified(partial, size, str(sha256)):
                report.failed.append(
                    f"recording {uuid}: the downloaded audio does not match its checksum;"
                    " it will be downloaded again"
                )
            elif _put_in_place(engine, str(uuid), partial, target):
                report.downloaded += 1
        except ServerRefused as exc:  # this recording only: the others still come
            report.failed.append(f"recording {uuid}: {exc}")
        finally:
            partial.unlink(missing_ok=True)
        done_before += int(size or 0)
    return report


def _verified(path: Path, size: int | None, sha256: str) -> bool:
    if size is not None and path.stat().st_size != int(size):
        return False
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest() == sha256


def _put_in_place(engine: Engine, uuid: str, partial: Path, target: Path) -> bool:
    """Mark it downloaded and rename it into place in one transaction, only while it is
    still wanted: a recording deleted meanwhile (the retention rule, on another thread)
    must not come back as a file nothing refers to."""
    with engine.begin() as connection:
        result = connection.exec_driver_sql(
            "UPDATE recordings SET upload_state = 'synced' WHERE uuid = ?"
            f" AND upload_state = 'remote' AND state IN ({PLAYABLE_SQL})"
            " AND deleted_at IS NULL",
            (uuid,),
        )
        if result.rowcount != 1:
            return False
        partial.replace(target)  # a failed rename rolls the mark back
    return True
