"""Write imported people to the database: match duplicates, reuse accounts, batch commits.

Idempotent by design: a row that matches someone already stored (same email, or any
same E.164 number) is skipped or updated field by field, and a field is only assigned
when its value differs, so re-importing a file leaves ``updated_at`` (and sync) alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from dialer_app.db.models import Account, Person, PhoneKind, PhoneNumber
from dialer_app.domain.csv_import import ImportedPerson, ImportedPhone, RowProblem
from dialer_app.domain.phone import digits_only

OnDuplicate = Literal["skip", "update", "create"]
Progress = Callable[[int, int], bool]
BATCH_SIZE = 500

_TEXT_FIELDS = ("title", "time_zone", "city", "state", "country", "crm_id")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    """Duplicates left alone, including those an "update" found already identical."""
    problems: list[RowProblem] = field(default_factory=list)
    cancelled: bool = False

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.skipped


@dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[RowProblem] = field(default_factory=list)


class _Index:
    """Lowercased emails, E.164 numbers and account names -> ids, loaded once per import.

    Rows added in the batch in progress are referenced by object (they get their id only
    when the batch is flushed, all at once); :meth:`settle` swaps them for ids after commit.
    """

    def __init__(self, session: Session) -> None:
        self.emails: dict[str, int | Person] = {}
        for person_id, email in session.execute(
            select(Person.id, Person.email).where(Person.email.is_not(None))
        ):
            if email:
                self.emails.setdefault(email.lower(), person_id)
        self.numbers: dict[str, int | Person] = {}
        for person_id, e164 in session.execute(select(PhoneNumber.person_id, PhoneNumber.e164)):
            self.numbers.setdefault(e164, person_id)
        self.accounts: dict[str, int | Account] = {}
        for account_id, name in session.execute(select(Account.id, Account.name)):
            self.accounts.setdefault(name.lower(), account_id)
        self._pending: list[tuple[dict[str, Any], str]] = []

    def match(self, person: ImportedPerson) -> int | Person | None:
        if person.email and person.email.lower() in self.emails:
            return self.emails[person.email.lower()]
        for phone in person.phones:
            if phone.e164 in self.numbers:
                return self.numbers[phone.e164]
        return None

    def remember(self, person: Person) -> None:
        if person.email:
            self._put(self.emails, person.email.lower(), person)
        for number in person.phone_numbers:
            self._put(self.numbers, number.e164, person)

    def account(self, session: Session, name: str) -> int | Account:
        key = name.lower()
        if key not in self.accounts:
            account = Account(name=name)
            session.add(account)
            self._put(self.accounts, key, account)
        return self.accounts[key]

    def settle(self) -> None:
        """After commit: objects of the batch now have ids; keep only the ids."""
        for table, key in self._pending:
            value = table[key]
            if not isinstance(value, int):
                table[key] = value.id
        self._pending.clear()

    def _put(self, table: dict[str, Any], key: str, value: Person | Account) -> None:
        if key not in table:
            table[key] = value
            self._pending.append((table, key))


def import_people(
    sessions: sessionmaker[Session],
    people: Iterable[ImportedPerson | RowProblem],
    *,
    on_duplicate: OnDuplicate = "skip",
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import rows (RowProblems pass through to the report); progress returning False cancels.

    Each batch is one transaction: on cancel the batch in progress is rolled back and the
    report counts only what was committed.
    """
    items = list(people)
    total = len(items)
    report = ImportReport()
    with sessions() as session:
        index = _Index(session)
    done = 0
    for start in range(0, total, batch_size):
        batch = items[start : start + batch_size]
        counts = _Counts()
        with sessions() as session:
            loaded = _load_matches(session, index, batch) if on_duplicate == "update" else []
            for item in batch:
                if isinstance(item, RowProblem):
                    counts.problems.append(item)
                else:
                    _import_one(session, index, item, on_duplicate, counts)
                done += 1
                if progress is not None and not progress(done, total):
                    report.cancelled = True
                    session.rollback()
                    break
            else:
                session.commit()
                index.settle()
            del loaded
        if report.cancelled:
            # The index may now name rows that were rolled back; it is not used again.
            break
        report.created += counts.created
        report.updated += counts.updated
        report.skipped += counts.skipped
        report.problems.extend(counts.problems)
    return report


def _load_matches(
    session: Session, index: _Index, batch: Sequence[ImportedPerson | RowProblem]
) -> list[Person]:
    """One query for the batch's stored duplicates and their numbers (kept alive by the list)."""
    ids = {
        ref
        for item in batch
        if isinstance(item, ImportedPerson) and isinstance(ref := index.match(item), int)
    }
    if not ids:
        return []
    query = select(Person).where(Person.id.in_(ids)).options(selectinload(Person.phone_numbers))
    return list(session.scalars(query))


def _import_one(
    session: Session,
    index: _Index,
    imported: ImportedPerson,
    on_duplicate: OnDuplicate,
    counts: _Counts,
) -> None:
    ref = None if on_duplicate == "create" else index.match(imported)
    if ref is None:
        person = Person(first_name=imported.first_name, last_name=imported.last_name)
        person.email = imported.email
        for name in _TEXT_FIELDS:
            setattr(person, name, getattr(imported, name))
        if imported.custom:
            person.custom_fields = json.dumps(imported.custom, ensure_ascii=False)
        if imported.account:
            account = index.account(session, imported.account)
            if isinstance(account, Account):
                person.account = account
            else:
                person.account_id = account
        for position, phone in enumerate(imported.phones):
            person.phone_numbers.append(_phone_row(phone, position))
        session.add(person)
        index.remember(person)
        counts.created += 1
        return
    if on_duplicate == "skip":
        counts.skipped += 1
        return
    person = ref if isinstance(ref, Person) else _get_person(session, ref)
    if _update(session, index, person, imported):
        index.remember(person)
        counts.updated += 1
    else:
        counts.skipped += 1


def _get_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id, options=[selectinload(Person.phone_numbers)])
    if person is None:  # deleted by someone else since the import started
        raise LookupError(f"person {person_id} disappeared during the import")
    return person


def _update(session: Session, index: _Index, person: Person, imported: ImportedPerson) -> bool:
    """Copy non-empty imported values that differ; True when anything changed."""
    changed = False

    def assign(name: str, value: object) -> None:
        nonlocal changed
        if value not in (None, "") and getattr(person, name) != value:
            setattr(person, name, value)
            changed = True

    assign("first_name", imported.first_name)
    assign("last_name", imported.last_name)
    if imported.email and (person.email or "").lower() != imported.email.lower():
        assign("email", imported.email)
    for name in _TEXT_FIELDS:
        assign(name, getattr(imported, name))
    if imported.custom:
        custom = json.loads(person.custom_fields or "{}")
        merged = {**custom, **{k: v for k, v in imported.custom.items() if v}}
        if merged != custom:
            assign("custom_fields", json.dumps(merged, ensure_ascii=False))
    if imported.account:
        account = index.account(session, imported.account)
        if isinstance(account, Account):
            if person.account is not account:
                person.account = account
                changed = True
        else:
            assign("account_id", account)
    stored = {number.e164: number for number in person.phone_numbers}
    position = max((number.position for number in person.phone_numbers), default=-1) + 1
    for phone in imported.phones:
        number = stored.get(phone.e164)
        if number is None:
            person.phone_numbers.append(_phone_row(phone, position))
            position += 1
            changed = True
        elif phone.extension and number.extension != phone.extension:
            number.extension = phone.extension
            changed = True
    return changed


def _phone_row(phone: ImportedPhone, position: int) -> PhoneNumber:
    return PhoneNumber(
        kind=PhoneKind(phone.kind),
        e164=phone.e164,
        extension=phone.extension,
        original=phone.original,
        digits=digits_only(phone.e164),
        position=position,
    )
