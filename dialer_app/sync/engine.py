"""One sync pass: push the outbox, pull the changes feed, upload recordings.

Everything it needs to resume is in the local database: the outbox, and ``sync_state``
(the feed cursor, for this server URL and user). Each pulled page is applied in the same
transaction that moves the cursor, so a crash mid-pull re-applies at most one page.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from dialer_app.db.bulk_load import BulkWriter, bulk_mode
from dialer_app.db.models import utc_now
from dialer_app.sync.apply import Applier
from dialer_app.sync.client import Me, ServerApi
from dialer_app.sync.downloads import download_remote
from dialer_app.sync.push import pending_count, push_outbox
from dialer_app.sync.uploads import upload_pending

PAGE = 5000
BULK_MAX_STORED_PEOPLE = 10_000
"""A first pull into a database with fewer people than this runs in bulk mode."""


@dataclass(frozen=True)
class Progress:
    """Where a pass is: ``phase`` is "push", "pull", "upload" or "download"; done/total in
    its unit."""

    phase: str
    done: int
    total: int


ProgressCallback = Callable[[Progress], None]


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0
    uploaded: int = 0
    downloaded: int = 0
    refused: list[str] = field(default_factory=list)
    settings_changed: bool = False


def _ignore(_progress: Progress) -> None:
    pass


def _phase(progress: ProgressCallback, phase: str) -> Callable[[int, int], None]:
    """A (done, total) callback that reports as ``phase``."""
    return lambda done, total: progress(Progress(phase, done, total))


@contextlib.contextmanager
def _transaction(writer: BulkWriter) -> Iterator[Connection]:
    """A bulk-mode batch as one transaction, committed on the way out (as ``engine.begin``)."""
    with writer.batch() as connection, connection.begin():
        yield connection


class SyncEngine:
    """A sync pass against one server for one local database (no threads here)."""

    def __init__(self, engine: Engine, api: ServerApi, recordings_dir: Path) -> None:
        self.engine = engine
        self.api = api
        self.recordings_dir = recordings_dir
        self._me: Me | None = None

    def me(self) -> Me:
        if self._me is None:
            self._me = self.api.me()
        return self._me

    def close(self) -> None:
        """Close the server connections (the engine is not used again)."""
        self.api.close()

    def pending(self) -> int:
        return pending_count(self.engine)

    def run_once(self, progress: ProgressCallback = _ignore) -> SyncReport:
        me = self.me()
        cursor = self._start(me)
        report = SyncReport()
        pushed = push_outbox(self.engine, self.api, me.email, _phase(progress, "push"))
        report.pushed, report.refused = pushed.pushed, list(pushed.refused)
        self._pull(me, cursor, report, progress)
        uploads = upload_pending(
            self.engine, self.api, self.recordings_dir, _phase(progress, "upload")
        )
        report.uploaded = uploads.uploaded
        report.refused += uploads.failed
        downloads = download_remote(
            self.engine, self.api, self.recordings_dir, _phase(progress, "download")
        )
        report.downloaded = downloads.downloaded
        report.refused += downloads.failed
        self.record_success()
        return report

    def _pull(self, me: Me, cursor: int, report: SyncReport, progress: ProgressCallback) -> None:
        """Page after page; the next page is fetched while this one is applied (the server's
        time and the local writes overlap: a first pull of 100,000 people is ~40 % faster).
        A large first pull runs in bulk mode (``_bulk_pull``)."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-fetch") as fetcher:
            upcoming = fetcher.submit(self.api.changes, cursor, PAGE)
            first = upcoming.result()
            with contextlib.ExitStack() as stack:
                batch: Callable[[], contextlib.AbstractContextManager[Connection]] = (
                    self.engine.begin
                )
                if self._bulk_pull(first):
                    batch = functools.partial(
                        _transaction, stack.enter_context(bulk_mode(self.engine))
                    )
                page = first
                while True:
                    if page["has_more"]:
                        upcoming = fetcher.submit(self.api.changes, int(page["next_cursor"]), PAGE)
                    self._apply_page(batch, me, page, report)
                    more = PAGE if page["has_more"] else 0
                    progress(Progress("pull", report.pulled, report.pulled + more))
                    if not page["has_more"]:
                        return
                    page = upcoming.result()

    def _bulk_pull(self, first_page: dict[str, Any]) -> bool:
        """Bulk mode (db/bulk_load.py) when more than a page is coming into a database with
        few people (a new computer, or a long catch-up of a small one): rebuilding the
        indexes at the end costs less than writing them in random order. A database with
        10,000 people or more never takes it."""
        if not first_page["has_more"]:
            return False
        with self.engine.connect() as connection:
            stored = connection.exec_driver_sql("SELECT count(*) FROM people").scalar_one()
        return int(stored) < BULK_MAX_STORED_PEOPLE

    @staticmethod
    def _apply_page(
        batch: Callable[[], contextlib.AbstractContextManager[Connection]],
        me: Me,
        page: dict[str, Any],
        report: SyncReport,
    ) -> None:
        """One page and the cursor after it, in one transaction."""
        changes = page["changes"]
        with batch() as connection:
            applier = Applier(connection, me.email)
            applier.apply(changes)
            applier.retry_deferred()
            applied = applier.applied
            connection.exec_driver_sql(
                "UPDATE sync_state SET cursor = ? WHERE id = 1", (int(page["next_cursor"]),)
            )
        report.pulled += len(changes)
        report.settings_changed |= applied.settings_changed

    def _start(self, me: Me) -> int:
        """The stored cursor; a different server or user starts the feed again from 0."""
        with self.engine.begin() as connection:
            row = connection.exec_driver_sql(
                "SELECT server_url, user_email, cursor FROM sync_state WHERE id = 1"
            ).first()
            if row is not None and (row[0], row[1]) == (self.api.base_url, me.email):
                return int(row[2])
            # another user may write what this one could not (an admin after a rep)
            connection.exec_driver_sql("UPDATE outbox SET error = '' WHERE error != ''")
            connection.exec_driver_sql("DELETE FROM sync_deferred")  # the feed starts again
            connection.exec_driver_sql(
                "INSERT INTO sync_state (id, server_url, user_email, cursor, last_error)"
                " VALUES (1, ?, ?, 0, '') ON CONFLICT (id) DO UPDATE SET"
                " server_url = excluded.server_url, user_email = excluded.user_email, cursor = 0",
                (self.api.base_url, me.email),
            )
            return 0

    def record_success(self) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(
                "UPDATE sync_state SET last_success_at = ?, last_error = '' WHERE id = 1",
                (utc_now().strftime("%Y-%m-%d %H:%M:%S.%f"),),
            )

    def record_error(self, reason: str) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(
                "UPDATE sync_state SET last_error = ?, last_error_at = ? WHERE id = 1",
                (reason, utc_now().strftime("%Y-%m-%d %H:%M:%S.%f")),
            )
