"""Write calls to the database: a row when the call starts, completed when it ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dialer_app.db.models import Call


@dataclass(frozen=True)
class CallStart:
    uuid: str
    person_id: int | None
    number_e164: str
    extension: str | None
    line_name: str


@dataclass(frozen=True)
class CallFinish:
    uuid: str
    answered_at: datetime | None
    ended_at: datetime
    duration_s: float | None
    sip_status: int
    sip_reason: str
    outcome: str
    outcome_message: str
    suggested_disposition: str | None
    voicemail_dropped: bool
    codec: str | None = None
    srtp: bool | None = None
    jitter_ms: float | None = None
    loss_pct: float | None = None
    rtt_ms: float | None = None
    mos: float | None = None


class CallStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def started(self, start: CallStart) -> None:
        with self._sessions.begin() as session:
            session.add(
                Call(
                    uuid=start.uuid,
                    person_id=start.person_id,
                    number_e164=start.number_e164,
                    extension=start.extension,
                    line_name=start.line_name,
                    started_at=datetime.now(UTC),
                )
            )

    def finished(self, finish: CallFinish) -> None:
        with self._sessions.begin() as session:
            call = session.scalars(select(Call).where(Call.uuid == finish.uuid)).one_or_none()
            if call is None:
                return
            for name, value in vars(finish).items():
                if name != "uuid":
                    setattr(call, name, value)

    def get(self, uuid: str) -> Call | None:
        with self._sessions() as session:
            return session.scalars(select(Call).where(Call.uuid == uuid)).one_or_none()
