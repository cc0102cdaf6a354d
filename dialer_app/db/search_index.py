"""The people search index: FTS5 trigram tables, brought up to date before every commit.

Why trigram: reps type fragments ("ali", "acme", "5551234", "+44 20 7183"), so every
column must match substrings, not just word prefixes. ``people_search`` holds each
person's name, email and account name (rowid = person id); ``people_search_numbers`` the
digits of each number (rowid = phone number id); ``people_search_words`` the same text as
words, with prefix indexes, for one- and two-letter searches and accent-free matching.

Why not triggers that write the index: an FTS5 insert run from a trigger costs ~45 µs
(FTS5 flushes its pending terms at every statement savepoint) against ~6 µs in one
set-based statement, and even a trigger that only notes the row costs ~17 µs: together
most of a 100,000-row import. So new rows are found by id (ids only grow: rows above
``people_search_state``'s marks are new), updates are noted by triggers in
``people_search_pending`` (rare), and :func:`flush_pending` indexes both, set-based, on
every commit through the app's engine (``engine.py``) and at the end of the migration.
Deletes remove index rows directly in their trigger, and lower a mark when SQLite could
hand the deleted id out again.
"""

from __future__ import annotations

from typing import Any, Protocol

SEARCH_TABLE = "people_search"

_PERSON = "'person'"
_NUMBER = "'number'"
_PEOPLE_UPTO = "(SELECT people_upto FROM people_search_state)"
_NUMBERS_UPTO = "(SELECT numbers_upto FROM people_search_state)"

CREATE_STATEMENTS: tuple[str, ...] = (
    # the people list's order, so a page of "everyone" or of "jo" is an index walk
    "CREATE INDEX people_search_by_name"
    " ON people (first_name COLLATE NOCASE, last_name COLLATE NOCASE, id)",
    "CREATE VIRTUAL TABLE people_search USING fts5(name, email, account, tokenize = 'trigram')",
    "CREATE VIRTUAL TABLE people_search_numbers USING fts5(digits, tokenize = 'trigram')",
    # word starts for one- and two-letter searches (trigrams need three), accents folded
    "CREATE VIRTUAL TABLE people_search_words USING fts5("
    "name, email, account, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2',"
    " detail = 'none')",  # one-word prefix queries only: no positions needed
    # rows above these ids are new since the last flush (ids only grow; see the deletes)
    "CREATE TABLE people_search_state ("
    "people_upto INTEGER NOT NULL, numbers_upto INTEGER NOT NULL)",
    "INSERT INTO people_search_state VALUES (0, 0)",
    # rows at or below them that changed
    "CREATE TABLE people_search_pending ("
    "kind TEXT NOT NULL, row_id INTEGER NOT NULL, PRIMARY KEY (kind, row_id)) WITHOUT ROWID",
    "CREATE TRIGGER people_search_person_changed"
    " AFTER UPDATE OF first_name, last_name, email, account_id ON people BEGIN"
    f" INSERT OR IGNORE INTO people_search_pending VALUES ({_PERSON}, NEW.id); END",
    "CREATE TRIGGER people_search_account_renamed AFTER UPDATE OF name ON accounts BEGIN"
    f" INSERT OR IGNORE INTO people_search_pending SELECT {_PERSON}, id FROM people"
    " WHERE account_id = NEW.id; END",
    "CREATE TRIGGER people_search_number_changed AFTER UPDATE OF digits ON phone_numbers BEGIN"
    f" INSERT OR IGNORE INTO people_search_pending VALUES ({_NUMBER}, NEW.id); END",
    # SQLite reuses the largest id once its row is gone: then lower the mark to match
    "CREATE TRIGGER people_search_person_removed AFTER DELETE ON people BEGIN"
    " DELETE FROM people_search WHERE rowid = OLD.id;"
    " DELETE FROM people_search_words WHERE rowid = OLD.id;"
    " UPDATE people_search_state SET people_upto ="
    " min(people_upto, (SELECT coalesce(max(id), 0) FROM people)); END",
    "CREATE TRIGGER people_search_number_removed AFTER DELETE ON phone_numbers BEGIN"
    " DELETE FROM people_search_numbers WHERE rowid = OLD.id;"
    " UPDATE people_search_state SET numbers_upto ="
    " min(numbers_upto, (SELECT coalesce(max(id), 0) FROM phone_numbers)); END",
)

HAS_PENDING = (
    "SELECT EXISTS (SELECT 1 FROM people_search_pending)"
    f" OR (SELECT max(id) FROM people) > {_PEOPLE_UPTO}"
    f" OR (SELECT max(id) FROM phone_numbers) > {_NUMBERS_UPTO}"
)
_PEOPLE_ROWS = (
    " SELECT p.id, trim(p.first_name || ' ' || p.last_name), coalesce(p.email, ''),"
    " coalesce(a.name, '') FROM people p LEFT JOIN accounts a ON a.id = p.account_id"
)
_CHANGED_PEOPLE = (
    f"SELECT row_id FROM people_search_pending WHERE kind = {_PERSON} AND row_id <= {_PEOPLE_UPTO}"
)
_CHANGED_NUMBERS = (
    f"SELECT row_id FROM people_search_pending WHERE kind = {_NUMBER} AND row_id <= {_NUMBERS_UPTO}"
)


def _people_statements(table: str) -> tuple[str, ...]:
    return (
        f"DELETE FROM {table} WHERE rowid IN ({_CHANGED_PEOPLE}) OR rowid > {_PEOPLE_UPTO}",
        f"INSERT INTO {table}(rowid, name, email, account){_PEOPLE_ROWS}"
        f" WHERE p.id IN ({_CHANGED_PEOPLE}) OR p.id > {_PEOPLE_UPTO}",
    )


FLUSH_STATEMENTS: tuple[str, ...] = (
    *_people_statements("people_search"),
    *_people_statements("people_search_words"),
    "DELETE FROM people_search_numbers"
    f" WHERE rowid IN ({_CHANGED_NUMBERS}) OR rowid > {_NUMBERS_UPTO}",
    "INSERT INTO people_search_numbers(rowid, digits) SELECT n.id, n.digits"
    f" FROM phone_numbers n WHERE n.id IN ({_CHANGED_NUMBERS}) OR n.id > {_NUMBERS_UPTO}",
    "UPDATE people_search_state SET"
    " people_upto = (SELECT coalesce(max(id), 0) FROM people),"
    " numbers_upto = (SELECT coalesce(max(id), 0) FROM phone_numbers)",
    "DELETE FROM people_search_pending",
)

DROP_STATEMENTS: tuple[str, ...] = (
    "DROP TRIGGER IF EXISTS people_search_number_removed",
    "DROP TRIGGER IF EXISTS people_search_number_changed",
    "DROP TRIGGER IF EXISTS people_search_account_renamed",
    "DROP TRIGGER IF EXISTS people_search_person_removed",
    "DROP TRIGGER IF EXISTS people_search_person_changed",
    "DROP TABLE IF EXISTS people_search_pending",
    "DROP TABLE IF EXISTS people_search_state",
    "DROP TABLE IF EXISTS people_search_words",
    "DROP TABLE IF EXISTS people_search_numbers",
    "DROP TABLE IF EXISTS people_search",
    "DROP INDEX IF EXISTS people_search_by_name",
)


class Cursor(Protocol):
    """The part of a DB-API cursor used here (``sqlite3.Cursor`` fits)."""

    def execute(self, sql: str, /) -> Any: ...


def flush_pending(cursor: Cursor) -> None:
    """Index what changed since the last flush, inside the caller's transaction."""
    if not cursor.execute(HAS_PENDING).fetchone()[0]:
        return
    for statement in FLUSH_STATEMENTS:
        cursor.execute(statement)


def include_in_autogenerate(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic's ``include_name`` hook: leave out the FTS5 tables, their shadow tables,
    the queue and the name-order index (raw SQL in 0004, not in the ORM models)."""
    return not (type_ in ("table", "index") and bool(name) and str(name).startswith(SEARCH_TABLE))
