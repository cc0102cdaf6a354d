"""SQLAlchemy engine and sessions for the local SQLite file (WAL, foreign keys on)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from dialer_app.db.bulk_load import DEFER_SEARCH_INDEX
from dialer_app.db.search_index import flush_pending


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the GUI read while a background writer (sync, autosave) commits.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # 64 MB of page cache (filled only as used): below ~32 MB, bulk imports into a
    # 100,000-person database slow down batch after batch on random index pages.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def _index_before_commit(connection: Connection) -> None:
    """Every commit leaves the people search index current (see search_index.py), but a
    bulk import's: its background indexer catches up (bulk_load.py)."""
    if connection.info.get(DEFER_SEARCH_INDEX):
        return
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        flush_pending(cursor)
    finally:
        cursor.close()


def create_sqlite_engine(database: Path) -> Engine:
    engine = create_engine(f"sqlite:///{database}", future=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "commit", _index_before_commit)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose synced changes queue themselves for the team server (outbox.py)."""
    from dialer_app.db.outbox import install

    sessions = sessionmaker(engine, expire_on_commit=False)
    install(sessions)
    return sessions
