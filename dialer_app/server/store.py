"""Applying pushed writes: idempotent by uuid, last writer wins by ``updated_at``, scoped by role.

A write replaces the stored version only when its ``updated_at`` is newer. A retry of the same
version is ``unchanged`` (no new feed entry), an older or equally old different version is
``stale`` and the server's copy stays. Tombstones follow the same rule and are kept, so a late
upsert from another device cannot bring a deleted record back with an older version.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer_app.server.auth import Principal
from dialer_app.server.changes import lock_team
from dialer_app.server.models import Record
from dialer_app.server.resources import Access, RecordType
from dialer_app.server.schemas import SyncedRecord, TeamSetting, WriteResult, WriteStatus

_LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class Write:
    """One record version to store (``body`` None: a tombstone)."""

    record_type: RecordType
    record_id: str
    updated_at: datetime
    body: str | None
    call_uuid: str | None = None

    @classmethod
    def upsert(cls, record_type: RecordType, record: SyncedRecord | TeamSetting) -> Write:
        data = record.model_dump(mode="json")
        record_id = data["key"] if isinstance(record, TeamSetting) else data["uuid"]
        call_uuid = data.get(record_type.call_field) if record_type.call_field else None
        return cls(
            record_type,
            record_id,
            record.updated_at,
            json.dumps(data, separators=(",", ":"), sort_keys=True),
            call_uuid,
        )

    @classmethod
    def delete(cls, record_type: RecordType, record_id: str, updated_at: datetime) -> Write:
        return cls(record_type, record_id, updated_at, None)


def forbidden_message(record_type: RecordType) -> str:
    return (
        f"Only a team admin can change {record_type.label}: team settings come from the "
        "server and a rep's copy follows them."
    )


def apply_writes(
    session: Session, principal: Principal, writes: Sequence[Write]
) -> list[WriteResult]:
    """Store what may be stored, in order; one result per write. The caller commits."""
    team = lock_team(session, principal.team_id)
    stored = _load(session, principal.team_id, writes)
    calls = _call_owners(session, principal.team_id, writes)
    results: list[WriteResult] = []
    seq = team.change_seq
    for write in writes:
        key = (write.record_type.name, write.record_id)
        record = stored.get(key)
        refusal = _refusal(principal, write, record, calls)
        if refusal is not None:
            results.append(refusal)
            continue
        status = _status(write, record)
        if status in {WriteStatus.UNCHANGED, WriteStatus.STALE}:
            assert record is not None
            results.append(_result(write, status, record.updated_at))
            continue
        seq += 1
        if record is None:
            record = Record(
                team_id=principal.team_id,
                kind=write.record_type.name,
                uuid=write.record_id,
                owner_id=_owner(principal, write, calls),
            )
            session.add(record)
            stored[key] = record
        record.updated_at = write.updated_at
        record.deleted = write.body is None
        record.body = write.body
        record.change_seq = seq
        results.append(_result(write, status, write.updated_at))
    team.change_seq = seq
    return results


def _status(write: Write, record: Record | None) -> WriteStatus:
    deleting = write.body is None
    if record is None:
        return WriteStatus.DELETED if deleting else WriteStatus.CREATED
    if write.updated_at < record.updated_at:
        return WriteStatus.STALE
    if write.updated_at == record.updated_at:
        same = record.deleted == deleting and record.body == write.body
        return WriteStatus.UNCHANGED if same else WriteStatus.STALE
    return WriteStatus.DELETED if deleting else WriteStatus.UPDATED


def _refusal(
    principal: Principal, write: Write, record: Record | None, calls: dict[str, int | None]
) -> WriteResult | None:
    """Why this user may not make this write, if they may not."""
    record_type = write.record_type
    if principal.is_admin:
        return None
    if record_type.access is Access.ADMIN:
        return _result(write, WriteStatus.FORBIDDEN, None, forbidden_message(record_type))
    if record_type.access is not Access.OWNED:
        return None
    if record is not None and record.owner_id != principal.user_id:
        return _result(write, WriteStatus.NOT_FOUND, None, f"no such {record_type.name}")
    call_owner = calls.get(write.call_uuid) if write.call_uuid is not None else None
    if call_owner is not None and call_owner != principal.user_id:
        return _result(write, WriteStatus.NOT_FOUND, None, "no such call")
    return None


def _owner(principal: Principal, write: Write, calls: dict[str, int | None]) -> int | None:
    """Calls belong to the rep who pushed them; their records to the call's rep when known
    (an admin may push them for a rep), else to the pusher."""
    if write.record_type.access is not Access.OWNED:
        return None
    if write.call_uuid is not None and calls.get(write.call_uuid) is not None:
        return calls[write.call_uuid]
    return principal.user_id


def _result(
    write: Write, status: WriteStatus, updated_at: datetime | None, error: str | None = None
) -> WriteResult:
    return WriteResult(
        type=write.record_type.name,
        uuid=write.record_id,
        status=status,
        updated_at=updated_at,
        error=error,
    )


def _load(session: Session, team_id: int, writes: Iterable[Write]) -> dict[tuple[str, str], Record]:
    """The stored versions of the written records, one indexed IN query per type and chunk
    (a row-value IN over (kind, uuid) pairs is not used as an index lookup everywhere)."""
    by_kind: dict[str, set[str]] = {}
    for write in writes:
        by_kind.setdefault(write.record_type.name, set()).add(write.record_id)
    found: dict[tuple[str, str], Record] = {}
    for kind, ids in by_kind.items():
        uuids = sorted(ids)
        for start in range(0, len(uuids), _LOOKUP_CHUNK):
            chunk = uuids[start : start + _LOOKUP_CHUNK]
            for record in session.scalars(
                select(Record).where(
                    Record.team_id == team_id, Record.kind == kind, Record.uuid.in_(chunk)
                )
            ):
                found[(record.kind, record.uuid)] = record
    return found


def _call_owners(session: Session, team_id: int, writes: Iterable[Write]) -> dict[str, int | None]:
    """Owners of the calls that pushed records hang off (calls not on the server are absent)."""
    uuids = sorted({w.call_uuid for w in writes if w.call_uuid is not None})
    owners: dict[str, int | None] = {}
    for start in range(0, len(uuids), _LOOKUP_CHUNK):
        chunk = uuids[start : start + _LOOKUP_CHUNK]
        rows = session.execute(
            select(Record.uuid, Record.owner_id).where(
                Record.team_id == team_id, Record.kind == "call", Record.uuid.in_(chunk)
            )
        ).tuples()
        owners.update((uuid, owner) for uuid, owner in rows)
    return owners
