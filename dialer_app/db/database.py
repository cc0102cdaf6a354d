"""Open the app's database: upgrade it first, then hand out sessions and readers.

The SQLAlchemy engine is created on first use, so start-up (which only reads the
people list through :mod:`people_reader`) does not pay for importing SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from dialer_app.db.bulk_load import restore_indexes
from dialer_app.db.calls_reader import CallsReader
from dialer_app.db.migrate import stored_revision, upgrade_database
from dialer_app.db.people_reader import PeopleReader
from dialer_app.db.recordings_reader import RecordingsReader

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker


@dataclass
class Database:
    path: Path
    revision: str
    created: bool
    """True when this start created the schema (first run)."""
    _readers: list[PeopleReader | CallsReader | RecordingsReader] = field(
        default_factory=list, repr=False
    )

    @cached_property
    def engine(self) -> Engine:
        from dialer_app.db.engine import create_sqlite_engine

        return create_sqlite_engine(self.path)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        from dialer_app.db.engine import session_factory

        return session_factory(self.engine)

    def people_reader(self) -> PeopleReader:
        reader = PeopleReader(self.path)
        self._readers.append(reader)
        return reader

    def calls_reader(self) -> CallsReader:
        reader = CallsReader(self.path)
        self._readers.append(reader)
        return reader

    def recordings_reader(self) -> RecordingsReader:
        reader = RecordingsReader(self.path)
        self._readers.append(reader)
        return reader

    def close(self) -> None:
        for reader in self._readers:
            reader.close()
        self._readers.clear()
        if "engine" in self.__dict__:
            self.engine.dispose()


def open_database(path: Path) -> Database:
    """Upgrade (or create) the file, then open it. Raises DatabaseProblem with a clear message."""
    path.parent.mkdir(parents=True, exist_ok=True)
    before = stored_revision(path)
    revision = upgrade_database(path)
    restore_indexes(path)  # after an import that was killed in bulk mode
    database = Database(path, revision, created=before is None)
    if before != revision:
        from dialer_app.db.team_defaults import ensure_team_defaults

        with database.sessions.begin() as session:
            ensure_team_defaults(session)
    return database
