"""Bulk mode for large imports: fewer index writes per row, SQLite's work off the thread.

Once the rows are parsed, two costs dominate a 100,000-person import:

* B-tree indexes whose keys arrive in random order (email, account, E.164 number): each
  row lands on its own page. They are dropped for the import and built again at its end
  (``CREATE INDEX`` sorts once: a third of the time). The indexes the app's own queries
  name or need per row (``people_search_by_name`` is used ``INDEXED BY``; the numbers of
  a person) stay. A crash in between leaves them missing: :func:`restore_indexes` runs
  when the database is opened, so the next start builds them again. While an import
  runs, a lookup by email or number reads the whole table (tens of milliseconds).
* The FTS5 search index: a :class:`BackgroundIndexer` writes it on its own thread and
  connection after each committed batch, while the importing thread parses the next one
  (one set-based statement per table, run inside SQLite, which releases the GIL, so the
  two overlap on two cores). The WAL checkpoints go to that thread's commits too.
  Rows committed and not yet indexed are above the search index's marks, so any later
  commit indexes them: nothing is lost on cancel or crash. (Doing the inserts there too
  was measured slower: ``executemany`` takes the GIL back for every row, and waits for
  it while the importing thread runs Python.)
"""

from __future__ import annotations

import contextlib
import logging
import queue
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from dialer_app.db.search_index import flush_pending

log = logging.getLogger(__name__)

DEFER_SEARCH_INDEX = "dialer_app.defer_search_index"
"""Key in a connection's ``info``: while set, its commits leave the search index to the
:class:`BackgroundIndexer` (see ``engine.py``)."""

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


class BulkWriter:
    """Batches written on bulk mode's one connection: each under the lock it shares with
    the background indexer, which indexes the batch once it is committed."""

    def __init__(self, connection: Connection, lock: threading.Lock, indexer: BackgroundIndexer):
        self.connection = connection
        self._lock = lock
        self._indexer = indexer

    @contextlib.contextmanager
    def batch(self) -> Iterator[Connection]:
        """The connection, for one batch the caller commits (or rolls back) inside."""
        with self._lock:
            yield self.connection
        self._indexer.request()  # index this batch while the next one is prepared


@contextlib.contextmanager
def bulk_mode(engine: Engine) -> Iterator[BulkWriter]:
    """Bulk mode on one connection of ``engine``: the random-order indexes dropped until
    the end, the search index written by a :class:`BackgroundIndexer`, the WAL checkpoints
    left to the indexer's commits (so they overlap the caller's work too). Whatever
    happens, indexes and search index are whole again when this returns. For writes much
    larger than the tables (a first import, a first sync pull): rebuilding costs less."""
    lock = threading.Lock()
    with engine.connect() as connection:
        connection.info[DEFER_SEARCH_INDEX] = True
        connection.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
        try:
            _execute_and_commit(connection, DROP_INDEXES)
            indexer = BackgroundIndexer(engine.raw_connection, lock)
            try:
                yield BulkWriter(connection, lock, indexer)
            finally:
                try:
                    indexer.close()
                finally:
                    _execute_and_commit(connection, CREATE_INDEXES)
        finally:
            connection.info.pop(DEFER_SEARCH_INDEX, None)
            connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint={_AUTOCHECKPOINT}")


_AUTOCHECKPOINT = 1000
"""SQLite's default, which the app's connections keep."""


def _execute_and_commit(connection: Connection, statements: Sequence[str]) -> None:
    if connection.in_transaction():  # a batch that failed half-way
        connection.rollback()
    for statement in statements:
        connection.exec_driver_sql(statement)
    connection.commit()


def restore_indexes(database: Path, *, busy_timeout_ms: int = 5000) -> bool:
    """At start-up, after an import killed in bulk mode: build the indexes it dropped, and
    index the people it committed but the search index had not caught up with (else they
    would be found only after the next commit). True when there was anything to do; one
    cheap read otherwise."""
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        names = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
        missing = [name for name in BULK_INDEXES if name not in names]
        if not missing:
            return False
        connection.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        try:
            connection.execute("BEGIN IMMEDIATE")
            for statement in CREATE_INDEXES:
                connection.execute(statement)
            flush_pending(connection.cursor())
            connection.execute("COMMIT")
        except sqlite3.OperationalError as exc:  # another copy of the app busy importing:
            log.warning("indexes %s not restored yet: %s", missing, exc)  # it builds them
            return False
        return True
    finally:
        connection.close()


class BackgroundIndexer:
    """Brings the search index up to date on its own connection when asked, one flush at a
    time, under ``lock`` (the importing thread holds it while it writes a batch, so
    neither waits on SQLite's busy timeout)."""

    def __init__(self, connect: Any, lock: threading.Lock) -> None:
        self._connect = connect
        self._lock = lock
        self._requests: queue.SimpleQueue[bool] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="search-indexer", daemon=True)
        self._thread.start()

    def request(self) -> None:
        """Index what was committed so far (returns at once)."""
        self._requests.put(True)

    def close(self) -> None:
        """Index everything committed, then stop; re-raise the indexer's error if any."""
        self._requests.put(False)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        try:
            connection = self._connect()
        except BaseException as exc:  # reported by close()
            self._error = exc
            return
        try:
            more = True
            while more:
                more = self._requests.get()
                while more and not self._requests.empty():  # catch up in one flush
                    more = self._requests.get()
                with self._lock:
                    _flush(connection)
        except BaseException as exc:  # reported by close()
            self._error = exc
        finally:
            connection.close()


def _flush(connection: Any) -> None:
    """One write transaction, taken at once (BEGIN IMMEDIATE: a read that turns into a
    write cannot wait for the lock in WAL mode)."""
    cursor = connection.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE")
        try:
            flush_pending(cursor)
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
    finally:
        cursor.close()
