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
_TEXT = "SELECT rowid AS id FROM people_search WHERE people_search MATCH ?"
_WORDS = "SELECT rowid AS id FROM people_search_words WHERE people_search_words MATCH ?"
_NUMBERS = (
    "SELECT n.person_id AS id FROM people_search_numbers f"
    " JOIN phone_numbers n ON n.id = f.rowid WHERE people_search_numbers MATCH ?"
)


@dataclass(frozen=True)
class _Plan:
    """One query as a set of matching person ids (``None``: everyone) and its parameters."""

    matches: str | None
    params: tuple[str, ...]

    def sorted_source(self, dense: bool) -> str:
        """FROM clause for a page in name order.

        Few matches: start from them and sort (CROSS JOIN keeps SQLite from walking
        everyone). Many: walk the name index and stop after a page, probing the matches.
        """
        if self.matches is None:
            return _PEOPLE
        if dense:
            return f"{_PEOPLE} WHERE p.id IN ({self.matches})"
        return (
            f" FROM ({self.matches}) s CROSS JOIN people p ON p.id = s.id"
            " LEFT JOIN accounts a ON a.id = p.account_id"
        )


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


def _term_set(term: str) -> tuple[str, tuple[str, ...]] | None:
    """The people one typed word finds, as SQL and parameters (None: nothing to search)."""
    if not any(ch.isalnum() for ch in term):
        return None
    if len(term) < TRIGRAM:  # trigrams need three characters: match the start of a word
        return _WORDS, (_phrase(term) + "*",)
    if term.isdigit():  # a fragment of a number, or of a name like "3M"
        return f"{_TEXT} UNION {_NUMBERS}", (_phrase(term), _number_expression(term))
    # anywhere in the text, or the start of a word with accents folded ("mull" -> Müller)
    return f"{_TEXT} UNION {_WORDS}", (_phrase(term), _phrase(term) + "*")


def plan(query: str) -> _Plan:
    """Turn what the rep typed into index lookups; every term must match."""
    query = query.strip()
    digits = _digits(query)
    looks_like_a_number = bool(query) and _NUMBER_LIKE.fullmatch(query) is not None
    if looks_like_a_number and len(digits) >= MIN_DIGITS_FOR_NUMBER_SEARCH:
        return _Plan(f"SELECT DISTINCT id FROM ({_NUMBERS})", (_number_expression(digits),))
    sets: list[str] = []
    params: list[str] = []
    for term in query.split():
        found = _term_set(term)
        if found is not None:
            sets.append(f"SELECT id FROM ({found[0]})")
            params += found[1]
    if not sets:
        return _Plan(None, ())
    if len(sets) == 1:
        sets[0] = sets[0].replace("SELECT id", "SELECT DISTINCT id", 1)
    return _Plan(" INTERSECT ".join(sets), tuple(params))


class PeopleReader:
    """Read-only queries on one connection owned by the thread that created it (the GUI)."""

    def __init__(self, database: Path) -> None:
        self._connection = connect_read_only(database)
        self._last_count: tuple[tuple[str, int] | None, int] = (None, 0)
        """The people list counts, then fetches, the same query on every keystroke."""

    def close(self) -> None:
        self._connection.close()

    def count(self, query: str = "", *, cap: int = COUNT_CAP) -> int:
        """How many people match, exact up to ``cap`` (everyone is always exact)."""
        found = plan(query)
        if found.matches is None:
            if query.strip():
                return 0  # only punctuation: nothing to look for
            return int(self._connection.execute("SELECT count(*) FROM people").fetchone()[0])
        key = (query, cap)
        if self._last_count[0] != key:
            row = self._connection.execute(
                f"SELECT count(*) FROM (SELECT id FROM ({found.matches}) LIMIT ?)",
                [*found.params, cap],
            ).fetchone()
            self._last_count = (key, int(row[0]))
        return self._last_count[1]

    def search(self, query: str = "", *, limit: int = 100, offset: int = 0) -> list[PersonRow]:
        """People matching ``query`` (everyone when empty), sorted by name."""
        found = plan(query)
        if found.matches is None and query.strip():
            return []
        dense = found.matches is not None and self.count(query) >= COUNT_CAP
        cursor = self._connection.execute(
            _COLUMNS + found.sorted_source(dense) + _ORDER + " LIMIT ? OFFSET ?",
            [*found.params, limit, offset],
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

    def is_do_not_contact(self, person_id: int) -> bool:
        """The person's do-not-contact flag, read fresh before every dial (CallService)."""
        row = self._connection.execute(
            "SELECT do_not_contact FROM people WHERE id = ?", (person_id,)
        ).fetchone()
        return bool(row is not None and row[0])


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
