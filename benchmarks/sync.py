"""The client sync on loopback: push 10,000 logged calls from the outbox, a first pull of
100,000 people into the local database, and an incremental sync with nothing to do.

    .venv/bin/python benchmarks/sync.py [--calls 10000] [--people 100000]

Starts ``dialer-app serve`` (SQLite, temporary folder), seeds the people with an admin's
batch pushes (as benchmarks/server_sync.py), then runs the client's own code (SyncEngine on a
database made by the app's migrations) as a rep. Last line:
``push_calls_per_s=<a> pull_100k_people_s=<b> noop_sync_ms=<c>``
(targets: >= 2,000 calls/s, <= 10 s, <= 50 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dialer_app.db.bulk_load import BULK_INDEXES
from dialer_app.db.database import Database, open_database
from dialer_app.db.models import Call
from dialer_app.db.people_reader import PeopleReader
from dialer_app.sync.client import ServerApi
from dialer_app.sync.engine import SyncEngine, SyncReport
from dialer_app.sync.push import push_outbox
from tests.server.conftest import create_user, start_server


def _person(index: int) -> dict[str, Any]:
    return {
        "uuid": str(uuid.uuid4()),
        "updated_at": "2026-03-02T09:00:00+00:00",
        "first_name": f"First{index}",
        "last_name": f"Last{index}",
        "email": f"person{index}@example.com",
        "phone_numbers": [
            {"uuid": str(uuid.uuid4()), "kind": "office", "e164": f"+1404{index:07d}"}
        ],
    }


def _seed_people(client: httpx.Client, count: int) -> None:
    """As an admin, in batches of 5,000 (as benchmarks/server_sync.py seeds)."""
    for start in range(0, count, 5000):
        batch = [
            {"type": "person", "record": _person(i)} for i in range(start, min(count, start + 5000))
        ]
        client.post("/sync/push", json={"upserts": batch}).raise_for_status()


def _log_calls(database_sessions: object, count: int) -> None:
    """Calls as the app writes them: ORM rows, queued by the outbox listener."""
    from sqlalchemy.orm import Session, sessionmaker

    assert isinstance(database_sessions, sessionmaker)
    started = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for first in range(0, count, 1000):
        with database_sessions.begin() as session:
            assert isinstance(session, Session)
            session.add_all(
                Call(
                    number_e164=f"+1404555{index % 10000:04d}",
                    line_name="Bench line",
                    started_at=started,
                    ended_at=started,
                    duration_s=42.5,
                    log_state="logged",
                    notes="Left a voicemail about the renewal.",
                    success=index % 3 == 0,
                    mos=4.2,
                )
                for index in range(first, min(count, first + 1000))
            )


def _check_pulled(database: Database, count: int) -> tuple[int, bool]:
    """The pull's result as the app needs it: every person stored, the indexes a bulk pull
    dropped built again, and the last person found by name and by number."""
    with database.engine.connect() as connection:
        people = int(connection.exec_driver_sql("SELECT count(*) FROM people").scalar_one())
        indexes = {
            str(row[0])
            for row in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index'"
            )
        }
    missing = set(BULK_INDEXES) - indexes
    if missing:
        raise SystemExit(f"indexes missing after the pull: {sorted(missing)}")
    last = count - 1
    reader = PeopleReader(database.path)
    try:
        by_name = [p.name for p in reader.search(f"First{last} Last{last}")]
        by_number = [p.name for p in reader.search(f"{last:07d}")]
    finally:
        reader.close()
    return people, by_name == [f"First{last} Last{last}"] and f"First{last} Last{last}" in by_number


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dialer-sync-bench-") as folder:
        root = Path(folder)
        db_url = f"sqlite:///{root / 'server.sqlite3'}"
        admin = create_user(root, db_url, "admin@bench.test", "Bench", "admin")
        rep = create_user(root, db_url, "rep@bench.test", "Bench", "rep")
        server = start_server(db_url, root)
        try:
            headers = {"Authorization": f"Bearer {admin}"}
            with httpx.Client(base_url=server.base_url, headers=headers, timeout=300) as seed:
                _seed_people(seed, args.people)
        except BaseException:
            server.stop()
            raise
        database = open_database(root / "client" / "dialer.sqlite3")
        api = ServerApi(server.base_url, rep)
        try:
            engine = SyncEngine(database.engine, api, root / "client" / "recordings")
            me = engine.me()
            # the first pull (the outbox's shipped team lists are not pushed yet)
            cursor = engine._start(me)
            started = time.perf_counter()
            report = SyncReport()
            engine._pull(me, cursor, report, lambda _p: None)
            pull_s = time.perf_counter() - started
            local_people, findable = _check_pulled(database, args.people)
            _log_calls(database.sessions, args.calls)
            started = time.perf_counter()
            pushed = push_outbox(database.engine, api, me.email, lambda _d, _t: None)
            push_s = time.perf_counter() - started
            engine.run_once()  # settle
            noop = []
            for _ in range(20):
                started = time.perf_counter()
                engine.run_once()
                noop.append((time.perf_counter() - started) * 1000)
        finally:
            api.close()
            database.close()
            server.stop()
    print(
        f"pulled {report.pulled} records ({local_people} people locally, the last one "
        f"{'found' if findable else 'NOT FOUND'} by name and number) in {pull_s:.2f} s; "
        f"pushed {pushed.pushed} outbox entries ({args.calls} calls) in {push_s:.2f} s"
    )
    print(
        f"push_calls_per_s={args.calls / push_s:.0f} pull_100k_people_s={pull_s:.2f} "
        f"noop_sync_ms={statistics.median(noop):.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
