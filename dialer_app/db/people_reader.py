"""People lists and search: the GUI's hot read path, in plain SQL over the stdlib driver.

Why not the ORM here: importing SQLAlchemy costs ~300 ms on these machines, more than
the whole start-up budget, and the first thing a rep sees is this list. Reads use this
module; every write goes through the ORM models (``models.py``), which own the schema.
Integration tests run these queries against the Alembic-built schema.

Search goes through the FTS5 trigram index (``search_index.py``): any fragment of three
characters or more of a name, email, account or number's digits is an index lookup.
Shorter fragments ("j", "jo") match the start of a first name, last name, email or
account instead, walking the people in name order, so they stop after one page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dialer_app.db.readonly import connect_read_only


@dataclass(frozen=True)
class PersonRow:
    """What a people list shows for one person."""

    id: int
    name: str
    title: str
    account: str
    email: str
    phone_e164: str
    phone_extension: str | None
    do_not_contact: bool


@dataclass(frozen=True)
class PhoneRow:
    """One of a person's numbers, in the order the profile lists them."""

    kind: str
    e164: str
    extension: str | None
    original: str


@dataclass(frozen=True)
class AccountRow:
    id: int
    name: str
    people: int


MIN_DIGITS_FOR_NUMBER_SEARCH = 3
TRIGRAM = 3
COUNT_CAP = 1000
"""Counts stop here ("1,000+ people"): an exact count of a one-letter search costs a scan."""

_NUMBER_LIKE = re.compile(r"[\d\s+\-().]+")

_COLUMNS = """
SELECT p.id,
       trim(p.first_name || ' ' || p.last_name),
       coalesce(p.title, ''),
       coalesce(a.name, ''),
       coalesce(p.email, ''),
       (SELECT n.e164 FROM phone_numbers n
         WHERE n.person_id = p.id ORDER BY n.position LIMIT 1),
       (SELECT n.extension FROM phone_numbers n
         WHERE n.person_id = p.id ORDER BY n.position LIMIT 1),
       p.do_not_contact
"""
_PEOPLE = " FROM people p LEFT JOIN accounts a ON a.id = p.account_id"
_ORDER = " ORDER BY p.first_name COLLATE NOCASE, p.last_name COLLATE NOCASE, p.id"
_PREFIX_TERM = (
    "(p.first_name LIKE ? ESCAPE '\\' OR p.last_name LIKE ? ESCAPE '\\'"
    " OR p.email LIKE ? ESCAPE '\\' OR a.name LIKE ? ESCAPE '\\')"
)
_TEXT_MATCHES = "SELECT rowid AS id FROM people_search WHERE people_search MATCH ?"
_NUMBER_MATCHES = (
    "SELECT DISTINCT n.person_id AS id FROM people_search_numbers f"
    " JOIN phone_numbers n ON n.id = f.rowid WHERE people_search_numbers MATCH ?"
)


@dataclass(frozen=True)
class _Plan:
    """How one query runs: a set of matching ids from the index (or none) plus prefix filters."""

    matches: str | None
    match_params: tuple[str, ...]
    prefix_where: str
    prefix_params: tuple[str, ...]

    def source(self) -> tuple[str, list[object]]:
        params: list[object] = list(self.match_params)
        if self.matches is None:
            sql = _PEOPLE
        else:
            # CROSS JOIN: start from the matches, never walk everyone in name order.
            sql = (
                f" FROM ({self.matches}) s CROSS JOIN people p ON p.id = s.id"
                " LEFT JOIN accounts a ON a.id = p.account_id"
            )
        if self.prefix_where:
            sql += " WHERE " + self.prefix_where
            params += self.prefix_params
        return sql, params


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _number_expression(digits: str) -> str:
    """Digits anywhere in a number; a national trunk "0" may be absent from E.164."""
    national = digits.lstrip("0")
    if national != digits and len(national) >= TRIGRAM:
        return f"{_phrase(digits)} OR {_phrase(national)}"
    return _phrase(digits)


def plan(query: str) -> _Plan:
    """Turn what the rep typed into index lookups; every term must match."""
    query = query.strip()
    digits = _digits(query)
    looks_like_a_number = bool(query) and _NUMBER_LIKE.fullmatch(query) is not None
    if looks_like_a_number and len(digits) >= MIN_DIGITS_FOR_NUMBER_SEARCH:
        return _Plan(_NUMBER_MATCHES, (_number_expression(digits),), "", ())
    phrases: list[str] = []
    digit_terms: list[str] = []
    prefixes: list[str] = []
    prefix_params: list[str] = []
    for term in query.split():
        if len(term) < TRIGRAM:
            prefixes.append(_PREFIX_TERM)
            prefix_params += [f"{_escape_like(term)}%"] * 4
        elif term.isdigit():
            digit_terms.append(term)  # a fragment of a number, or of a name like "3M"
        else:
            phrases.append(_phrase(term))
    sets: list[str] = []
    params: list[str] = []
    if phrases:
        sets.append(_TEXT_MATCHES)
        params.append(" AND ".join(phrases))
    for term in digit_terms:
        sets.append(f"{_TEXT_MATCHES} UNION {_NUMBER_MATCHES}")
        params += [_phrase(term), _number_expression(term)]
    matches = " INTERSECT ".join(f"SELECT id FROM ({s})" for s in sets) if sets else None
    return _Plan(matches, tuple(params), " AND ".join(prefixes), tuple(prefix_params))


class PeopleReader:
    """Read-only queries on one connection owned by the thread that created it (the GUI)."""

    def __init__(self, database: Path) -> None:
        self._connection = connect_read_only(database)

    def close(self) -> None:
        self._connection.close()

    def count(self, query: str = "", *, cap: int = COUNT_CAP) -> int:
        """How many people match, exact up to ``cap`` (everyone is always exact)."""
        if not query.strip():
            return int(self._connection.execute("SELECT count(*) FROM people").fetchone()[0])
        source, params = plan(query).source()
        row = self._connection.execute(
            f"SELECT count(*) FROM (SELECT 1 {source} LIMIT ?)", [*params, cap]
        ).fetchone()
        return int(row[0])

    def search(self, query: str = "", *, limit: int = 100, offset: int = 0) -> list[PersonRow]:
        """People matching ``query`` (everyone when empty), sorted by name."""
        source, params = plan(query).source()
        cursor = self._connection.execute(
            _COLUMNS + source + _ORDER + " LIMIT ? OFFSET ?", [*params, limit, offset]
        )
        return [_person(row) for row in cursor]

    def person(self, person_id: int) -> PersonRow | None:
        row = self._connection.execute(
            _COLUMNS + _PEOPLE + " WHERE p.id = ?", [person_id]
        ).fetchone()
        return None if row is None else _person(row)

    def numbers(self, person_id: int) -> list[PhoneRow]:
        """All of a person's numbers, first (default) one first."""
        cursor = self._connection.execute(
            "SELECT kind, e164, extension, original FROM phone_numbers"
            " WHERE person_id = ? ORDER BY position, id",
            [person_id],
        )
        return [
            PhoneRow(kind, e164, extension, original or "")
            for kind, e164, extension, original in cursor
        ]

    def people_with_number(self, e164: str) -> list[PersonRow]:
        """Who owns this exact number (usually one person; colleagues may share a switchboard)."""
        cursor = self._connection.execute(
            _COLUMNS
            + _PEOPLE
            + " WHERE p.id IN (SELECT person_id FROM phone_numbers WHERE e164 = ?)"
            + _ORDER
            + " LIMIT 20",
            [e164],
        )
        return [_person(row) for row in cursor]

    def accounts(self, query: str, *, limit: int = 20) -> list[AccountRow]:
        """Accounts whose name contains ``query``, with how many people each has."""
        pattern = f"%{_escape_like(query.strip())}%"
        cursor = self._connection.execute(
            "SELECT a.id, a.name, (SELECT count(*) FROM people p WHERE p.account_id = a.id)"
            " FROM accounts a WHERE a.name LIKE ? ESCAPE '\\'"
            " ORDER BY a.name COLLATE NOCASE LIMIT ?",
            [pattern, limit],
        )
        return [AccountRow(*row) for row in cursor]

    def people_at_account(self, account_id: int, *, limit: int = 500) -> list[PersonRow]:
        """An account's contacts to pick from (seed 002: search the dialer by account)."""
        cursor = self._connection.execute(
            _COLUMNS + _PEOPLE + " WHERE p.account_id = ?" + _ORDER + " LIMIT ?",
            [account_id, limit],
        )
        return [_person(row) for row in cursor]


def _person(row: tuple[object, ...]) -> PersonRow:
    return PersonRow(
        id=int(row[0]),  # type: ignore[call-overload]
        name=str(row[1]),
        title=str(row[2]),
        account=str(row[3]),
        email=str(row[4]),
        phone_e164=str(row[5] or ""),
        phone_extension=None if row[6] is None else str(row[6]),
        do_not_contact=bool(row[7]),
    )
