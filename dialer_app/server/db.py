"""Engines and sessions for the server's database: SQLite (the default) or PostgreSQL.

Writes and reads get separate session factories. On SQLite a write transaction starts with
``BEGIN IMMEDIATE`` so two pushes never both read the team's change counter and then fail to
upgrade their lock (WAL refuses a stale snapshot's write at once, without waiting); reads start
with a plain ``BEGIN`` and never wait for a writer. On PostgreSQL one engine serves both and
the per-team row lock in ``changes.py`` orders the writers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def normalize_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (SQLAlchemy would pick psycopg2, not installed)."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event (below) issue BEGIN itself, as the SQLAlchemy docs advise
    # for pysqlite, whose own transaction handling would defer it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_engine(url: str, begin: str) -> Engine:
    engine = create_engine(url)
    event.listen(engine, "connect", _sqlite_pragmas)

    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql(begin)

    event.listen(engine, "begin", _begin)
    return engine


@dataclass(frozen=True)
class Database:
    """The server's engines and the two session factories the routes use."""

    url: str
    write_engine: Engine
    read_engine: Engine
    writes: sessionmaker[Session]
    reads: sessionmaker[Session]

    def dispose(self) -> None:
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()


def open_database(url: str) -> Database:
    url = normalize_url(url)
    if is_sqlite(url):
        writer = _sqlite_engine(url, "BEGIN IMMEDIATE")
        reader = _sqlite_engine(url, "BEGIN")
    else:
        writer = reader = create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)
    return Database(
        url,
        writer,
        reader,
        sessionmaker(writer, expire_on_commit=False),
        sessionmaker(reader, expire_on_commit=False),
    )
