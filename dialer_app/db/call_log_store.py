"""Reading and writing call logs: drafts (autosave), logs, discards, the team's options,
their per-rep usage, and the cadence step a log may complete."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from dialer_app.db.models import (
    CadenceMembership,
    CadenceStep,
    Call,
    CustomCallField,
    Disposition,
    LogState,
    MembershipState,
    Person,
    PhoneKind,
    PhoneNumber,
    Sentiment,
    StepCompletion,
    TeamSetting,
)
from dialer_app.domain.cadences import advance
from dialer_app.domain.call_log import (
    REQUIRED_SETTING_KEYS,
    CustomField,
    LogFields,
    OpenLog,
    StepInfo,
    TeamOption,
)
from dialer_app.domain.phone import digits_only


def _model(kind: str) -> type[Disposition] | type[Sentiment]:
    return Disposition if kind == "disposition" else Sentiment


def _now() -> datetime:
    return datetime.now(UTC)


class CallLogStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    # -- the team's options ----------------------------------------------------------
    def options(self, kind: str) -> list[TeamOption]:
        model = _model(kind)
        with self._sessions() as session:
            rows: list[Disposition | Sentiment] = list(
                session.scalars(select(model).order_by(model.position, model.id))
            )
            return [TeamOption(r.id, r.name, r.default_key, r.archived) for r in rows]

    def usage(self, kind: str) -> dict[int, int]:
        """How often the rep picked each option in logged calls (the frequently-used rule)."""
        column = Call.disposition_id if kind == "disposition" else Call.sentiment_id
        with self._sessions() as session:
            rows = session.execute(
                select(column, func.count())
                .where(Call.log_state == LogState.LOGGED, column.is_not(None))
                .group_by(column)
            )
            return {option: int(count) for option, count in rows if option is not None}

    def required(self, kind: str) -> bool:
        with self._sessions() as session:
            value = session.get(TeamSetting, REQUIRED_SETTING_KEYS[kind])
            return value is not None and value.value == "1"

    def custom_fields(self) -> list[CustomField]:
        with self._sessions() as session:
            rows = session.scalars(
                select(CustomCallField)
                .where(CustomCallField.archived.is_(False))
                .order_by(CustomCallField.position, CustomCallField.id)
            )
            return [
                CustomField(
                    r.uuid, r.name, r.field_type.value, r.required, tuple(json.loads(r.choices))
                )
                for r in rows
            ]

    # -- drafts and logs ---------------------------------------------------------------
    def _call(self, session: Session, call_uuid: str) -> Call:
        return session.scalars(select(Call).where(Call.uuid == call_uuid)).one()

    def _write(self, call: Call, fields: LogFields) -> None:
        call.notes = fields.notes
        call.disposition_id = fields.disposition_id
        call.sentiment_id = fields.sentiment_id
        call.custom_values = json.dumps(fields.custom_values, sort_keys=True, default=str)

    def save_draft(self, call_uuid: str, fields: LogFields) -> datetime:
        """Autosave: the fields go to the call row; its log stays open."""
        with self._sessions.begin() as session:
            call = self._call(session, call_uuid)
            self._write(call, fields)
            call.draft_saved_at = _now()
            return call.draft_saved_at

    def attach_cadence_step(
        self, call_uuid: str, membership_id: int | None, step_id: int | None
    ) -> None:
        with self._sessions.begin() as session:
            call = self._call(session, call_uuid)
            call.membership_id, call.step_id = membership_id, step_id

    def log(self, call_uuid: str, fields: LogFields, *, success: bool) -> None:
        with self._sessions.begin() as session:
            call = self._call(session, call_uuid)
            self._write(call, fields)
            call.success = success
            call.log_state = LogState.LOGGED
            call.logged_at = _now()
            call.sync_state = "pending"

    def discard(self, call_uuid: str) -> None:
        with self._sessions.begin() as session:
            self._call(session, call_uuid).log_state = LogState.DISCARDED

    def get(self, call_uuid: str) -> Call | None:
        with self._sessions() as session:
            return session.scalars(select(Call).where(Call.uuid == call_uuid)).one_or_none()

    def open_logs(self) -> list[OpenLog]:
        """Logs the rep started typing but never saved (e.g. the app crashed mid-call)."""
        with self._sessions() as session:
            rows = session.scalars(
                select(Call)
                .where(Call.log_state == LogState.OPEN, Call.draft_saved_at.is_not(None))
                .order_by(Call.started_at)
            )
            return [
                OpenLog(
                    call_uuid=c.uuid,
                    person_id=c.person_id,
                    person_name=c.person.full_name if c.person else "",
                    number_e164=c.number_e164,
                    fields=LogFields(
                        c.notes,
                        c.disposition_id,
                        c.sentiment_id,
                        json.loads(c.custom_values or "{}"),
                    ),
                    membership_id=c.membership_id,
                    step_id=c.step_id,
                )
                for c in rows
            ]

    # -- people ------------------------------------------------------------------------
    def create_person_for_call(self, call_uuid: str, first_name: str, last_name: str) -> int:
        """Calls are logged only to people (seed 000): make one from the dialled number."""
        with self._sessions.begin() as session:
            call = self._call(session, call_uuid)
            person = Person(first_name=first_name.strip(), last_name=last_name.strip())
            person.phone_numbers.append(
                PhoneNumber(
                    kind=PhoneKind.OTHER,
                    e164=call.number_e164,
                    extension=call.extension,
                    original=call.number_e164,
                    digits=digits_only(call.number_e164),
                )
            )
            session.add(person)
            session.flush()
            call.person_id = person.id
            return person.id

    # -- cadence steps -----------------------------------------------------------------
    def step_info(self, membership_id: int) -> StepInfo | None:
        with self._sessions() as session:
            membership = session.get(CadenceMembership, membership_id)
            if membership is None or membership.current_step is None:
                return None
            step = membership.current_step
            return StepInfo(membership.id, step.id, step.name, step.instructions)

    def complete_step(
        self,
        membership_id: int,
        step_id: int,
        *,
        call_uuid: str | None,
        success: bool,
        outcome: str = "",
    ) -> int | None:
        """Record the step as done and move the person to the next enabled step (or finish).

        ``outcome`` is how (the log button's ``LogAction`` value, or ``complete`` for an
        other step). Returns the new current step id, or None when the cadence is finished
        (or the membership is gone)."""
        with self._sessions.begin() as session:
            membership = session.get(CadenceMembership, membership_id)
            if membership is None:
                return None
            call_id = None
            if call_uuid is not None:
                call_id = session.scalar(select(Call.id).where(Call.uuid == call_uuid))
            record_completion(
                session, membership, step_id, call_id=call_id, success=success, outcome=outcome
            )
            return membership.current_step_id


def record_completion(
    session: Session,
    membership: CadenceMembership,
    step_id: int,
    *,
    call_id: int | None,
    success: bool,
    outcome: str,
    notes: str = "",
) -> None:
    """Write the StepCompletion (who: this database's rep; when; which step; how) and move
    the membership on (``domain.cadences.advance``). A person no longer on that step (a
    stale runner, another window) keeps their place: only the completion is recorded."""
    session.add(
        StepCompletion(
            membership_id=membership.id,
            step_id=step_id,
            call_id=call_id,
            success=success,
            outcome=outcome,
            notes=notes,
        )
    )
    if membership.current_step_id != step_id:
        return
    steps = session.scalars(
        select(CadenceStep).where(CadenceStep.cadence_id == membership.cadence_id)
    ).all()
    moved = advance(steps, step_id)
    membership.current_step_id = moved.step_id
    membership.state = MembershipState(moved.state)
