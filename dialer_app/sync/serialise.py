"""Local rows -> the server's record shapes (docs/openapi.json), read at push time.

The outbox holds only (type, uuid): the record is read here from its current row, so changes
coalesced in the outbox push the latest state once. References become uuids by joins.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection

from dialer_app.sync.wire import json_list, json_object, to_wire_time

Record = dict[str, Any]
Row = Sequence[Any]

_CHUNK = 500


def _opt_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _account(r: Row) -> Record:
    return {"uuid": r[0], "updated_at": to_wire_time(r[1]), "name": r[2], "domain": r[3]}


def _person(r: Row) -> Record:
    return {
        "uuid": r[1],
        "updated_at": to_wire_time(r[2]),
        "first_name": r[3],
        "last_name": r[4],
        "title": r[5],
        "email": r[6],
        "account_uuid": r[7],
        "time_zone": r[8],
        "city": r[9],
        "state": r[10],
        "country": r[11],
        "crm_id": r[12],
        "do_not_contact": bool(r[13]),
        "custom_fields": {str(k): str(v) for k, v in json_object(r[14]).items()},
        "phone_numbers": [],
    }


def _cadence(r: Row) -> Record:
    return {"uuid": r[0], "updated_at": to_wire_time(r[1]), "name": r[2], "archived": bool(r[3])}


def _step(r: Row) -> Record:
    return {
        "uuid": r[0],
        "updated_at": to_wire_time(r[1]),
        "cadence_uuid": r[2],
        "step_type": r[3],
        "day": r[4],
        "position": r[5],
        "name": r[6],
        "instructions": r[7],
        "enabled": bool(r[8]),
    }


def _membership(r: Row) -> Record:
    return {
        "uuid": r[0],
        "updated_at": to_wire_time(r[1]),
        "cadence_uuid": r[2],
        "person_uuid": r[3],
        "current_step_uuid": r[4],
        "state": r[5],
        "added_on": r[6],
    }


def _option(r: Row) -> Record:
    return {
        "uuid": r[0],
        "updated_at": to_wire_time(r[1]),
        "name": r[2],
        "default_key": r[3],
        "position": r[4],
        "archived": bool(r[5]),
    }


def _field(r: Row) -> Record:
    return {
        "uuid": r[0],
        "updated_at": to_wire_time(r[1]),
        "name": r[2],
        "field_type": r[3],
        "required": bool(r[4]),
        "choices": json_list(r[5]),
        "position": r[6],
        "archived": bool(r[7]),
    }


CALL_COLUMNS = (
    "number_e164",
    "extension",
    "direction",
    "line_name",
    "started_at",
    "answered_at",
    "ended_at",
    "duration_s",
    "sip_status",
    "sip_reason",
    "outcome",
    "outcome_message",
    "suggested_disposition",
    "voicemail_dropped",
    "codec",
    "srtp",
    "jitter_ms",
    "loss_pct",
    "rtt_ms",
    "mos",
    "log_state",
    "notes",
    "custom_values",
    "success",
    "logged_at",
)
CALL_TIMES = {"started_at", "answered_at", "ended_at", "logged_at"}
CALL_BOOLS = {"voicemail_dropped", "success"}


def _call(r: Row) -> Record:
    record: Record = {
        "uuid": r[0],
        "updated_at": to_wire_time(r[1]),
        "person_uuid": r[2],
        "disposition_uuid": r[3],
        "sentiment_uuid": r[4],
        "membership_uuid": r[5],
        "step_uuid": r[6],
    }
    for name, stored in zip(CALL_COLUMNS, r[7:], strict=True):
        value = stored
        if name in CALL_TIMES:
            value = to_wire_time(stored)
        elif name in CALL_BOOLS:
            value = bool(stored)
        elif name == "srtp":
            value = _opt_bool(stored)
        elif name == "custom_values":
            value = json_object(stored)
        record[name] = value
    return record


def _completion(r: Row) -> Record:
    return {
        "uuid": r[0],
        "updated_at": to_wire_time(r[1]),
        "membership_uuid": r[2],
        "step_uuid": r[3],
        "call_uuid": r[4],
        "completed_at": to_wire_time(r[5]),
        "success": bool(r[6]),
        "outcome": r[7],
        "notes": r[8],
    }


EMAIL_COLUMNS = (
    "state",
    "to_address",
    "to_name",
    "subject",
    "body",
    "scheduled_for",
    "schedule_zone",
    "attempts",
    "message_id",
    "sent_at",
    "late",
    "error",
)


def _email(r: Row) -> Record:
    """A cadence email (issue 9): pushed like a call, the rep's alone on the server."""
    record: Record = {
        "uuid": r[0],
        "updated_at": to_wire_time(r[1]),
        "person_uuid": r[2],
        "membership_uuid": r[3],
        "step_uuid": r[4],
    }
    for name, stored in zip(EMAIL_COLUMNS, r[5:], strict=True):
        if name in ("scheduled_for", "sent_at"):
            record[name] = to_wire_time(stored)
        elif name == "late":
            record[name] = bool(stored)
        else:
            record[name] = stored
    return record


def _recording(r: Row) -> Record:
    return {
        "uuid": r[0],
        "updated_at": to_wire_time(r[1]),
        "call_uuid": r[2],
        "state": r[3],
        "one_sided": bool(r[4]),
        "file_name": r[5] or "",
        "started_at": to_wire_time(r[6]),
        "call_offset_s": r[7],
        "duration_s": r[8],
        "size_bytes": r[9],
        "sha256": r[10],
        "segments": json_list(r[11]),
        "problem": r[12],
        "deleted_at": to_wire_time(r[13]),
        "deleted_reason": r[14],
    }


def _setting_value(text: str) -> Any:
    """Settings are JSON text locally ("1", governance objects); plain text stays a string."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _setting(r: Row) -> Record:
    return {"key": r[0], "updated_at": to_wire_time(r[1]), "value": _setting_value(r[2])}


_SQL: dict[str, tuple[str, Callable[[Row], Record]]] = {
    "account": ("SELECT uuid, updated_at, name, domain FROM accounts WHERE uuid IN", _account),
    "person": (
        "SELECT p.id, p.uuid, p.updated_at, p.first_name, p.last_name, p.title, p.email,"
        " a.uuid, p.time_zone, p.city, p.state, p.country, p.crm_id, p.do_not_contact,"
        " p.custom_fields FROM people p LEFT JOIN accounts a ON a.id = p.account_id"
        " WHERE p.uuid IN",
        _person,
    ),
    "cadence": ("SELECT uuid, updated_at, name, archived FROM cadences WHERE uuid IN", _cadence),
    "cadence_step": (
        "SELECT s.uuid, s.updated_at, c.uuid, s.step_type, s.day, s.position, s.name,"
        " s.instructions, s.enabled FROM cadence_steps s JOIN cadences c ON c.id = s.cadence_id"
        " WHERE s.uuid IN",
        _step,
    ),
    "cadence_membership": (
        "SELECT m.uuid, m.updated_at, c.uuid, p.uuid, s.uuid, m.state, m.added_on"
        " FROM cadence_memberships m JOIN cadences c ON c.id = m.cadence_id"
        " JOIN people p ON p.id = m.person_id LEFT JOIN cadence_steps s"
        " ON s.id = m.current_step_id WHERE m.uuid IN",
        _membership,
    ),
    "disposition": (
        "SELECT uuid, updated_at, name, default_key, position, archived FROM dispositions"
        " WHERE uuid IN",
        _option,
    ),
    "sentiment": (
        "SELECT uuid, updated_at, name, default_key, position, archived FROM sentiments"
        " WHERE uuid IN",
        _option,
    ),
    "custom_call_field": (
        "SELECT uuid, updated_at, name, field_type, required, choices, position, archived"
        " FROM custom_call_fields WHERE uuid IN",
        _field,
    ),
    "call": (
        "SELECT c.uuid, c.updated_at, p.uuid, d.uuid, s.uuid, m.uuid, st.uuid, "
        + ", ".join(f"c.{name}" for name in CALL_COLUMNS)
        + " FROM calls c LEFT JOIN people p ON p.id = c.person_id"
        " LEFT JOIN dispositions d ON d.id = c.disposition_id"
        " LEFT JOIN sentiments s ON s.id = c.sentiment_id"
        " LEFT JOIN cadence_memberships m ON m.id = c.membership_id"
        " LEFT JOIN cadence_steps st ON st.id = c.step_id WHERE c.uuid IN",
        _call,
    ),
    "step_completion": (
        "SELECT sc.uuid, sc.updated_at, m.uuid, s.uuid, c.uuid, sc.completed_at, sc.success,"
        " sc.outcome, sc.notes FROM step_completions sc"
        " JOIN cadence_memberships m ON m.id = sc.membership_id"
        " JOIN cadence_steps s ON s.id = sc.step_id LEFT JOIN calls c ON c.id = sc.call_id"
        " WHERE sc.uuid IN",
        _completion,
    ),
    "recording": (
        "SELECT r.uuid, r.updated_at, c.uuid, r.state, r.one_sided, r.file_name, r.started_at,"
        " r.call_offset_s, r.duration_s, r.size_bytes, r.sha256, r.segments, r.problem,"
        " r.deleted_at, r.deleted_reason FROM recordings r JOIN calls c ON c.id = r.call_id"
        " WHERE r.uuid IN",
        _recording,
    ),
    "email": (
        "SELECT e.uuid, e.updated_at, p.uuid, m.uuid, s.uuid, "
        + ", ".join(f"e.{name}" for name in EMAIL_COLUMNS)
        + " FROM emails e LEFT JOIN people p ON p.id = e.person_id"
        " LEFT JOIN cadence_memberships m ON m.id = e.membership_id"
        " LEFT JOIN cadence_steps s ON s.id = e.step_id WHERE e.uuid IN",
        _email,
    ),
    "team_setting": ("SELECT key, updated_at, value FROM team_settings WHERE key IN", _setting),
}

SYNCED_TYPES = tuple(_SQL)


def read_records(
    connection: Connection, record_type: str, uuids: Sequence[str]
) -> dict[str, Record]:
    """The current records of these uuids (keys for settings); rows gone since are absent."""
    sql, shape = _SQL[record_type]
    found: dict[str, Record] = {}
    for start in range(0, len(uuids), _CHUNK):
        chunk = tuple(uuids[start : start + _CHUNK])
        marks = ", ".join("?" * len(chunk))
        rows = connection.exec_driver_sql(f"{sql} ({marks})", chunk).all()
        if record_type == "person":
            found.update(_people_with_numbers(connection, rows))
        else:
            for row in rows:
                record = shape(row)
                found[record.get("uuid") or record["key"]] = record
    return found


def _people_with_numbers(connection: Connection, rows: Sequence[Row]) -> dict[str, Record]:
    by_id = {row[0]: _person(row) for row in rows}
    if not by_id:
        return {}
    marks = ", ".join("?" * len(by_id))
    numbers = connection.exec_driver_sql(
        "SELECT person_id, uuid, kind, e164, extension, original, position FROM phone_numbers"
        f" WHERE person_id IN ({marks}) ORDER BY person_id, position, id",
        tuple(by_id),
    )
    for person_id, uuid, kind, e164, extension, original, position in numbers:
        by_id[person_id]["phone_numbers"].append(
            {
                "uuid": uuid,
                "kind": kind,
                "e164": e164,
                "extension": extension,
                "original": original or "",
                "position": position,
            }
        )
    return {record["uuid"]: record for record in by_id.values()}
