"""Write imported people to the database: match duplicates, reuse accounts, batch commits.

Idempotent by design: a row that matches someone already stored (same email, or any
same E.164 number) is skipped or updated field by field, and a field is only assigned
when its value differs, so re-importing a file leaves ``updated_at`` (and sync) alone.

A large import into a small table runs in bulk mode (``bulk_load.py``): random-order
indexes rebuilt at the end, the search index written by a background thread.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import operator
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import Engine, func, select
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.orm import Session, selectinload, sessionmaker

from dialer_app.db.bulk_load import bulk_mode
from dialer_app.db.models import (
    Account,
    Person,
    PhoneKind,
    PhoneNumber,
    new_uuid,
    new_uuids,
    utc_now,
)
from dialer_app.db.outbox import enqueue_many, enqueue_range
from dialer_app.domain.csv_import import (
    CsvTable,
    ImportedPerson,
    ImportedPhone,
    RowProblem,
    Target,
    iter_parsed,
)
from dialer_app.domain.gc_pause import no_cyclic_gc

OnDuplicate = Literal["skip", "update", "create"]
Progress = Callable[[int, int], bool]
BATCH_SIZE = 5000
BULK_BATCH_SIZE = 10_000
"""Bulk mode's batches: each ends with a flush of the search index, whose cost is mostly
per flush (FTS5 segments, merges), and the flush of one batch overlaps the parsing of the
next. 10,000 rows: 100,000 people import ~10 % faster than in batches of 5,000 (20,000:
another 3 %, for twice the rows lost to a cancel and a longer hold on the database)."""
BULK_MIN_ROWS = 10_000
"""Smaller imports never take bulk mode (see ``_bulk_mode``)."""

_TEXT_FIELDS = ("title", "time_zone", "city", "state", "country", "crm_id")
_text_fields = operator.attrgetter(*_TEXT_FIELDS)
_KINDS = {kind.value: kind for kind in PhoneKind}
"""Imported kinds as stored; an unknown kind fails loudly (KeyError), as PhoneKind() would."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    """Duplicates left alone, including those an "update" found already identical."""
    problems: list[RowProblem] = field(default_factory=list)
    cancelled: bool = False
    person_ids: list[int] = field(default_factory=list)
    """The people created or updated (each once), e.g. to add them to a cadence."""

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.skipped


@dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)
    """Created (once inserted) and updated people of the batch."""
    new: list[_NewPerson] = field(default_factory=list)
    """People to insert when the batch ends."""


class _Index:
    """Lowercased emails, E.164 numbers and account names -> ids, loaded once per import.

    People of the batch in progress are not inserted yet: they are referenced by their
    :class:`_NewPerson` until :func:`_insert_new` gives them ids, all at once.
    """

    def __init__(self, session: Session) -> None:
        self.emails: dict[str, int | _NewPerson] = {}
        for person_id, email in session.execute(
            select(Person.id, Person.email).where(Person.email.is_not(None))
        ):
            if email:
                self.emails.setdefault(email.lower(), person_id)
        self.numbers: dict[str, int | _NewPerson] = {}
        for person_id, e164 in session.execute(select(PhoneNumber.person_id, PhoneNumber.e164)):
            self.numbers.setdefault(e164, person_id)
        self.accounts: dict[str, int] = {}
        for account_id, name in session.execute(select(Account.id, Account.name)):
            self.accounts.setdefault(name.lower(), account_id)
        self.stored_people = session.scalar(select(func.count(Person.id))) or 0

    def match(self, person: ImportedPerson) -> int | _NewPerson | None:
        if person.email and (ref := self.emails.get(person.email.lower())) is not None:
            return ref
        numbers = self.numbers
        for phone in person.phones:
            if (ref := numbers.get(phone.e164)) is not None:
                return ref
        return None

    def remember(self, ref: int, email: str | None, numbers: Iterable[str]) -> None:
        if email:
            self.emails.setdefault(email.lower(), ref)
        for e164 in numbers:
            self.numbers.setdefault(e164, ref)

    def hold(self, person: _NewPerson) -> _NewPerson:
        """Point the person's unclaimed email and numbers at them until they get an id."""
        imported, keys = person.imported, person.keys
        if imported.email and (email := imported.email.lower()) not in self.emails:
            self.emails[email] = person
            keys.append((self.emails, email))
        numbers = self.numbers
        for phone in imported.phones:  # distinct numbers (csv_import drops repeats)
            if phone.e164 not in numbers:
                numbers[phone.e164] = person
                keys.append((numbers, phone.e164))
        return person

    def settle(self, new: Sequence[_NewPerson]) -> None:
        """After the batch's people are inserted: refer to them by id from now on."""
        for person in new:
            person_id = person.id
            assert person_id is not None
            for table, key in person.keys:
                if table.get(key) is person:
                    table[key] = person_id

    def account_id(self, session: Session, name: str) -> int:
        """The id of the account called ``name`` (any case), created if new."""
        key = name.lower()
        if key not in self.accounts:
            account = Account(name=name)
            session.add(account)
            session.flush()
            self.accounts[key] = account.id
        return self.accounts[key]


@dataclass(eq=False, slots=True)
class _NewPerson:
    """A person to insert with the batch, and the index keys that point at it."""

    imported: ImportedPerson
    id: int | None = None
    keys: list[tuple[dict[str, int | _NewPerson], str]] = field(default_factory=list)


def import_people(
    sessions: sessionmaker[Session],
    people: Iterable[ImportedPerson | RowProblem],
    *,
    on_duplicate: OnDuplicate = "skip",
    progress: Progress | None = None,
    batch_size: int | None = None,
    total: int | None = None,
) -> ImportReport:
    """Import rows (RowProblems pass through to the report); progress returning False cancels.

    ``people`` may be a lazy iterator (rows still being parsed) when ``total`` is given.

    Each batch is one transaction: on cancel the batch in progress is rolled back and the
    report counts only what was committed. New people go in with one multi-row INSERT per
    table (the ORM's unit of work costs ~0.5 ms a person, the whole import budget);
    duplicates to update go through the ORM, field by field.
    """
    if total is None:
        people = list(people)
        total = len(people)
    with no_cyclic_gc():
        return _import(
            sessions,
            people,
            on_duplicate=on_duplicate,
            progress=progress,
            batch_size=batch_size,
            total=total,
        )


def import_table(
    sessions: sessionmaker[Session],
    table: CsvTable,
    mapping: Mapping[int, Target],
    region: str,
    *,
    on_duplicate: OnDuplicate = "skip",
    progress: Progress | None = None,
    batch_size: int | None = None,
) -> ImportReport:
    """Parse a read CSV and import it, each batch written as soon as it is parsed (the
    wizard, ``dialer-app import`` and the benchmark all go through here)."""
    return import_people(
        sessions,
        iter_parsed(table, mapping, region),
        on_duplicate=on_duplicate,
        progress=progress,
        batch_size=batch_size,
        total=len(table.rows),
    )


def _import(
    sessions: sessionmaker[Session],
    people: Iterable[ImportedPerson | RowProblem],
    *,
    on_duplicate: OnDuplicate,
    progress: Progress | None,
    batch_size: int | None,
    total: int,
) -> ImportReport:
    rows = iter(people)
    with sessions() as session:
        index = _Index(session)
    bulk = _bulk_mode(total, index.stored_people)
    if batch_size is None:
        batch_size = BULK_BATCH_SIZE if bulk else BATCH_SIZE
    run = _Run(rows, batch_size, index, on_duplicate, _Ticker(progress, total))
    with _batch_sessions(sessions, bulk) as batch_session:
        _write(run, batch_session)
    report = run.report
    if report.updated:  # someone named twice in the file (created, then updated): once
        report.person_ids = list(dict.fromkeys(report.person_ids))
    if report.cancelled and isinstance(rows, Generator):
        rows.close()  # stop parsing what will not be imported (worker processes included)
    return report


class _Ticker:
    """Counts rows done for the progress callback; ``tick`` is False once it cancels."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self._progress = progress
        self._total = total
        self._done = 0

    def tick(self) -> bool:
        self._done += 1
        return self._progress is None or self._progress(self._done, self._total)


@dataclass
class _Run:
    """One import's input, duplicate index and report."""

    rows: Iterator[ImportedPerson | RowProblem]
    batch_size: int
    index: _Index
    on_duplicate: OnDuplicate
    ticker: _Ticker
    report: ImportReport = field(default_factory=ImportReport)
    next_ids: tuple[int, int] | None = None
    """(person id, account id) the next batch will most likely start at: its rows are built
    before it takes the database (``_write``)."""

    def batches(self) -> Iterator[list[ImportedPerson | RowProblem]]:
        while batch := list(itertools.islice(self.rows, self.batch_size)):
            yield batch

    def add(self, counts: _Counts) -> None:
        """Count a committed batch in the report (its new people have ids by now)."""
        self.index.settle(counts.new)
        self.report.created += counts.created
        self.report.updated += counts.updated
        self.report.skipped += counts.skipped
        self.report.problems.extend(counts.problems)
        self.report.person_ids.extend(counts.person_ids)


BatchSession = Callable[[], contextlib.AbstractContextManager[Session]]


def _write(run: _Run, batch_session: BatchSession) -> None:
    """Each batch in one transaction, committed before the next one is parsed. Without
    updates, a batch is sorted into new people and duplicates, and its rows are built (ids
    as the last batch left them), before its session opens: that needs no database, so a
    bulk import's indexer works meanwhile."""
    updating = run.on_duplicate == "update"
    for batch in run.batches():
        counts = _Counts()
        if not updating and not _sort_batch(run, batch, counts):
            return
        rows = None
        if not updating and run.next_ids is not None and counts.new:
            rows = _NewRows.build(run.index, counts.new, *run.next_ids)
        with batch_session() as session:
            if updating and not _update_batch(session, run, batch, counts):
                session.rollback()
                return
            rows = _insert_new(session, run.index, counts.new, rows)
            session.commit()
        if rows is not None:
            counts.person_ids += rows.person_ids
            run.next_ids = rows.next_ids
        run.add(counts)


def _sort_batch(run: _Run, batch: Sequence[ImportedPerson | RowProblem], counts: _Counts) -> bool:
    """Skip and create modes: hold new people, count duplicates; False when cancelled."""
    for item in batch:
        if isinstance(item, RowProblem):
            counts.problems.append(item)
        else:
            _sort_one(run.index, item, run.on_duplicate, counts)
        if not run.ticker.tick():
            run.report.cancelled = True  # the index may now name people never inserted:
            return False  # it is not used again
    return True


def _update_batch(
    session: Session, run: _Run, batch: Sequence[ImportedPerson | RowProblem], counts: _Counts
) -> bool:
    """Update mode, in the batch's session; False when cancelled (the caller rolls back)."""
    loaded = _load_matches(session, run.index, batch)  # held: the session only weakly refers
    for item in batch:
        if isinstance(item, RowProblem):
            counts.problems.append(item)
        else:
            _import_one(session, run.index, item, run.on_duplicate, counts)
        if not run.ticker.tick():
            run.report.cancelled = True
            return False
    del loaded
    return True


def _bulk_mode(total: int, stored_people: int) -> bool:
    """Whether rebuilding the dropped indexes costs less than keeping them (bulk_load.py):
    when the file has at least as many rows as the table has people. (Importing the same
    file again rebuilds them for nothing: a fraction of a second, against seconds saved.)"""
    return total >= BULK_MIN_ROWS and total >= stored_people


@contextlib.contextmanager
def _batch_sessions(sessions: sessionmaker[Session], bulk: bool) -> Iterator[BatchSession]:
    """How each batch gets its session: in bulk mode (when the sessions are bound to an
    engine), on bulk mode's one connection (bulk_load.py)."""
    engine = sessions.kw.get("bind")
    if not bulk or not isinstance(engine, Engine):
        yield sessions
        return
    with bulk_mode(engine) as writer:

        @contextlib.contextmanager
        def batch_session() -> Iterator[Session]:
            with writer.batch() as connection, sessions(bind=connection) as session:
                yield session

        yield batch_session


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


def _sort_one(
    index: _Index, imported: ImportedPerson, on_duplicate: OnDuplicate, counts: _Counts
) -> int | _NewPerson | None:
    """Hold a new person for the batch's insert or count a skipped duplicate (no database
    needed); return the match to update instead (update mode only)."""
    ref = None if on_duplicate == "create" else index.match(imported)
    if ref is None:
        counts.new.append(index.hold(_NewPerson(imported)))
        counts.created += 1
        return None
    if on_duplicate == "skip":
        counts.skipped += 1
        return None
    return ref


def _import_one(
    session: Session,
    index: _Index,
    imported: ImportedPerson,
    on_duplicate: OnDuplicate,
    counts: _Counts,
) -> None:
    ref = _sort_one(index, imported, on_duplicate, counts)
    if ref is None:
        return
    if isinstance(ref, _NewPerson):  # the file names the same person twice: insert it now
        if (rows := _insert_new(session, index, counts.new, None)) is not None:
            counts.person_ids += rows.person_ids
        index.settle(counts.new)
        counts.new.clear()
        assert ref.id is not None
        ref = ref.id
    person = _get_person(session, ref)
    if _update(session, index, person, imported):
        index.remember(person.id, person.email, (number.e164 for number in person.phone_numbers))
        counts.updated += 1
        counts.person_ids.append(person.id)
    else:
        counts.skipped += 1


_PERSON_COLUMNS = (
    "id",
    "uuid",
    "created_at",
    "updated_at",
    "first_name",
    "last_name",
    "email",
    "account_id",
    "do_not_contact",
    "custom_fields",
    "title",
    "time_zone",
    "city",
    "state",
    "country",
    "crm_id",
)
_NUMBER_COLUMNS = (
    "uuid",
    "created_at",
    "updated_at",
    "person_id",
    "kind",
    "e164",
    "extension",
    "original",
    "digits",
    "position",
)


_PHONE_FIELDS = _NUMBER_COLUMNS[4:]
"""What ``_phone_values`` gives; the first four columns are the row's own."""
_ACCOUNT_COLUMNS = ("id", "uuid", "created_at", "updated_at", "name")


@dataclass
class _NewRows:
    """A batch's new people, numbers and accounts as the rows to insert, with their ids."""

    first_id: int
    first_account_id: int
    stamp: str
    people: list[tuple[object, ...]]
    numbers: list[tuple[object, ...]]
    accounts: list[tuple[object, ...]]
    new_accounts: dict[str, int]
    """The ids of ``accounts`` by lowercased name."""

    @property
    def person_ids(self) -> list[int]:
        return list(range(self.first_id, self.first_id + len(self.people)))

    @property
    def next_ids(self) -> tuple[int, int]:
        return self.first_id + len(self.people), self.first_account_id + len(self.accounts)

    @classmethod
    def build(
        cls, index: _Index, new: Sequence[_NewPerson], first_id: int, first_account_id: int
    ) -> _NewRows:
        """Rows for ids from ``first_id`` and ``first_account_id`` on (``person.id`` set).
        Values mirror the models' defaults (the integration tests read the rows back
        through the ORM)."""
        stamp = _timestamp()
        account_ids = dict(index.accounts)
        accounts: list[tuple[object, ...]] = []
        new_accounts: dict[str, int] = {}
        people: list[tuple[object, ...]] = []
        numbers: list[tuple[object, ...]] = []
        uuids = iter(new_uuids(len(new) + sum(len(p.imported.phones) for p in new)))
        for offset, person in enumerate(new):
            person.id = first_id + offset
            imported = person.imported
            account_id = None
            if imported.account:
                key = imported.account.lower()
                account_id = account_ids.get(key)
                if account_id is None:
                    account_id = first_account_id + len(accounts)
                    account_ids[key] = new_accounts[key] = account_id
                    accounts.append((account_id, new_uuid(), imported.account))
            custom = json.dumps(imported.custom, ensure_ascii=False) if imported.custom else "{}"
            people.append(
                (
                    person.id,
                    next(uuids),
                    imported.first_name,
                    imported.last_name,
                    imported.email,
                    account_id,
                    custom,
                    *_text_fields(imported),
                )
            )
            for position, phone in enumerate(imported.phones):
                numbers.append((next(uuids), person.id, *_phone_values(phone, position)))
        return cls(first_id, first_account_id, stamp, people, numbers, accounts, new_accounts)


def _insert_new(
    session: Session, index: _Index, new: Sequence[_NewPerson], rows: _NewRows | None
) -> _NewRows | None:
    """Insert the batch's new people, numbers and accounts with one executemany per table,
    and return their rows (None when there were none).

    Straight to the driver, in the session's transaction: SQLAlchemy's per-row parameter
    handling costs more than SQLite's insert. Ids are assigned by the import, after the
    largest stored ones, so numbers can refer to their person without a round trip. Rows
    built before the transaction (``rows``) are used when their ids are still the next
    ones, else built again (someone else inserted meanwhile).
    """
    if not new:
        return None
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        first_id = (cursor.execute("SELECT max(id) FROM people").fetchone()[0] or 0) + 1
        first_account = (cursor.execute("SELECT max(id) FROM accounts").fetchone()[0] or 0) + 1
        if rows is None or (rows.first_id, rows.first_account_id) != (first_id, first_account):
            rows = _NewRows.build(index, new, first_id, first_account)
        if rows.accounts:
            accounts_sql = _bulk_insert_sql("accounts", _ACCOUNT_COLUMNS, rows.stamp)
            cursor.executemany(accounts_sql, rows.accounts)
            enqueue_many(cursor, "account", (row[1] for row in rows.accounts))  # sync outbox
        cursor.executemany(_bulk_insert_sql("people", _PERSON_COLUMNS, rows.stamp), rows.people)
        number_sql = _bulk_insert_sql("phone_numbers", _NUMBER_COLUMNS, rows.stamp)
        cursor.executemany(number_sql, rows.numbers)
        last_id = first_id + len(rows.people) - 1  # sync outbox (issue 8), from the rows:
        enqueue_range(cursor, "person", "people", first_id, last_id)
    finally:
        cursor.close()
    index.accounts.update(rows.new_accounts)
    return rows


@functools.lru_cache(maxsize=8)  # a stamp per batch
def _bulk_insert_sql(table: str, columns: Sequence[str], stamp: str) -> str:
    """INSERT of ``columns`` binding the per-row values in column order. What is the same
    for the whole batch is written into the SQL instead of bound on every row (binding is
    most of ``executemany``'s own cost): the timestamps, the batch's ``stamp``, and
    ``do_not_contact`` (new people may be called)."""
    assert "'" not in stamp  # a timestamp the app made: digits and separators
    constant = {"created_at": f"'{stamp}'", "updated_at": f"'{stamp}'", "do_not_contact": "0"}
    values = [constant.get(column, "?") for column in columns]
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(values)})"


def _timestamp() -> str:
    """``utc_now()`` as the ORM stores a DateTime column in SQLite (the bulk inserts go
    straight to the sqlite3 driver)."""
    dialect = _SQLITE
    column_type = Person.__table__.c.created_at.type
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    return str(process(utc_now()) if process else utc_now())


_SQLITE = sqlite_dialect.dialect()


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
        assign("account_id", index.account_id(session, imported.account))
    stored = {number.e164: number for number in person.phone_numbers}
    position = max((number.position for number in person.phone_numbers), default=-1) + 1
    for phone in imported.phones:
        number = stored.get(phone.e164)
        if number is None:
            values = dict(zip(_PHONE_FIELDS, _phone_values(phone, position), strict=True))
            person.phone_numbers.append(PhoneNumber(**values))
            position += 1
            changed = True
        elif phone.extension and number.extension != phone.extension:
            number.extension = phone.extension
            changed = True
    return changed


def _phone_values(phone: ImportedPhone, position: int) -> tuple[object, ...]:
    """A number's stored values in ``_PHONE_FIELDS`` order: one definition for the bulk
    insert of new people and the ORM rows added to people being updated."""
    digits = phone.e164[1:]  # E.164 is "+" and digits
    return (_KINDS[phone.kind], phone.e164, phone.extension, phone.original, digits, position)
