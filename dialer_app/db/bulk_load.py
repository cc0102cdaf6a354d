"""Bulk mode for large imports: fewer index writes per row, SQLite's work off the thread.

Once the rows are parsed, two costs dominate a 100,000-person import:

* B-tree indexes whose keys arrive in random order (email, account, E.164 number): each
  row lands on its own page. They are dropped for the import and built again at its end
  (``CREATE INDEX`` sorts once: a third of the time). The indexes the app's own queries
  name or need per row (``people_search_by_name`` is used ``INDEXED BY``; the numbers of
  a person) stay. A crash in between leaves them missing: :func:`restore_indexes` runs
  when the database is opened, so the next start builds them again. While an import
  runs, a lookup by email or number reads the whole table (tens of milliseconds).
* SQLite's own work, the inserts and the FTS5 search index: a :class:`BackgroundWriter`
  does it on its own thread and connection while the importing thread parses the next
  batch. SQLite releases the GIL while it works, so on two cores they overlap.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from dialer_app.db.search_index import flush_pending

Job = TypeVar("Job")

BULK_INDEXES: dict[str, str] = {
    "ix_people_email": "CREATE INDEX IF NOT EXISTS ix_people_email ON people (email)",
    "ix_people_account_id": (
        "CREATE INDEX IF NOT EXISTS ix_people_account_id ON people (account_id)"
    ),
    "ix_phone_numbers_e164": (
        "CREATE INDEX IF NOT EXISTS ix_phone_numbers_e164 ON phone_numbers (e164)"
    ),
}
"""Indexes a bulk import drops and builds again, as migration 0001 creates them (the
migrations test compares the schema after a bulk import)."""


DROP_INDEXES = tuple(f"DROP INDEX IF EXISTS {name}" for name in BULK_INDEXES)
CREATE_INDEXES = tuple(BULK_INDEXES.values())


def restore_indexes(database: Path) -> bool:
    """At start-up: build any index a bulk import dropped and could not rebuild (the app
    was killed mid-import). True when something was built. A cheap read otherwise."""
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        names = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
        missing = [name for name in BULK_INDEXES if name not in names]
        if not missing:
            return False
        connection.execute("PRAGMA busy_timeout=5000")
        connection.execute("BEGIN IMMEDIATE")
        for statement in CREATE_INDEXES:
            connection.execute(statement)
        connection.execute("COMMIT")
        return True
    finally:
        connection.close()


class BackgroundWriter(Generic[Job]):
    """Writes jobs in order on its own thread and connection, one transaction each, with
    the search index brought up to date before each commit (as ``engine.py`` does).

    The caller prepares the next job meanwhile: SQLite releases the GIL while it works,
    so on two cores the import's Python and SQLite's inserts and FTS5 indexing overlap.
    At most one job waits, so the caller is never more than a batch ahead.
    """

    def __init__(self, connect: Callable[[], Any], write: Callable[[Any, Job], None]) -> None:
        self._connect = connect
        self._write = write
        self._jobs: queue.Queue[Job | None] = queue.Queue(maxsize=1)
        self._written: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> None:
        """Queue ``job`` (waits while another one waits); raise the writer's error if any."""
        self._raise()
        self._jobs.put(job)

    def written(self) -> list[Job]:
        """The jobs committed since the last call, in order."""
        jobs = []
        while not self._written.empty():
            jobs.append(self._written.get())
        return jobs

    def close(self) -> list[Job]:
        """Write every job submitted, stop, and return those not yet returned by
        :meth:`written`; raise the writer's error if any (jobs after it are dropped)."""
        self._jobs.put(None)
        self._thread.join()
        self._raise()
        return self.written()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        connection = None
        try:
            connection = self._connect()
            while (job := self._jobs.get()) is not None:
                _write_and_commit(connection, self._write, job)
                self._written.put(job)
        except BaseException as exc:  # handed to the caller by submit() or close()
            self._error = exc
            while self._jobs.get() is not None:  # let submit() and close() return
                pass
        finally:
            if connection is not None:
                connection.close()


def _write_and_commit(connection: Any, write: Callable[[Any, Job], None], job: Job) -> None:
    """One write transaction, taken at once (BEGIN IMMEDIATE: in WAL mode a read that
    turns into a write fails at once, instead of waiting, when another commit came first)."""
    cursor = connection.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE")
        try:
            write(cursor, job)
            flush_pending(cursor)
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
    finally:
        cursor.close()
