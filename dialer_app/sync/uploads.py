"""Upload recordings' audio: chunked, resumable, verified by the server's SHA-256 check.

Each upload starts from the offset the server reports (``upload-status``), so an upload cut
off by a dropped connection, a crash or a restart continues where the server's bytes end.
Only recordings whose metadata is on the server (no pending outbox entry) are uploaded: the
server needs their size and checksum first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from dialer_app.domain.recording_status import PLAYABLE_SQL
from dialer_app.sync.client import Offline, ServerApi, ServerRefused

CHUNK = 4 * 1024 * 1024

Progress = Callable[[int, int], None]


@dataclass
class UploadReport:
    uploaded: int = 0
    failed: list[str] = field(default_factory=list)


_PENDING_SQL = (
    "SELECT r.uuid, r.file_name, r.size_bytes FROM recordings r"
    f" WHERE r.upload_state = 'pending' AND r.state IN ({PLAYABLE_SQL})"
    " AND r.sha256 IS NOT NULL AND r.file_name IS NOT NULL AND r.deleted_at IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.record_type = 'recording'"
    " AND o.uuid = r.uuid) ORDER BY r.id"
)


def upload_pending(
    engine: Engine, api: ServerApi, recordings_dir: Path, progress: Progress
) -> UploadReport:
    report = UploadReport()
    with engine.connect() as connection:
        pending = connection.exec_driver_sql(_PENDING_SQL).all()
    total_bytes = sum(int(size or 0) for _u, _f, size in pending)
    sent_before = 0
    for uuid, file_name, size in pending:
        path = recordings_dir / str(file_name)

        def moved(n: int, before: int = sent_before) -> None:
            progress(before + n, total_bytes)

        try:
            _upload(api, str(uuid), path, int(size), moved)
        except ServerRefused as exc:
            report.failed.append(f"recording {uuid}: {exc}")
            _mark(engine, str(uuid), "error")
        except FileNotFoundError:
            report.failed.append(f"recording {uuid}: the file {path} is missing")
            _mark(engine, str(uuid), "error")
        else:
            report.uploaded += 1
            _mark(engine, str(uuid), "uploaded")
        sent_before += int(size or 0)
    return report


def _upload(
    api: ServerApi, uuid: str, path: Path, size: int, progress: Callable[[int], None]
) -> None:
    status = api.request("GET", f"/recordings/{uuid}/upload-status").json()
    offset = int(status["offset"])
    with path.open("rb") as handle:
        while not status.get("complete") and offset < size:
            handle.seek(offset)
            chunk = handle.read(min(CHUNK, size - offset))
            if not chunk:
                raise FileNotFoundError(path)
            headers = {
                "Content-Range": f"bytes {offset}-{offset + len(chunk) - 1}/{size}",
                "Content-Type": "application/octet-stream",
            }
            response = api.request(
                "PUT", f"/recordings/{uuid}/content", ok=(200, 409), content=chunk, headers=headers
            )
            status = response.json()
            if response.status_code == 409 and status.get("in_progress"):
                raise Offline(f"Another upload of recording {uuid} is running; retrying later.")
            offset = int(status["offset"])  # 409: the server's offset; resend from there
            progress(offset)


def _mark(engine: Engine, uuid: str, state: str) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE recordings SET upload_state = ? WHERE uuid = ?", (state, uuid)
        )
