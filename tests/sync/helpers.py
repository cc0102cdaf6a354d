"""Local records made the way the app makes them: through the ORM sessions (so the outbox
listener queues them)."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from dialer_app.db.database import Database
from dialer_app.db.models import (
    Call,
    Disposition,
    Person,
    PhoneKind,
    PhoneNumber,
    Recording,
    RecordingState,
)


def add_person(database: Database, first: str, last: str, e164: str = "+14045551234") -> str:
    with database.sessions.begin() as session:
        person = Person(first_name=first, last_name=last, email=f"{first.lower()}@example.com")
        person.phone_numbers.append(
            PhoneNumber(kind=PhoneKind.MOBILE, e164=e164, original=e164, digits=e164[1:])
        )
        session.add(person)
        session.flush()
        return person.uuid


def log_call(database: Database, person_uuid: str | None = None, notes: str = "Spoke") -> str:
    with database.sessions.begin() as session:
        person = (
            session.scalar(select(Person).where(Person.uuid == person_uuid))
            if person_uuid
            else None
        )
        disposition = session.scalars(select(Disposition).order_by(Disposition.id)).first()
        call = Call(
            person=person,
            number_e164="+14045551234",
            line_name="Demo line",
            started_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
            ended_at=datetime(2026, 3, 2, 9, 5, tzinfo=UTC),
            duration_s=300.0,
            log_state="logged",
            notes=notes,
            disposition_id=disposition.id if disposition else None,
            success=True,
            mos=4.2,
        )
        session.add(call)
        session.flush()
        return call.uuid


def add_recording(database: Database, recordings_dir: Path, call_uuid: str, size: int) -> str:
    audio = os.urandom(size)
    recordings_dir.mkdir(parents=True, exist_ok=True)
    (recordings_dir / f"{call_uuid}.wav").write_bytes(audio)
    with database.sessions.begin() as session:
        call = session.scalars(select(Call).where(Call.uuid == call_uuid)).one()
        recording = Recording(
            call_id=call.id,
            state=RecordingState.READY,
            file_name=f"{call_uuid}.wav",
            duration_s=size / 32000,
            size_bytes=size,
            sha256=hashlib.sha256(audio).hexdigest(),
        )
        session.add(recording)
        session.flush()
        return recording.uuid


def outbox(database: Database, *, refused: bool = True) -> list[tuple[str, str, str]]:
    """The queued (type, uuid, op); ``refused=False`` leaves out what the server refused."""
    where = "" if refused else " WHERE error = ''"
    with database.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            f"SELECT record_type, uuid, op FROM outbox{where} ORDER BY id"
        ).all()
    return [(str(t), str(u), str(o)) for t, u, o in rows]


def scalar(database: Database, sql: str, *params: object) -> object:
    with database.engine.connect() as connection:
        return connection.exec_driver_sql(sql, tuple(params)).scalar()
