"""Cadence emails in the database (issue 9): drafts, schedules, and the claim that makes
sending exactly-once.

Exactly once, across threads, processes and restarts:

1. ``claim`` moves one row scheduled → sending with a single conditional ``UPDATE ...
   WHERE id = ? AND state = 'scheduled'`` in a transaction that holds SQLite's write lock
   from its first statement (``_writing``). SQLite runs one writer at a time; only the
   sender whose UPDATE changed a row owns it.
2. Only the owner talks SMTP, then records sent / retry / failed *guarded by its own claim*
   (``claimed_by``), so a late answer from a sender presumed dead cannot overwrite anything.
3. A row left in ``sending`` (the app died mid-conversation) is never resent on its own:
   after ``SENDING_LEASE`` it becomes ``unknown``, "may have been sent: check your Sent
   folder (Message-ID ...)", and the rep decides. Resending blindly could email a prospect
   twice; asking costs one look.

SQLite keeps datetimes naive: everything is stored as UTC and read back as aware UTC.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from dialer_app.db.call_log_store import record_completion
from dialer_app.db.models import CadenceMembership, Email, MembershipState, Person
from dialer_app.domain.email_schedule import EDITABLE, PENDING, EmailState, is_late

log = logging.getLogger(__name__)

EMAIL_SENT = "email_sent"
"""``StepCompletion.outcome`` of an email step completed by its email going out."""


class EmailStoreError(ValueError):
    """A change the rules refuse; ``str(error)`` is a sentence for the rep."""


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return value.astimezone(UTC)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class EmailRow:
    id: int
    uuid: str
    person_id: int | None
    membership_id: int | None
    step_id: int | None
    state: EmailState
    to_address: str
    to_name: str
    subject: str
    body: str
    draft_saved_at: datetime | None
    due_at: datetime | None
    scheduled_for: datetime | None
    schedule_zone: str
    attempts: int
    message_id: str
    sent_at: datetime | None
    late: bool
    error: str


def _row(email: Email) -> EmailRow:
    return EmailRow(
        id=email.id,
        uuid=email.uuid,
        person_id=email.person_id,
        membership_id=email.membership_id,
        step_id=email.step_id,
        state=EmailState(email.state),
        to_address=email.to_address,
        to_name=email.to_name,
        subject=email.subject,
        body=email.body,
        draft_saved_at=_aware(email.draft_saved_at),
        due_at=_aware(email.due_at),
        scheduled_for=_aware(email.scheduled_for),
        schedule_zone=email.schedule_zone,
        attempts=email.attempts,
        message_id=email.message_id,
        sent_at=_aware(email.sent_at),
        late=email.late,
        error=email.error,
    )


@dataclass(frozen=True)
class Outgoing:
    """One person's final email, ready to schedule (merge fields already filled)."""

    membership_id: int
    step_id: int
    person_id: int
    to_address: str
    to_name: str
    subject: str
    body: str
    due_at: datetime | None = None
    """This person's own time (Schedule All in each person's zone); None: the batch's."""


@dataclass(frozen=True)
class Claimed:
    """A row this sender owns (state sending) and must now send."""

    id: int
    to_address: str
    to_name: str
    subject: str
    body: str
    message_id: str
    attempts: int
    """Attempts before this one."""


_OPEN_STATES = [s.value for s in (*EDITABLE, *PENDING)]


class EmailStore:
    """Short transactions; safe to use from the sender thread and the GUI thread alike
    (each call opens its own session)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    # -- the email window ------------------------------------------------------------------
    def current(self, membership_id: int, step_id: int) -> EmailRow | None:
        """The person's unfinished email on the step (draft, pending, failed or unknown)."""
        with self._sessions() as session:
            email = self._current(session, membership_id, step_id)
            return _row(email) if email is not None else None

    def get(self, email_id: int) -> EmailRow | None:
        with self._sessions() as session:
            email = session.get(Email, email_id)
            return _row(email) if email is not None else None

    def save_draft(self, outgoing: Outgoing, now: datetime) -> EmailRow:
        """Autosave: create or update the personalised draft. A failed or unknown email
        keeps its state (and reason) while the rep fixes it."""
        with self._writing() as session:
            email = self._current(session, outgoing.membership_id, outgoing.step_id)
            if email is not None and EmailState(email.state) in PENDING:
                raise EmailStoreError("This email is already scheduled: it can't be edited.")
            if email is None:
                email = Email(
                    person_id=outgoing.person_id,
                    membership_id=outgoing.membership_id,
                    step_id=outgoing.step_id,
                    state=EmailState.DRAFT.value,
                )
                session.add(email)
            self._fill(email, outgoing)
            email.draft_saved_at = _utc(now)
            session.flush()
            return _row(email)

    def delete_draft(self, membership_id: int, step_id: int) -> bool:
        """The trash button: the personalised text goes; the template shows next time."""
        with self._writing() as session:
            email = self._current(session, membership_id, step_id)
            if email is None or EmailState(email.state) not in EDITABLE:
                return False
            session.delete(email)
            return True

    def schedule(
        self, items: Sequence[Outgoing], due_at: datetime, zone: str, now: datetime
    ) -> list[int]:
        """Schedule (or send now: ``due_at`` = now) these emails, all in one transaction:
        either every person is scheduled or none is."""
        ids = []
        with self._writing() as session:
            for item in items:
                email = self._current(session, item.membership_id, item.step_id)
                if email is not None and EmailState(email.state) in PENDING:
                    raise EmailStoreError(f"The email to {item.to_name} is already scheduled.")
                if email is None:
                    email = Email(
                        person_id=item.person_id,
                        membership_id=item.membership_id,
                        step_id=item.step_id,
                    )
                    session.add(email)
                self._fill(email, item)
                email.state = EmailState.SCHEDULED.value
                email.due_at = email.scheduled_for = _utc(item.due_at or due_at)
                email.schedule_zone = zone
                email.attempts = 0
                email.error = ""
                email.claimed_at = None
                email.claimed_by = ""
                email.draft_saved_at = _utc(now)
                session.flush()
                ids.append(email.id)
        return ids

    def unschedule(self, email_id: int, now: datetime | None = None) -> bool:
        """Back to a draft (its text kept), if no sender has claimed it yet (conditional,
        like a claim). The person is due on the step again: only scheduled and sending
        emails take them off it."""
        values: dict[str, object] = {
            "state": EmailState.DRAFT.value,
            "due_at": None,
            "scheduled_for": None,
            "schedule_zone": "",
            "error": "",
        }
        if now is not None:
            values["draft_saved_at"] = _utc(now)
        with self._writing() as session:
            result = session.execute(
                update(Email)
                .where(Email.id == email_id, Email.state == EmailState.SCHEDULED.value)
                .values(**values)
            )
            return bool(getattr(result, "rowcount", 0))

    # -- the sender --------------------------------------------------------------------------
    def due_ids(self, now: datetime, limit: int = 20) -> list[int]:
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(Email.id)
                    .where(Email.state == EmailState.SCHEDULED.value, Email.due_at <= _utc(now))
                    .order_by(Email.due_at, Email.id)
                    .limit(limit)
                )
            )

    def next_due_at(self) -> datetime | None:
        """When the sender should wake up next (None: nothing scheduled)."""
        with self._sessions() as session:
            return _aware(
                session.scalar(
                    select(Email.due_at)
                    .where(Email.state == EmailState.SCHEDULED.value)
                    .order_by(Email.due_at)
                    .limit(1)
                )
            )

    def send_problem(self, email_id: int) -> str | None:
        """Why this email must not go out now (see :func:`_send_problem`), else None."""
        with self._sessions() as session:
            email = session.get(Email, email_id)
            return (
                "That email no longer exists." if email is None else _send_problem(session, email)
            )

    def claim(self, email_id: int, claimer: str, now: datetime, message_id: str) -> Claimed | None:
        """scheduled → sending, atomically; None when another sender got there first, or
        when the person can no longer get it (:func:`_send_problem`): then it goes back to
        a draft, with the reason, and they are due on the step again once they can be."""
        with self._writing() as session:
            email = session.get(Email, email_id)
            if email is not None and email.state == EmailState.SCHEDULED.value:
                problem = _send_problem(session, email)
                if problem is not None:
                    log.info("email %s not sent: %s", email_id, problem)
                    email.state = EmailState.DRAFT.value
                    email.due_at = email.scheduled_for = None
                    email.schedule_zone = ""
                    email.error = problem
                    return None
            result = session.execute(
                update(Email)
                .where(Email.id == email_id, Email.state == EmailState.SCHEDULED.value)
                .values(state=EmailState.SENDING.value, claimed_at=_utc(now), claimed_by=claimer)
            )
            if not getattr(result, "rowcount", 0):
                return None
            email = session.get(Email, email_id)
            assert email is not None
            if not email.message_id:
                email.message_id = message_id  # kept across retries: one message, one id
            return Claimed(
                email.id,
                email.to_address,
                email.to_name,
                email.subject,
                email.body,
                email.message_id,
                email.attempts,
            )

    def claim_due(
        self, now: datetime, claimer: str, message_id: str, limit: int = 20
    ) -> list[Claimed]:
        """Claim every due email this sender can get (``message_id`` is a format string
        with ``{uuid}``)."""
        claimed = []
        for email_id in self.due_ids(now, limit):
            with self._sessions() as session:
                uuid = session.scalar(select(Email.uuid).where(Email.id == email_id)) or ""
            got = self.claim(email_id, claimer, now, message_id.format(uuid=uuid))
            if got is not None:
                claimed.append(got)
        return claimed

    def mark_sent(self, email_id: int, claimer: str, now: datetime) -> bool:
        """Sent: record it and complete the person's step in the same transaction."""
        with self._writing() as session:
            email = self._owned(session, email_id, claimer)
            if email is None:
                return False
            sent = _utc(now)
            email.state = EmailState.SENT.value
            email.sent_at = sent
            email.attempts += 1
            email.error = ""
            planned = _aware(email.scheduled_for)
            email.late = planned is not None and is_late(planned, sent)
            membership = (
                session.get(CadenceMembership, email.membership_id) if email.membership_id else None
            )
            if membership is not None and email.step_id is not None:
                record_completion(
                    session,
                    membership,
                    email.step_id,
                    call_id=None,
                    success=False,
                    outcome=EMAIL_SENT,
                )
            return True

    def mark_retry(self, email_id: int, claimer: str, error: str, retry_at: datetime) -> bool:
        """A transient failure: back to scheduled at ``retry_at``, reason kept."""
        with self._writing() as session:
            email = self._owned(session, email_id, claimer)
            if email is None:
                return False
            email.state = EmailState.SCHEDULED.value
            email.attempts += 1
            email.due_at = _utc(retry_at)
            email.error = error
            return True

    def mark_failed(self, email_id: int, claimer: str, error: str) -> bool:
        """A permanent failure: kept with the reason; the person is due on the step again."""
        with self._writing() as session:
            email = self._owned(session, email_id, claimer)
            if email is None:
                return False
            email.state = EmailState.FAILED.value
            email.attempts += 1
            email.error = error
            return True

    def recover_stuck(self, older_than: datetime) -> int:
        """Rows claimed before ``older_than`` and never finished: their sender died while
        talking SMTP. They become unknown (never resent without the rep)."""
        with self._writing() as session:
            stuck = list(
                session.scalars(
                    select(Email).where(
                        Email.state == EmailState.SENDING.value,
                        Email.claimed_at < _utc(older_than),
                    )
                )
            )
            for email in stuck:
                email.state = EmailState.UNKNOWN.value
                email.error = (
                    "The app stopped while this email was being sent: it may or may not have "
                    "gone out. Look for it in your Sent folder (Message-ID "
                    f"{email.message_id}) and send it again only if it is not there."
                )
            return len(stuck)

    # -- reading -------------------------------------------------------------------------------
    def for_person(self, person_id: int) -> list[EmailRow]:
        """The person's emails, newest first (the profile's Emails activity)."""
        with self._sessions() as session:
            rows = session.scalars(
                select(Email)
                .where(Email.person_id == person_id, Email.state != EmailState.DRAFT.value)
                .order_by(Email.id.desc())
            )
            return [_row(e) for e in rows]

    def on_step(self, step_id: int) -> list[EmailRow]:
        """Every unfinished email on a step (the runner shows failures with their fix)."""
        with self._sessions() as session:
            rows = session.scalars(
                select(Email)
                .where(Email.step_id == step_id, Email.state.in_(_OPEN_STATES))
                .order_by(Email.id)
            )
            return [_row(e) for e in rows]

    def all_rows(self) -> list[EmailRow]:
        with self._sessions() as session:
            return [_row(e) for e in session.scalars(select(Email).order_by(Email.id))]

    def purge_drafts_of(self, membership_id: int) -> None:
        with self._writing() as session:
            session.execute(
                delete(Email).where(
                    Email.membership_id == membership_id,
                    Email.state == EmailState.DRAFT.value,
                )
            )

    # -- helpers ---------------------------------------------------------------------------------
    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """A write transaction that takes SQLite's write lock with its first statement
        (BEGIN IMMEDIATE in effect): the sender thread or another process writing in
        between can then only make us wait (busy_timeout), never fail with a stale WAL
        snapshot at the first write."""
        with self._sessions.begin() as session:
            session.execute(text("UPDATE emails SET id = id WHERE id = -1"))
            yield session

    @staticmethod
    def _current(session: Session, membership_id: int, step_id: int) -> Email | None:
        return session.scalars(
            select(Email)
            .where(
                Email.membership_id == membership_id,
                Email.step_id == step_id,
                Email.state.in_(_OPEN_STATES),
            )
            .order_by(Email.id.desc())
            .limit(1)
        ).first()

    @staticmethod
    def _owned(session: Session, email_id: int, claimer: str) -> Email | None:
        return session.scalars(
            select(Email).where(
                Email.id == email_id,
                Email.state == EmailState.SENDING.value,
                Email.claimed_by == claimer,
            )
        ).first()

    @staticmethod
    def _fill(email: Email, item: Outgoing) -> None:
        email.person_id = item.person_id
        email.to_address = item.to_address
        email.to_name = item.to_name
        email.subject = item.subject
        email.body = item.body


def _send_problem(session: Session, email: Email) -> str | None:
    """Why a cadence email must not go out now: the person was deleted or marked do not
    contact, or is no longer active on the email's step (paused, finished, removed, the
    step completed another way, the cadence archived). Checked when a sender claims it and
    by Send Again, so nothing scheduled earlier reaches someone who left the step."""
    if email.membership_id is None or email.step_id is None:
        return None  # not a cadence email
    who = email.to_name or email.to_address
    membership = session.get(CadenceMembership, email.membership_id)
    person = session.get(Person, email.person_id) if email.person_id is not None else None
    if membership is None or person is None:
        reason = f"{who} is no longer on the cadence"
    elif person.do_not_contact:
        reason = f"{who} is marked do not contact"
    elif membership.cadence.archived:
        reason = "the cadence is archived"
    elif (state := MembershipState(membership.state)) in _LEFT_THE_CADENCE:
        reason = _LEFT_THE_CADENCE[state].format(who=who)
    elif membership.current_step_id != email.step_id:
        reason = f"{who} is no longer on this step"
    else:
        return None
    return f"Not sent: {reason}."


_LEFT_THE_CADENCE = {
    MembershipState.PAUSED: "{who} is paused on the cadence (due again once resumed)",
    MembershipState.FINISHED: "{who} has finished the cadence",
    MembershipState.REMOVED: "{who} was removed from the cadence",
}
