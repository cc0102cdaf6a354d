"""People lists and search: the GUI's hot read path, in plain SQL over the stdlib driver.

Why not the ORM here: importing SQLAlchemy costs ~300 ms on these machines, more than
the whole start-up budget, and the first thing a rep sees is this list. Reads use this
module; every write goes through the ORM models (``models.py``), which own the schema.
Integration tests run these queries against the Alembic-built schema.
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


MIN_DIGITS_FOR_NUMBER_SEARCH = 3
_NUMBER_LIKE = re.compile(r"[\d\s+\-().]+")

_SELECT = """
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
FROM people p LEFT JOIN accounts a ON a.id = p.account_id
"""
_COUNT = "SELECT count(*) FROM people p LEFT JOIN accounts a ON a.id = p.account_id"
_ORDER = " ORDER BY lower(p.first_name), lower(p.last_name), p.id LIMIT ? OFFSET ?"

_TEXT_TERM = (
    "(lower(p.first_name || ' ' || p.last_name) LIKE ? ESCAPE '\\'"
    " OR lower(coalesce(p.email, '')) LIKE ? ESCAPE '\\'"
    " OR lower(coalesce(a.name, '')) LIKE ? ESCAPE '\\'"
)
_NUMBER_TERM = "EXISTS (SELECT 1 FROM phone_numbers n WHERE n.person_id = p.id AND n.digits LIKE ?)"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def build_where(query: str) -> tuple[str, list[str]]:
    """WHERE clause where every term matches name, email, account or a number's digits.

    A query that looks like one phone number ("+44 20 7183") is searched as digits.
    """
    query = query.strip()
    if not query:
        return "", []
    digits = _digits(query)
    if _NUMBER_LIKE.fullmatch(query) and len(digits) >= MIN_DIGITS_FOR_NUMBER_SEARCH:
        return f" WHERE {_NUMBER_TERM}", [f"%{digits}%"]
    clauses: list[str] = []
    params: list[str] = []
    for term in query.split():
        pattern = f"%{_escape_like(term.lower())}%"
        clause = _TEXT_TERM
        params += [pattern, pattern, pattern]
        term_digits = _digits(term)
        if len(term_digits) >= MIN_DIGITS_FOR_NUMBER_SEARCH:
            clause += f" OR {_NUMBER_TERM}"
            params.append(f"%{term_digits}%")
        clauses.append(clause + ")")
    return " WHERE " + " AND ".join(clauses), params


class PeopleReader:
    """Read-only queries on one connection owned by the thread that created it (the GUI)."""

    def __init__(self, database: Path) -> None:
        self._connection = connect_read_only(database)

    def close(self) -> None:
        self._connection.close()

    def count(self, query: str = "") -> int:
        where, params = build_where(query)
        row = self._connection.execute(_COUNT + where, params).fetchone()
        return int(row[0])

    def search(self, query: str = "", *, limit: int = 100, offset: int = 0) -> list[PersonRow]:
        """People matching ``query`` (everyone when empty), sorted by name."""
        where, params = build_where(query)
        cursor = self._connection.execute(_SELECT + where + _ORDER, [*params, limit, offset])
        return [
            PersonRow(
                id=row[0],
                name=row[1],
                title=row[2],
                account=row[3],
                email=row[4],
                phone_e164=row[5] or "",
                phone_extension=row[6],
                do_not_contact=bool(row[7]),
            )
            for row in cursor
        ]

    def is_do_not_contact(self, person_id: int) -> bool:
        """The person's do-not-contact flag, read fresh before every dial (CallService)."""
        row = self._connection.execute(
            "SELECT do_not_contact FROM people WHERE id = ?", (person_id,)
        ).fetchone()
        return bool(row is not None and row[0])
