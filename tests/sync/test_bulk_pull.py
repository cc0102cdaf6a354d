"""A large first pull (a rep's new computer) takes bulk mode (db/bulk_load.py), against a
real ``dialer-app serve``: every person arrives searchable, the indexes are whole
afterwards, and a pull that breaks half-way leaves a database the next sync completes."""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import dialer_app.sync.engine as sync_engine
from dialer_app.db.bulk_load import BULK_INDEXES, BulkWriter
from dialer_app.db.people_reader import PeopleReader
from dialer_app.sync.client import Offline
from tests.server.conftest import Server
from tests.sync.conftest import Client, start_team_server

pytestmark = pytest.mark.slow

PAGE = 40
PEOPLE = 150  # four pages of PAGE


@pytest.fixture(scope="module")
def crowded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A team whose admin pushed PEOPLE people, each with an office number."""
    server = start_team_server(tmp_path_factory.mktemp("bulk-pull-server"))
    try:
        upserts = [
            {
                "type": "person",
                "record": {
                    "uuid": str(uuid.uuid4()),
                    "updated_at": "2026-03-02T09:00:00+00:00",
                    "first_name": f"Bulk{index}",
                    "last_name": "Prospect",
                    "email": f"bulk{index}@example.com",
                    "phone_numbers": [
                        {
                            "uuid": str(uuid.uuid4()),
                            "kind": "office",
                            "e164": f"+1404777{index:04d}",
                        }
                    ],
                },
            }
            for index in range(PEOPLE)
        ]
        with server.client("admin") as http:
            http.post("/sync/push", json={"upserts": upserts}).raise_for_status()
        yield server
    finally:
        server.stop()


@pytest.fixture
def bulk_entries(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Small pages, and a record of each time the pull entered bulk mode."""
    monkeypatch.setattr(sync_engine, "PAGE", PAGE)
    entered: list[int] = []
    real = sync_engine.bulk_mode

    @contextlib.contextmanager
    def spy(engine: Any) -> Iterator[BulkWriter]:
        with real(engine) as writer:
            entered.append(1)
            yield writer

    monkeypatch.setattr(sync_engine, "bulk_mode", spy)
    return entered


def _indexes(database: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return {
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }


def _people(database: Path) -> int:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return int(connection.execute("SELECT count(*) FROM people").fetchone()[0])


def test_a_first_pull_of_many_pages_takes_bulk_mode_and_leaves_everyone_searchable(
    crowded_server: Server, make_client: Callable[[str], Client], bulk_entries: list[int]
) -> None:
    client = make_client("new-laptop")
    engine = client.sync_engine(crowded_server.base_url, crowded_server.tokens["rep"])

    report = engine.run_once()

    assert bulk_entries == [1]
    assert report.pulled >= PEOPLE
    database = client.database.path
    assert _people(database) == PEOPLE
    assert set(BULK_INDEXES) <= _indexes(database)
    reader = PeopleReader(database)
    try:
        assert [p.name for p in reader.search("Bulk137")] == ["Bulk137 Prospect"]
        assert [p.name for p in reader.search("7770042")] == ["Bulk42 Prospect"]
        assert [p.name for p in reader.people_with_number("+14047770099")] == ["Bulk99 Prospect"]
    finally:
        reader.close()

    engine.run_once()  # nothing new: one short page, no bulk mode
    assert bulk_entries == [1]


def test_a_pull_into_a_database_with_many_people_is_not_bulk(
    crowded_server: Server,
    make_client: Callable[[str], Client],
    bulk_entries: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sync_engine, "BULK_MAX_STORED_PEOPLE", 0)  # "many" is any here
    client = make_client("full-laptop")
    client.sync_engine(crowded_server.base_url, crowded_server.tokens["rep"]).run_once()

    assert bulk_entries == []
    assert _people(client.database.path) == PEOPLE


def test_a_bulk_pull_broken_half_way_is_completed_by_the_next_sync(
    crowded_server: Server, make_client: Callable[[str], Client], bulk_entries: list[int]
) -> None:
    client = make_client("flaky-laptop")
    engine = client.sync_engine(crowded_server.base_url, crowded_server.tokens["rep"])
    real_changes = engine.api.changes
    calls: list[int] = []

    def changes_failing_on_the_third_page(since: int, limit: int = 5000) -> Any:
        calls.append(since)
        if len(calls) == 3:
            raise Offline("The team server is unreachable (test).")
        return real_changes(since, limit)

    engine.api.changes = changes_failing_on_the_third_page  # type: ignore[method-assign]
    with pytest.raises(Offline):
        engine.run_once()

    database = client.database.path
    assert bulk_entries == [1]
    assert set(BULK_INDEXES) <= _indexes(database)  # rebuilt on the way out
    assert _people(database) == 2 * PAGE  # the pages applied before the break stay

    engine.api.changes = real_changes  # type: ignore[method-assign]
    engine.run_once()
    assert _people(database) == PEOPLE
    reader = PeopleReader(database)
    try:
        assert [p.name for p in reader.search("Bulk149")] == ["Bulk149 Prospect"]
    finally:
        reader.close()
