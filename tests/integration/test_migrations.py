"""Alembic against real SQLite files: empty -> head, models == migrations, refusals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from dialer_app.db.database import open_database
from dialer_app.db.errors import DatabaseCorrupt, NotOurDatabase, SchemaTooNew
from dialer_app.db.migrate import HEAD_REVISION, alembic_config, stored_revision
from dialer_app.db.models import Base
from dialer_app.db.search_index import include_in_autogenerate


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def test_head_constant_matches_alembic() -> None:
    assert _script().get_current_head() == HEAD_REVISION


def test_empty_to_head_then_schema_matches_models(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    database = open_database(path)
    assert database.created
    assert database.revision == HEAD_REVISION
    database.close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_in_autogenerate}
        )
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"


def test_database_uses_wal_and_defaults_are_seeded(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    database = open_database(path)
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("SELECT count(*) FROM dispositions").scalar() >= 6
    database.close()


def test_reopening_at_head_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    open_database(path).close()
    again = open_database(path)
    assert not again.created
    again.close()
    assert not list(tmp_path.glob("*.before-*")), "no backup when nothing was upgraded"


def test_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    open_database(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew) as caught:
        open_database(path)
    assert "newer version" in str(caught.value)
    assert "not changed" in str(caught.value)
    assert path.read_bytes() == before


def test_corrupt_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(DatabaseCorrupt) as caught:
        open_database(path)
    assert "not changed" in str(caught.value)
    assert path.read_bytes() == b"this is not sqlite at all" * 100


def test_damaged_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    open_database(path).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the header
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseCorrupt):
        stored_revision(path)


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    with pytest.raises(NotOurDatabase):
        open_database(path)


def test_upgrade_from_an_older_revision_keeps_a_backup(tmp_path: Path) -> None:
    """Simulate an older app's database: stamp it at an unknown-but-older state by
    dropping to base, then upgrading again must go through Alembic and back up first."""
    path = tmp_path / "db.sqlite3"
    open_database(path).close()
    config = alembic_config()

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    engine.dispose()
    assert stored_revision(path) is None
    database = open_database(path)
    assert database.revision == HEAD_REVISION
    database.close()


def test_calls_from_0002_survive_the_upgrade_to_head(tmp_path: Path) -> None:
    """A rep's existing calls keep their data and get an empty, open log."""
    path = tmp_path / "db.sqlite3"
    config = alembic_config()

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.exec_driver_sql(
            "INSERT INTO calls (uuid, number_e164, direction, line_name, started_at, "
            "voicemail_dropped, created_at, updated_at, outcome) VALUES ('c-1', '+14045550100', "
            "'outbound', 'Demo line', '2026-01-01', 0, '2026-01-01', '2026-01-01', 'answered')"
        )
    engine.dispose()
    open_database(path).close()
    with sqlite3.connect(path) as connection:
        row = connection.execute(
            "SELECT outcome, log_state, notes, custom_values, success, sync_state FROM calls"
        ).fetchone()
    assert row == ("answered", "open", "", "{}", 0, "pending")


def test_rows_made_before_sync_are_queued_for_the_first_push(tmp_path: Path) -> None:
    """0009: calls (and every other synced row) made before the outbox existed are queued."""
    path = tmp_path / "db.sqlite3"
    config = alembic_config()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0008")
        connection.exec_driver_sql(
            "INSERT INTO calls (uuid, number_e164, direction, line_name, started_at, "
            "voicemail_dropped, created_at, updated_at, log_state, notes, custom_values, "
            "success, sync_state) VALUES ('c-1', '+14045550100', 'outbound', 'Demo line', "
            "'2026-01-01', 0, '2026-01-01', '2026-01-01', 'logged', '', '{}', 0, 'pending')"
        )
        connection.exec_driver_sql(
            "INSERT INTO team_settings (key, value, updated_at) VALUES ('x_flag', '1', "
            "'2026-01-01')"
        )
    engine.dispose()
    open_database(path).close()
    with sqlite3.connect(path) as connection:
        queued = set(connection.execute("SELECT record_type, uuid, op FROM outbox"))
    assert {("call", "c-1", "upsert"), ("team_setting", "x_flag", "upsert")} <= queued
