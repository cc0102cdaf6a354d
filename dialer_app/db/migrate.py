"""Bring the database file to the newest schema before any window opens.

The common case (already at head) is decided with the stdlib ``sqlite3`` module, so
start-up does not pay for importing Alembic. Anything else goes through Alembic,
after a backup copy of the file; a newer or corrupt database is refused with a clear
message and never wiped.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from dialer_app.db.errors import DatabaseCorrupt, NotOurDatabase, SchemaTooNew
from dialer_app.db.readonly import connect_read_only

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

HEAD_REVISION = "0010"
"""The newest migration; a test checks it equals Alembic's head."""

_SQLITE_HEADER = b"SQLite format 3\x00"
_KEEP_AWAY = "Your data was not changed."


def migrations_path() -> Path:
    """Where the Alembic scripts are, in a checkout, a wheel or a bundle alike."""
    return Path(str(resources.files("dialer_app.migrations")))


def alembic_config() -> Config:
    """Alembic's configuration without an alembic.ini: just where the scripts are."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    return config


def stored_revision(database: Path) -> str | None:
    """The Alembic revision recorded in the file; None for a new or empty database."""
    if not database.exists() or database.stat().st_size == 0:
        return None
    with database.open("rb") as handle:
        header = handle.read(len(_SQLITE_HEADER))
    if header != _SQLITE_HEADER:
        raise DatabaseCorrupt(
            f"{database} is not a readable database (it may be damaged). {_KEEP_AWAY} "
            "Move the file aside to start fresh, or restore it from a backup."
        )
    try:
        conn = connect_read_only(database)
        try:
            tables = {
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if "alembic_version" not in tables:
                if tables:
                    raise NotOurDatabase(
                        f"{database} holds another program's data, not Dialer's. {_KEEP_AWAY} "
                        "Start with --data-dir pointing to another folder."
                    )
                return None
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseCorrupt(
            f"{database} is damaged ({exc}). {_KEEP_AWAY} "
            "Restore it from a backup, or move it aside to start fresh."
        ) from exc
    return str(row[0]) if row else None


def upgrade_database(database: Path) -> str:
    """Upgrade the file to head (creating it if needed); return the revision it is at."""
    revision = stored_revision(database)
    if revision == HEAD_REVISION:
        return revision

    from alembic import command
    from alembic.script import ScriptDirectory

    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    known = {rev.revision for rev in script.walk_revisions()}
    if revision is not None and revision not in known:
        raise SchemaTooNew(
            f"This database was written by a newer version of Dialer (schema {revision}). "
            f"{_KEEP_AWAY} Install the newer version, "
            "or start with --data-dir to use another folder."
        )
    if revision is not None:
        backup = database.with_name(f"{database.name}.before-{script.get_current_head()}")
        shutil.copy2(database, backup)
        log.info("backed up %s to %s before upgrading", database, backup)

    from dialer_app.db.engine import create_sqlite_engine

    engine = create_sqlite_engine(database)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()
    head = script.get_current_head()
    log.info("database %s upgraded from %s to %s", database, revision, head)
    return str(head)
