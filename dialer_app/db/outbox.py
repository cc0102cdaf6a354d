"""The sync outbox: every change to a synced row queues that row in the same transaction.

One mechanism for all ORM writes: session events on the app's sessionmaker (``install``).
``after_flush`` sees the flushed new, changed and deleted instances and upserts one outbox
row per record (``ON CONFLICT`` coalesces repeated changes); ``do_orm_execute`` covers bulk
ORM inserts. The raw-sqlite bulk paths (people import) call :func:`enqueue_many` on their
cursor. Because the outbox row is written in the change's own transaction, a crash can never
leave a change that the sync does not know about, nor a queued change that was rolled back.

The sync applies pulled records with ``session.info[SUPPRESS] = True`` so they do not echo
back to the server.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import Delete, Insert, Update, event, select
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, sessionmaker

from dialer_app.db.models import (
    Account,
    Cadence,
    CadenceMembership,
    CadenceStep,
    Call,
    CustomCallField,
    Disposition,
    Email,
    Person,
    PhoneNumber,
    Recording,
    Sentiment,
    StepCompletion,
    TeamSetting,
    utc_now,
)

SUPPRESS = "outbox_suppressed"
"""``session.info`` key: this session writes what the server sent; queue nothing."""

RECORD_TYPES: dict[type[Any], str] = {
    Account: "account",
    Person: "person",
    Cadence: "cadence",
    CadenceStep: "cadence_step",
    CadenceMembership: "cadence_membership",
    Disposition: "disposition",
    Sentiment: "sentiment",
    CustomCallField: "custom_call_field",
    Call: "call",
    StepCompletion: "step_completion",
    Recording: "recording",
    Email: "email",
    TeamSetting: "team_setting",
}
"""Local model -> the server's record type. A phone number is part of its person."""

UPSERT, DELETE = "upsert", "delete"

_ENQUEUE_SQL = (
    "INSERT INTO outbox (record_type, uuid, op, enqueued_at, attempts, error) "
    "VALUES (?, ?, ?, ?, 0, '') ON CONFLICT (record_type, uuid) DO UPDATE SET "
    "op = excluded.op, enqueued_at = excluded.enqueued_at, attempts = 0, error = ''"
)


class Cursor(Protocol):
    """The part of a DB-API cursor used here (``sqlite3.Cursor`` fits)."""

    def executemany(self, sql: str, rows: Iterable[tuple[Any, ...]], /) -> Any: ...


def enqueue_many(
    cursor: Cursor | Any, record_type: str, uuids: Iterable[object], op: str = UPSERT
) -> None:
    """Queue records written straight through the driver (bulk imports), in the caller's
    transaction. A record already queued keeps one row with the latest operation."""
    now = time.time()
    cursor.executemany(_ENQUEUE_SQL, [(record_type, uuid, op, now) for uuid in uuids])


def enqueue_range(cursor: Any, record_type: str, table: str, first_id: int, last_id: int) -> None:
    """Like :func:`enqueue_many` (upserts) for the rows of ``table`` with ids in a range (a
    bulk insert's), in one statement: the uuids never cross into Python."""
    cursor.execute(
        "INSERT INTO outbox (record_type, uuid, op, enqueued_at, attempts, error) "
        f"SELECT ?, uuid, '{UPSERT}', ?, 0, '' FROM {table} WHERE id BETWEEN ? AND ? "
        "ON CONFLICT (record_type, uuid) DO UPDATE SET "
        "op = excluded.op, enqueued_at = excluded.enqueued_at, attempts = 0, error = ''",
        (record_type, time.time(), first_id, last_id),
    )


def install(sessions: sessionmaker[Session]) -> None:
    """Queue every synced change made through sessions of this factory."""
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "do_orm_execute", _on_orm_execute)


def _record_id(instance: Any) -> str:
    return str(instance.key if isinstance(instance, TeamSetting) else instance.uuid)


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    if session.info.get(SUPPRESS):
        return
    entries: dict[tuple[str, str], str] = {}
    numbers: list[PhoneNumber] = []
    for instance in session.new:
        _collect(instance, UPSERT, entries, numbers)
    for instance in session.dirty:
        if session.is_modified(instance, include_collections=False):
            _collect(instance, UPSERT, entries, numbers)
    for instance in session.deleted:
        _collect(instance, DELETE, entries, numbers)
    connection = session.connection()
    stamp = None
    for number in numbers:  # a number's change is its person's (the server nests them)
        row = connection.exec_driver_sql(
            "SELECT id, uuid FROM people WHERE id = ?", (number.person_id,)
        ).first()
        if row is not None:
            entries.setdefault(("person", str(row[1])), UPSERT)
            # the person's version moves with its numbers: last writer wins by it
            stamp = stamp or _stored_now(connection)
            connection.exec_driver_sql(
                "UPDATE people SET updated_at = max(updated_at, ?) WHERE id = ?", (stamp, row[0])
            )
    if not entries:
        return
    now = time.time()
    rows = [(kind, uuid, op, now) for (kind, uuid), op in entries.items()]
    connection.exec_driver_sql(_ENQUEUE_SQL, rows)
    calls = [(uuid,) for (kind, uuid), op in entries.items() if kind == "call" and op == UPSERT]
    if calls:  # the calls list shows it waiting again
        connection.exec_driver_sql(
            "UPDATE calls SET sync_state = 'pending' WHERE uuid = ?",
            calls,
        )


def _stored_now(connection: Any) -> str:
    """Now, as the ORM stores a timezone-aware DateTime in SQLite (UTC, no offset)."""
    return utc_now().strftime("%Y-%m-%d %H:%M:%S.%f")


def _collect(
    instance: Any, op: str, entries: dict[tuple[str, str], str], numbers: list[PhoneNumber]
) -> None:
    if isinstance(instance, PhoneNumber):
        numbers.append(instance)
        return
    record_type = RECORD_TYPES.get(type(instance))
    if record_type is not None:
        entries[(record_type, _record_id(instance))] = op


def _on_orm_execute(state: ORMExecuteState) -> None:
    """Bulk ORM statements skip the flush. An UPDATE or DELETE queues the rows its WHERE
    matches (read just before it runs, in the same transaction); an INSERT queues the uuids it
    carries, and one without them is refused: its rows would never reach the server."""
    statement = state.statement
    if state.session.info.get(SUPPRESS) or not isinstance(statement, Insert | Update | Delete):
        return
    entity = statement.entity_description.get("entity")
    record_type = RECORD_TYPES.get(entity) if isinstance(entity, type) else None
    if record_type is None:
        return
    op = DELETE if isinstance(statement, Delete) else UPSERT
    if isinstance(statement, Insert):
        params = state.parameters
        rows: list[Any] = list(params) if isinstance(params, list) else [params] if params else []
        uuids = [row.get("uuid") for row in rows]
        if not uuids or None in uuids:
            raise RuntimeError(
                f"a bulk insert of {record_type} rows without their uuid would bypass the "
                "sync outbox: give every row a uuid (models.new_uuid) or add them to the session"
            )
    else:
        assert entity is not None
        query = select(entity.key if entity is TeamSetting else entity.uuid)
        if statement.whereclause is not None:
            query = query.where(statement.whereclause)
        uuids = list(state.session.execute(query).scalars())
    if not uuids:
        return
    now = time.time()
    connection = state.session.connection()
    connection.exec_driver_sql(_ENQUEUE_SQL, [(record_type, str(u), op, now) for u in uuids])
    if record_type == "call" and op == UPSERT:
        connection.exec_driver_sql(
            "UPDATE calls SET sync_state = 'pending' WHERE uuid = ?", [(str(u),) for u in uuids]
        )
