"""Running a cadence email step (issue 9): what the email window shows for each person,
autosaved drafts, Discard / trash, Send & Edit Next, Schedule and Schedule All.

The window holds no rules: it asks this service for a person's email (their saved draft,
else the step's template with their merge fields), hands back what the rep typed, and
shows the sentences this service returns. Sending never happens here: Send and Schedule
write a *scheduled* row and wake the background sender (``services/email_sender.py``), so
the GUI thread never waits on a mail server, and the step completes when the email is
actually sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Signal
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from dialer_app.db.email_store import EmailRow, EmailStore, EmailStoreError, Outgoing
from dialer_app.db.models import CadenceStep, Person
from dialer_app.domain.cadences import DuePerson
from dialer_app.domain.csv_import import is_email_address
from dialer_app.domain.email_schedule import (
    EDITABLE,
    PENDING,
    EmailState,
    ScheduleError,
    can_unschedule,
    describe,
    needs_attention,
    status_text,
)
from dialer_app.domain.email_templates import Composed, MergeValues, compose, split_name
from dialer_app.domain.person_profile import local_time
from dialer_app.services.smtp_client import SendFailure, SmtpAccount, check_account
from dialer_app.settings import Settings

EmailStepError = EmailStoreError
"""Every refusal; ``str(error)`` is a sentence for the rep."""


@dataclass(frozen=True)
class PersonEmail:
    """One person's email as the window opens it."""

    membership_id: int
    person_id: int
    name: str
    to_address: str
    subject: str
    body: str
    composed: Composed
    """The text checked for leftover fields (what would be sent)."""
    personalised: bool
    """A saved draft (edited) rather than the template."""
    state: EmailState | None
    """None: nothing saved yet."""
    saved_at: datetime | None
    error: str
    """Why the last send failed (failed or unknown), with the fix."""
    time_zone: str
    """The person's zone (record, else phone number); "" when unknown."""
    values: dict[str, str]
    """Their merge values: the window re-checks what the rep types without a database read."""
    email_id: int | None = None
    """The saved row (None: only the template so far)."""
    scheduled_for: datetime | None = None

    @property
    def pending(self) -> bool:
        """Scheduled or being sent: shown read-only (Unschedule makes it a draft again)."""
        return self.state in PENDING

    @property
    def can_unschedule(self) -> bool:
        return self.state is not None and can_unschedule(self.state)

    @property
    def address_problem(self) -> str:
        if not self.to_address:
            return f"{self.name or 'This person'} has no email address: add it on their profile."
        if not is_email_address(self.to_address):
            return f"“{self.to_address}” is not an email address: fix it on their profile."
        return ""

    @property
    def problem(self) -> str:
        return self.address_problem or self.composed.problem(self.name)


@dataclass(frozen=True)
class StepEmail:
    """One of a step's emails that is not simply due (the side panel's list)."""

    id: int
    membership_id: int
    person_id: int
    name: str
    to_address: str
    state: EmailState
    scheduled_for: datetime | None
    due_at: datetime | None
    error: str
    """Failed or unknown: the reason with its fix."""

    def status(self, rep_zone: str) -> str:
        return status_text(
            self.state,
            rep_zone,
            scheduled_for=self.scheduled_for,
            due_at=self.due_at,
            error=self.error,
        )

    @property
    def needs_attention(self) -> bool:
        return needs_attention(self.state)

    @property
    def can_unschedule(self) -> bool:
        return can_unschedule(self.state)


class EmailStepService(QObject):
    """One per main window; short transactions through ``EmailStore``."""

    changed = Signal()
    """Emails were scheduled or deleted: the due lists and activity views reload."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Callable[[], Settings],
        password: Callable[[str], str | None],
        *,
        wake_sender: Callable[[], None] = lambda: None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self.store = EmailStore(sessions)
        self._settings = settings
        self._password = password
        self._wake = wake_sender
        self._clock = clock

    def now(self) -> datetime:
        return self._clock()

    # -- the rep's account ----------------------------------------------------------------
    def account(self) -> tuple[SmtpAccount, str | None]:
        """The SMTP account from Settings, the password from the keyring (sender thread)."""
        settings = self._settings()
        account = smtp_account(settings)
        return account, self._password(account.username) if account.username else None

    def account_problem(self) -> str:
        """Why nothing can be sent yet ("" when the account looks complete)."""
        try:
            check_account(*self.account())
        except SendFailure as exc:
            return str(exc)
        return ""

    def rep_zone(self) -> str:
        return self._settings().time_zone

    # -- a person's email -----------------------------------------------------------------
    def open(self, person: DuePerson, step_id: int) -> PersonEmail:
        """The saved draft (or failed email) when there is one, else the template."""
        with self._sessions() as session:
            step = session.get(CadenceStep, step_id)
            if step is None:
                raise EmailStepError("That step no longer exists.")
            values, address, name, zone = self._person(session, person.person_id)
            saved = self.store.current(person.membership_id, step_id)
            if saved is not None and (saved.state in EDITABLE or saved.state in PENDING):
                subject, body = saved.subject, saved.body  # pending: what will go
            else:
                subject, body = step.email_subject, step.email_body
            return PersonEmail(
                membership_id=person.membership_id,
                person_id=person.person_id,
                name=name,
                to_address=address,
                subject=compose(subject, body, values).subject,
                body=compose(subject, body, values).body,
                composed=compose(subject, body, values),
                personalised=saved is not None,
                state=saved.state if saved is not None else None,
                saved_at=saved.draft_saved_at if saved is not None else None,
                error=saved.error if saved is not None else "",
                time_zone=zone,
                values=values,
                email_id=saved.id if saved is not None else None,
                scheduled_for=saved.scheduled_for if saved is not None else None,
            )

    def check(self, person: DuePerson, subject: str, body: str) -> Composed:
        """What the rep typed, with merge fields (typed ones too) filled for the person."""
        with self._sessions() as session:
            values, *_ = self._person(session, person.person_id)
        return compose(subject, body, values)

    def autosave(self, person: DuePerson, step_id: int, subject: str, body: str) -> EmailRow:
        """Every 3 s while editing, and on close: "Saved to the cadence"."""
        row = self.store.save_draft(
            self._outgoing(person, step_id, subject, body, check=False), self._clock()
        )
        return row

    def discard(self, person: DuePerson, step_id: int) -> PersonEmail:
        """Discard Changes: back to the template (the personalised draft is deleted)."""
        self.store.delete_draft(person.membership_id, step_id)
        return self.open(person, step_id)

    def delete(self, person: DuePerson, step_id: int) -> bool:
        """The trash button: the draft goes, the window closes."""
        deleted = self.store.delete_draft(person.membership_id, step_id)
        if deleted:
            self.changed.emit()
        return deleted

    # -- sending --------------------------------------------------------------------------
    def send_now(self, person: DuePerson, step_id: int, subject: str, body: str) -> str:
        """Send & Edit Next: queue it for the sender right away. Returns the notice."""
        outgoing = self._outgoing(person, step_id, subject, body, check=True)
        self._require_account()
        self.store.schedule([outgoing], self._clock(), "", self._clock())
        self._after_schedule()
        return f"Sending the email to {outgoing.to_name}…"

    def schedule(
        self,
        person: DuePerson,
        step_id: int,
        subject: str,
        body: str,
        *,
        at: datetime,
        zone: str,
    ) -> str:
        outgoing = self._outgoing(person, step_id, subject, body, check=True)
        self._require_account()
        self.store.schedule([outgoing], at, zone, self._clock())
        self._after_schedule()
        return f"Email to {outgoing.to_name} scheduled for {describe(at, zone)}."

    def schedule_all(
        self,
        people: Sequence[DuePerson],
        step_id: int,
        at: datetime | Callable[[DuePerson], datetime],
        zone: str,
        edited: dict[int, tuple[str, str]] | None = None,
    ) -> int:
        """Schedule All for ``people`` (already cut to Send First #, in sort order): each
        person's saved draft, else the template. ``edited`` holds text on screen not yet
        autosaved (membership id -> subject, body). All or nothing: one email that can't
        go (missing field, no address) refuses the lot, naming them. ``at`` may be a
        function of the person (a custom time in each person's own zone)."""
        self._require_account()
        outgoing, problems = [], []
        for person in people:
            opened = self.open(person, step_id)
            subject, body = (edited or {}).get(person.membership_id, (opened.subject, opened.body))
            try:
                item = self._outgoing(person, step_id, subject, body, check=True)
            except EmailStepError as exc:
                problems.append(str(exc))
                continue
            own = at(person) if callable(at) else None
            outgoing.append(replace(item, due_at=own))
        if problems:
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            raise EmailStepError("Nothing was scheduled. " + " ".join(problems[:3]) + more)
        batch = self._clock() if callable(at) else at
        self.store.schedule(outgoing, batch, zone, self._clock())
        self._after_schedule()
        return len(outgoing)

    def pending_on_step(self, step_id: int) -> list[EmailRow]:
        return self.store.on_step(step_id)

    def step_emails(self, step_id: int) -> list[StepEmail]:
        """The step's emails that are not simply due: failed or unknown ones first (the
        rep fixes and sends them again without opening each person), then the scheduled
        and sending ones by time. Drafts are the due people's own business."""
        rows = [r for r in self.store.on_step(step_id) if r.state is not EmailState.DRAFT]
        far = datetime.max.replace(tzinfo=UTC)
        rows.sort(key=lambda r: (not needs_attention(r.state), r.due_at or far, r.id))
        return [
            StepEmail(
                id=r.id,
                membership_id=r.membership_id or 0,
                person_id=r.person_id or 0,
                name=r.to_name or r.to_address,
                to_address=r.to_address,
                state=r.state,
                scheduled_for=r.scheduled_for,
                due_at=r.due_at,
                error=r.error,
            )
            for r in rows
            if r.membership_id is not None and r.person_id is not None
        ]

    def send_again(self, email_id: int) -> str:
        """Send Again from the step's list: the failed (or unknown) email as it was, to the
        address on the person's profile now (the fix may have been there). Returns the
        notice."""
        row = self.store.get(email_id)
        if row is None or row.membership_id is None or row.person_id is None:
            raise EmailStepError("That email no longer exists.")
        if row.step_id is None:
            raise EmailStepError("That email's step no longer exists.")
        who = row.to_name or row.to_address
        if not needs_attention(row.state):
            raise EmailStepError(f"The email to {who} is not waiting to be sent again.")
        problem = self.store.send_problem(email_id)
        if problem is not None:
            raise EmailStepError(problem)
        outgoing = self._outgoing_for(
            row.membership_id, row.person_id, row.step_id, row.subject, row.body, check=True
        )
        self._require_account()
        self.store.schedule([outgoing], self._clock(), "", self._clock())
        self._after_schedule()
        return f"Sending the email to {outgoing.to_name} again…"

    def unschedule(self, email_id: int) -> str:
        """Unschedule: the email goes back to a draft (text kept) and the person is due
        on the step again. Refused once a sender has claimed it. Returns the notice."""
        row = self.store.get(email_id)
        if row is None:
            raise EmailStepError("That email no longer exists.")
        who = row.to_name or row.to_address
        if row.state is EmailState.SENDING:
            raise EmailStepError(f"The email to {who} is being sent right now: too late.")
        if row.state is EmailState.SENT:
            raise EmailStepError(f"The email to {who} was already sent.")
        if not can_unschedule(row.state):
            raise EmailStepError(f"The email to {who} is not scheduled.")
        if not self.store.unschedule(email_id, self._clock()):  # a sender claimed it meanwhile
            raise EmailStepError(f"The email to {who} is being sent right now: too late.")
        self.changed.emit()
        return f"Unscheduled: the email to {who} is a draft again, and {who} is due again."

    # -- helpers ---------------------------------------------------------------------------
    def _after_schedule(self) -> None:
        self.changed.emit()
        self._wake()

    def _require_account(self) -> None:
        problem = self.account_problem()
        if problem:
            raise EmailStepError(problem)

    def _outgoing(
        self, person: DuePerson, step_id: int, subject: str, body: str, *, check: bool
    ) -> Outgoing:
        return self._outgoing_for(
            person.membership_id, person.person_id, step_id, subject, body, check=check
        )

    def _outgoing_for(
        self,
        membership_id: int,
        person_id: int,
        step_id: int,
        subject: str,
        body: str,
        *,
        check: bool,
    ) -> Outgoing:
        with self._sessions() as session:
            values, address, name, _zone = self._person(session, person_id)
        composed = compose(subject, body, values)
        if check:
            who = name or "This person"
            if not address:
                raise EmailStepError(f"{who} has no email address: add it on their profile.")
            if not is_email_address(address):
                raise EmailStepError(f"{who}: “{address}” is not an email address.")
            if not composed.subject.strip():
                raise EmailStepError(f"The email to {who} has no subject.")
            if not composed.sendable:
                raise EmailStepError(composed.problem(who))
            subject, body = composed.subject, composed.body
        return Outgoing(
            membership_id=membership_id,
            step_id=step_id,
            person_id=person_id,
            to_address=address,
            to_name=name,
            subject=subject,
            body=body,
        )

    def _person(self, session: Session, person_id: int) -> tuple[dict[str, str], str, str, str]:
        person = session.scalars(
            select(Person)
            .where(Person.id == person_id)
            .options(selectinload(Person.account), selectinload(Person.phone_numbers))
        ).first()
        if person is None:
            raise EmailStepError("That person no longer exists.")
        settings = self._settings()
        first, last = split_name(settings.sender_name)
        values = MergeValues(
            first_name=person.first_name,
            last_name=person.last_name,
            title=person.title or "",
            account=person.account.name if person.account else "",
            email=person.email or "",
            city=person.city or "",
            state=person.state or "",
            country=person.country or "",
            sender_first_name=first,
            sender_last_name=last,
            sender_email=settings.sender_email,
        ).as_dict()
        zone = local_time(
            person.time_zone or "", [n.e164 for n in person.phone_numbers], self._clock()
        )
        return values, (person.email or "").strip(), person.full_name, zone.zone if zone else ""


def smtp_account(settings: Settings) -> SmtpAccount:
    return SmtpAccount(
        host=settings.smtp_host.strip(),
        port=settings.smtp_port,
        security=settings.smtp_security,
        username=settings.smtp_username.strip(),
        from_address=settings.sender_email.strip(),
        from_name=settings.sender_name.strip(),
        ca_file=settings.smtp_ca_file.strip(),
    )


__all__ = [
    "EmailStepError",
    "EmailStepService",
    "PersonEmail",
    "ScheduleError",
    "StepEmail",
    "smtp_account",
]
