"""Push the outbox: batches through ``POST /sync/push``, idempotent by uuid.

An entry leaves the outbox only after the server's result for it, and only if it was not
changed again meanwhile (same ``enqueued_at``), so a lost response just means the same
batch goes again and the server answers ``unchanged``. ``stale`` (the server's version is
newer): its version is fetched and applied here. ``forbidden`` / ``not_found``: the entry
stays with the server's reason for the rep, and waits for a new local change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from dialer_app.sync.apply import ORDER, Applier
from dialer_app.sync.client import ServerApi, ServerRefused
from dialer_app.sync.serialise import read_records
from dialer_app.sync.wire import execute_many

BATCH = 2500
PATHS = {
    "account": "accounts",
    "person": "people",
    "cadence": "cadences",
    "cadence_step": "cadence-steps",
    "cadence_membership": "cadence-memberships",
    "disposition": "dispositions",
    "sentiment": "sentiments",
    "custom_call_field": "custom-call-fields",
    "team_setting": "team-settings",
    "call": "calls",
    "step_completion": "step-completions",
    "recording": "recordings",
    "email": "emails",
}
_DONE = {"created", "updated", "deleted", "unchanged"}
_RANK = {name: n for n, name in enumerate(ORDER)}

Progress = Callable[[int, int], None]


@dataclass
class PushReport:
    pushed: int = 0
    refusals: dict[tuple[str, str], int] = field(default_factory=dict)
    """(record type, the server's reason) -> how many records it refused for it."""

    @property
    def refused(self) -> list[str]:
        """The refusals in words, one line per reason ("9 sentiment records: Only a team
        admin can change sentiments: …"), so a fresh install's shipped lists are one line."""
        return [
            f"{count} {kind.replace('_', ' ')} record{'s' if count != 1 else ''}: {reason}"
            for (kind, reason), count in self.refusals.items()
        ]


@dataclass(frozen=True)
class _Entry:
    record_type: str
    uuid: str
    op: str
    enqueued_at: float


def pending_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.exec_driver_sql("SELECT count(*) FROM outbox WHERE error = ''").scalar() or 0
        )


def push_outbox(engine: Engine, api: ServerApi, me_email: str, progress: Progress) -> PushReport:
    report = PushReport()
    total = pending_count(engine)
    last_id = 0
    while True:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT id, record_type, uuid, op, enqueued_at FROM outbox"
                " WHERE error = '' AND id > ? ORDER BY id LIMIT ?",
                (last_id, BATCH),
            ).all()
            if not rows:
                return report
            last_id = int(rows[-1][0])
            entries = [_Entry(str(r[1]), str(r[2]), str(r[3]), float(r[4])) for r in rows]
            upserts, deletes, gone = _bodies(connection, entries)
        results = _send(api, upserts, deletes)
        _settle(engine, api, me_email, entries, results, gone, report)
        report.pushed += len(entries)
        progress(min(report.pushed, total), max(total, report.pushed))


def _bodies(
    connection: Any, entries: list[_Entry]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[_Entry]]:
    """The push body for these entries, upserts in dependency order; entries whose row has
    gone without a delete entry (nothing to send) come back as ``gone``."""
    by_type: dict[str, list[_Entry]] = {}
    for entry in entries:
        if entry.op == "upsert":
            by_type.setdefault(entry.record_type, []).append(entry)
    upserts: list[dict[str, Any]] = []
    gone: list[_Entry] = []
    for record_type in sorted(by_type, key=_RANK.__getitem__):
        wanted = by_type[record_type]
        records = read_records(connection, record_type, [e.uuid for e in wanted])
        for entry in wanted:
            record = records.get(entry.uuid)
            if record is None:
                gone.append(entry)
            else:
                upserts.append({"type": record_type, "record": record})
    deletes = [
        {
            "type": e.record_type,
            "uuid": e.uuid,
            "updated_at": datetime.fromtimestamp(e.enqueued_at, UTC).isoformat(),
        }
        for e in entries
        if e.op == "delete"
    ]
    return upserts, deletes, gone


def _send(
    api: ServerApi, upserts: list[dict[str, Any]], deletes: list[dict[str, Any]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The server's result per (type, uuid). A batch the server cannot read at all (422: a
    record it finds invalid) goes again one by one, so one bad record does not block all."""
    try:
        results = api.push(upserts, deletes)
    except ServerRefused as exc:
        if len(upserts) + len(deletes) <= 1:
            item = (upserts or deletes)[0]
            key = item["record"].get("uuid") or item["record"].get("key") if upserts else None
            uuid = str(key if upserts else item["uuid"])
            return {(item["type"], uuid): {"status": "invalid", "error": str(exc)}}
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for single in upserts:
            found.update(_send(api, [single], []))
        for single in deletes:
            found.update(_send(api, [], [single]))
        return found
    return {(r["type"], r["uuid"]): r for r in results}


def _settle(  # noqa: PLR0917 (one call site)
    engine: Engine,
    api: ServerApi,
    me_email: str,
    entries: list[_Entry],
    results: dict[tuple[str, str], dict[str, Any]],
    gone: list[_Entry],
    report: PushReport,
) -> None:
    done: list[tuple[str, str, float]] = [(e.record_type, e.uuid, e.enqueued_at) for e in gone]
    refused: list[tuple[str, str, str, float]] = []
    stale: list[_Entry] = []
    for entry in entries:
        result = results.get((entry.record_type, entry.uuid))
        if result is None:
            continue
        status = result["status"]
        if status in _DONE:
            done.append((entry.record_type, entry.uuid, entry.enqueued_at))
        elif status == "stale":
            stale.append(entry)
        else:
            reason = result.get("error") or status
            refused.append((reason, entry.record_type, entry.uuid, entry.enqueued_at))
            key = (entry.record_type, str(reason))
            report.refusals[key] = report.refusals.get(key, 0) + 1
    server_versions = [(e, api.get_record(PATHS[e.record_type], e.uuid)) for e in stale]
    with engine.begin() as connection:
        execute_many(
            connection,
            "DELETE FROM outbox WHERE record_type = ? AND uuid = ? AND enqueued_at = ?",
            done,
        )
        execute_many(
            connection,
            "UPDATE outbox SET error = ?, attempts = attempts + 1"
            " WHERE record_type = ? AND uuid = ? AND enqueued_at = ?",
            refused,
        )
        _mark_calls(connection, [(u,) for t, u, _ in done if t == "call"], "synced")
        _mark_calls(connection, [(u,) for _, t, u, _ in refused if t == "call"], "error")
        applier = Applier(connection, me_email)
        changes = [
            {
                "type": entry.record_type,
                "uuid": entry.uuid,
                "deleted": record is None,
                "updated_at": record["updated_at"] if record else datetime.now(UTC).isoformat(),
                "owner": None,
                "record": record,
            }
            for entry, record in server_versions
        ]
        applier.apply(changes)  # the server's version wins; a person's loser goes to history
        execute_many(
            connection,
            "DELETE FROM outbox WHERE record_type = ? AND uuid = ? AND enqueued_at = ?",
            [(e.record_type, e.uuid, e.enqueued_at) for e in stale],
        )


def _mark_calls(connection: Any, uuids: list[tuple[str]], state: str) -> None:
    """The calls list's sync column; only for calls not changed again since."""
    if uuids:
        connection.exec_driver_sql(
            f"UPDATE calls SET sync_state = '{state}' WHERE uuid = ? AND NOT EXISTS"
            " (SELECT 1 FROM outbox WHERE record_type = 'call' AND outbox.uuid = calls.uuid"
            " AND outbox.error = '')",
            uuids,
        )
