"""People lists and search: the GUI's hot read path, in plain SQL over the stdlib driver.

Why not the ORM here: importing SQLAlchemy costs ~300 ms on these machines, more than
the whole start-up budget, and the first thing a rep sees is this list. Reads use this
module; every write goes through the ORM models (``models.py``), which own the schema.
Integration tests run these queries against the Alembic-built schema.

How a search runs is planned in ``people_search.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dialer_app.db.people_search import WALK_FROM, Plan, Term, escape_like, parse_query
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


COUNT_CAP = 1000
"""Counts stop here ("1,000+ people"): an exact count of a one-letter search costs a scan."""

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


class PeopleReader:
    """Read-only queries on one connection owned by the thread that created it (the GUI)."""

    def __init__(self, database: Path) -> None:
        self._connection = connect_read_only(database)
        self._last_plan: tuple[str, Plan, bool] | None = None
        """(query, plan, dense) of the last search: the list fetches, then counts, each
        keystroke's query. Only the choice of query shape hangs on it, never the rows."""

    def close(self) -> None:
        self._connection.close()

    def count(self, query: str = "", *, cap: int = COUNT_CAP) -> int:
        """How many people match, exact up to ``cap`` (everyone is always exact)."""
        terms = parse_query(query)
        if terms is None:
            return int(self._connection.execute("SELECT count(*) FROM people").fetchone()[0])
        if not terms:
            return 0
        plan, _dense = self._plan(query, terms)
        if not plan.others:  # one word: its index alone has the answer
            sql, params = plan.driver_matches(cap)
            return int(self._connection.execute(sql, params).fetchone()[0])
        source, params = plan.matches()
        row = self._connection.execute(
            f"SELECT count(*) FROM (SELECT 1 {source} LIMIT ?)", [*params, cap]
        ).fetchone()
        return int(row[0])

    def search(self, query: str = "", *, limit: int = 100, offset: int = 0) -> list[PersonRow]:
        """People matching ``query`` (everyone when empty), sorted by name."""
        terms = parse_query(query)
        if terms is None:
            source, params = _PEOPLE, list[object]()
        elif not terms:
            return []
        else:
            plan, dense = self._plan(query, terms)
            source, params = plan.walk() if dense else plan.matches()
        # Order and cut the page on ids alone, then read the shown columns for that page
        # only (a sorter would otherwise carry every match's numbers along).
        page = f"SELECT p.id {source}{_ORDER} LIMIT ? OFFSET ?"
        cursor = self._connection.execute(
            f"{_COLUMNS} FROM ({page}) page CROSS JOIN people p ON p.id = page.id"
            f" LEFT JOIN accounts a ON a.id = p.account_id{_ORDER}",
            [*params, limit, offset],
        )
        return [_person(row) for row in cursor]

    def _plan(self, query: str, terms: list[Term]) -> tuple[Plan, bool]:
        """The plan, and whether its driver finds so many that walking in name order wins."""
        cached = self._last_plan
        if cached is None or cached[0] != query:
            plan = Plan.of(terms)
            sql, params = plan.driver_rows(WALK_FROM)
            dense = int(self._connection.execute(sql, params).fetchone()[0]) >= WALK_FROM
            cached = self._last_plan = (query, plan, dense)
        return cached[1], cached[2]

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
        pattern = f"%{escape_like(query.strip())}%"
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
