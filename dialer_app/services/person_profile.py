"""Load and save one person for the profile window, through the ORM.

Plain Python over SQLAlchemy (no Qt), imported only when a profile opens, never at
start-up. Saving validates first (domain/person_profile.py), then writes only what
changed, so an untouched person keeps its ``updated_at`` and the future sync pushes
nothing. The people search index follows by SQL triggers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from dialer_app.db.email_store import EmailStore
from dialer_app.db.models import (
    Account,
    CadenceMembership,
    CadenceStep,
    MembershipState,
    Person,
    PhoneKind,
    PhoneNumber,
)
from dialer_app.domain.email_schedule import (
    EmailState,
    can_unschedule,
    local_clock,
    status_text,
)
from dialer_app.domain.person_profile import (
    FieldError,
    PersonDraft,
    PhoneDraft,
    ValidPhone,
    valid_phones,
    validate,
)
from dialer_app.domain.phone import digits_only

_T = TypeVar("_T")


@dataclass(frozen=True)
class ProfileNumber:
    id: int
    kind: str
    e164: str
    extension: str | None
    original: str
    position: int


@dataclass(frozen=True)
class ProfileCadence:
    """A cadence the person is on, with the step they are at (None once finished)."""

    membership_id: int
    cadence: str
    state: str
    step_name: str | None
    step_day: int | None
    step_type: str | None


@dataclass(frozen=True)
class ProfileEmail:
    """One email of the Emails activity tab (drafts are not activity: not listed)."""

    id: int
    subject: str
    body: str
    to_address: str
    state: EmailState
    scheduled_for: datetime | None
    due_at: datetime | None
    sent_at: datetime | None
    late: bool
    error: str
    step: str
    """ "Intro Cadence · Day 1 · Intro Email"; "" when the step was deleted."""

    def status(self, rep_zone: str) -> str:
        return status_text(
            self.state,
            rep_zone,
            scheduled_for=self.scheduled_for,
            due_at=self.due_at,
            error=self.error,
        )

    def sent_text(self, rep_zone: str) -> str:
        return local_clock(self.sent_at, rep_zone) if self.sent_at is not None else ""

    @property
    def can_unschedule(self) -> bool:
        return can_unschedule(self.state)


@dataclass(frozen=True)
class PersonProfile:
    id: int
    first_name: str
    last_name: str
    title: str
    account: str
    email: str
    time_zone: str
    city: str
    state: str
    country: str
    do_not_contact: bool
    numbers: tuple[ProfileNumber, ...]
    custom_fields: tuple[tuple[str, str], ...]
    cadences: tuple[ProfileCadence, ...]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def draft(self) -> PersonDraft:
        """The form's starting content: numbers as they were typed (or imported)."""
        return PersonDraft(
            first_name=self.first_name,
            last_name=self.last_name,
            title=self.title,
            account=self.account,
            email=self.email,
            time_zone=self.time_zone,
            city=self.city,
            state=self.state,
            country=self.country,
            do_not_contact=self.do_not_contact,
            phones=tuple(
                PhoneDraft(n.kind, n.original or n.e164, n.extension or "", n.e164)
                for n in self.numbers
            ),
        )


@dataclass(frozen=True)
class SaveResult:
    """Either ``errors`` (nothing written) or the saved ``profile``."""

    errors: tuple[FieldError, ...] = ()
    profile: PersonProfile | None = None
    changed: bool = False


@dataclass
class _Changes:
    """Assigns a column only when its value differs, and remembers whether anything did."""

    changed: bool = field(default=False)

    def set(self, row: object, name: str, value: object) -> None:
        if getattr(row, name) != value:
            setattr(row, name, value)
            self.changed = True


class PersonProfileService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def load(self, person_id: int) -> PersonProfile:
        """Raises LookupError when the person is gone."""
        with self._sessions() as session:
            return _profile(session, _person(session, person_id))

    def emails(self, person_id: int) -> tuple[ProfileEmail, ...]:
        """The person's emails, newest first, each with the cadence step it belongs to."""
        rows = EmailStore(self._sessions).for_person(person_id)
        step_ids = {r.step_id for r in rows if r.step_id is not None}
        with self._sessions() as session:
            steps = {
                step.id: f"{step.cadence.name} · Day {step.day} · {step.name}"
                for step in session.scalars(
                    select(CadenceStep)
                    .where(CadenceStep.id.in_(step_ids))
                    .options(selectinload(CadenceStep.cadence))
                )
            }
        return tuple(
            ProfileEmail(
                id=r.id,
                subject=r.subject,
                body=r.body,
                to_address=r.to_address,
                state=r.state,
                scheduled_for=r.scheduled_for,
                due_at=r.due_at,
                sent_at=r.sent_at,
                late=r.late,
                error=r.error,
                step=steps.get(r.step_id, "") if r.step_id is not None else "",
            )
            for r in rows
        )

    def save(self, person_id: int, draft: PersonDraft, region: str) -> SaveResult:
        """Validate with the rep's default region, then write what changed."""
        errors = validate(draft, region)
        if errors:
            return SaveResult(errors=tuple(errors))
        phones = valid_phones(draft.phones, region)
        with self._sessions.begin() as session:
            person = _person(session, person_id)
            changes = _Changes()
            _write_fields(person, draft, changes)
            _write_account(session, person, draft.account.strip(), changes)
            _write_numbers(person, phones, changes)
            session.flush()
            return SaveResult(profile=_profile(session, person), changed=changes.changed)


def _person(session: Session, person_id: int) -> Person:
    person = session.get(
        Person,
        person_id,
        options=[selectinload(Person.phone_numbers), selectinload(Person.account)],
    )
    if person is None:
        raise LookupError(f"There is no person {person_id} any more.")
    return person


def _optional(text: str) -> str | None:
    return text.strip() or None


def _write_fields(person: Person, draft: PersonDraft, changes: _Changes) -> None:
    changes.set(person, "first_name", draft.first_name.strip())
    changes.set(person, "last_name", draft.last_name.strip())
    for name in ("title", "email", "time_zone", "city", "state", "country"):
        value = _optional(getattr(draft, name))
        if (getattr(person, name) or None) != value:  # "" and NULL both mean empty
            changes.set(person, name, value)
    changes.set(person, "do_not_contact", draft.do_not_contact)


def _write_account(session: Session, person: Person, name: str, changes: _Changes) -> None:
    """Reuse an account by case-insensitive name (never rename a shared one), else add it."""
    current = person.account
    if not name:
        changes.set(person, "account", None)
        return
    if current is not None and current.name.casefold() == name.casefold():
        return
    key = name.casefold()
    found = next(
        (
            account_id
            for account_id, existing in session.execute(
                select(Account.id, Account.name).order_by(Account.id)
            )
            if existing.casefold() == key
        ),
        None,
    )
    person.account = Account(name=name) if found is None else session.get(Account, found)
    changes.changed = True


def _write_numbers(person: Person, phones: list[ValidPhone], changes: _Changes) -> None:
    """Same E.164 = same row (kind, extension, text and order updated in place); rows no
    longer listed are deleted, new numbers added. Positions only move when the order does."""
    stored: dict[str, list[PhoneNumber]] = {}
    for row in person.phone_numbers:
        stored.setdefault(row.e164, []).append(row)
    kept: list[PhoneNumber] = []
    previous = -1
    for phone in phones:
        row = _pop(stored, phone.e164) or PhoneNumber(e164=phone.e164)
        changes.set(row, "kind", PhoneKind(phone.kind))
        changes.set(row, "extension", phone.extension)
        changes.set(row, "original", phone.original)
        changes.set(row, "digits", digits_only(phone.e164))
        if row.position is None or row.position <= previous:
            changes.set(row, "position", previous + 1)
        previous = row.position
        kept.append(row)
    if kept != list(person.phone_numbers):
        person.phone_numbers = kept  # delete-orphan removes the rest
        changes.changed = True


def _pop(table: dict[str, list[_T]], key: str) -> _T | None:
    rows = table.get(key)
    return rows.pop(0) if rows else None


def _profile(session: Session, person: Person) -> PersonProfile:
    return PersonProfile(
        id=person.id,
        first_name=person.first_name,
        last_name=person.last_name,
        title=person.title or "",
        account=person.account.name if person.account is not None else "",
        email=person.email or "",
        time_zone=person.time_zone or "",
        city=person.city or "",
        state=person.state or "",
        country=person.country or "",
        do_not_contact=bool(person.do_not_contact),
        numbers=tuple(
            ProfileNumber(n.id, n.kind.value, n.e164, n.extension, n.original, n.position)
            for n in sorted(person.phone_numbers, key=lambda n: (n.position, n.id))
        ),
        custom_fields=_custom_fields(person.custom_fields),
        cadences=_cadences(session, person.id),
    )


def _custom_fields(text: str | None) -> tuple[tuple[str, str], ...]:
    try:
        values = json.loads(text or "{}")
    except ValueError:
        return ()
    if not isinstance(values, dict):
        return ()
    return tuple((str(key), _shown(value)) for key, value in values.items())


def _shown(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _cadences(session: Session, person_id: int) -> tuple[ProfileCadence, ...]:
    """Cadences the person is (or was) on, by name; removals are not shown."""
    memberships = session.scalars(
        select(CadenceMembership)
        .where(
            CadenceMembership.person_id == person_id,
            CadenceMembership.state != MembershipState.REMOVED,
        )
        .options(
            selectinload(CadenceMembership.cadence),
            selectinload(CadenceMembership.current_step),
        )
    )
    rows = [
        ProfileCadence(
            membership_id=m.id,
            cadence=m.cadence.name,
            state=m.state.value,
            step_name=m.current_step.name if m.current_step else None,
            step_day=m.current_step.day if m.current_step else None,
            step_type=m.current_step.step_type.value if m.current_step else None,
        )
        for m in memberships
    ]
    return tuple(sorted(rows, key=lambda row: (row.cadence.casefold(), row.membership_id)))
