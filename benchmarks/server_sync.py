"""Team server throughput on loopback: batch push of calls, a first pull of everything (the
calls and 100,000 people), and a changes request with nothing new (the server's share of
issue 8's sync targets).

    .venv/bin/python benchmarks/server_sync.py [--db URL] [--calls 10000] [--people 100000]

Starts ``dialer-app serve`` as a subprocess (SQLite in a temporary folder unless --db), makes
an admin with the CLI, then measures over HTTP. Last line:
``server_push_calls_per_s=<a> server_first_pull_s=<b> noop_changes_ms=<c>``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.server.conftest import create_user, start_server

BATCH = 1000


def _call(index: int) -> dict[str, Any]:
    stamp = "2026-03-02T09:00:00+00:00"
    return {
        "uuid": str(uuid.uuid4()),
        "updated_at": stamp,
        "number_e164": f"+1404555{index % 10000:04d}",
        "started_at": stamp,
        "log_state": "logged",
        "notes": "Left a voicemail about the renewal.",
        "success": index % 3 == 0,
        "duration_s": 42.5,
        "mos": 4.2,
    }


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


def _push(client: httpx.Client, kind: str, records: list[dict[str, Any]]) -> None:
    for start in range(0, len(records), BATCH):
        batch = [{"type": kind, "record": r} for r in records[start : start + BATCH]]
        reply = client.post("/sync/push", json={"upserts": batch})
        reply.raise_for_status()


def _pull(client: httpx.Client, since: int = 0) -> tuple[int, int]:
    count = 0
    while True:
        page = client.get("/changes", params={"since": since, "limit": 5000}).json()
        count += len(page["changes"])
        since = page["next_cursor"]
        if not page["has_more"]:
            return count, since


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: SQLite in a temporary folder)")
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dialer-bench-") as folder:
        data_dir = Path(folder)
        db_url = args.db or f"sqlite:///{data_dir / 'server.sqlite3'}"
        token = create_user(
            data_dir, db_url, f"bench-{uuid.uuid4().hex[:8]}@x.test", "Bench", "admin"
        )
        server = start_server(db_url, data_dir)
        try:
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=server.base_url, headers=headers, timeout=120) as client:
                calls = [_call(i) for i in range(args.calls)]
                started = time.perf_counter()
                _push(client, "call", calls)
                push_s = time.perf_counter() - started
                _push(client, "person", [_person(i) for i in range(args.people)])
                started = time.perf_counter()
                pulled, cursor = _pull(client)
                pull_s = time.perf_counter() - started
                noop = []
                for _ in range(20):
                    started = time.perf_counter()
                    _pull(client, cursor)
                    noop.append((time.perf_counter() - started) * 1000)
        finally:
            server.stop()
    print(f"pushed {args.calls} calls in {push_s:.2f} s; pulled {pulled} records in {pull_s:.2f} s")
    print(
        f"server_push_calls_per_s={args.calls / push_s:.0f} server_first_pull_s={pull_s:.2f} "
        f"noop_changes_ms={statistics.median(noop):.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
