"""The people search index: FTS5 trigram tables, brought up to date before every commit.

Why trigram: reps type fragments ("ali", "acme", "5551234", "+44 20 7183"), so every
column must match substrings, not just word prefixes. ``people_search`` holds each
person's name, email and account name (rowid = person id); ``people_search_numbers`` the
digits of each number (rowid = phone number id); ``people_search_words`` the same text as
words, with prefix indexes, for one- and two-letter searches and accent-free matching.

Why a queue instead of triggers that write the index: an FTS5 insert run from a trigger
costs ~45 µs (FTS5 flushes its pending terms at every statement savepoint) against ~6 µs
in one set-based statement, which decided whether a 100,000-row import takes 3 or 12
seconds. So cheap triggers only note which rows changed in ``people_search_pending``, and
:func:`flush_pending` runs, set-based, on every commit through the app's engine
(``engine.py``) and at the end of the migration. Deletes still
remove index rows directly in their trigger (rare, and a row is never left dangling).
"""

from __future__ import annotations

from typing import Any, Protocol

SEARCH_TABLE = "people_search"

_PERSON = "'person'"
_NUMBER = "'number'"

CREATE_STATEMENTS: tuple[str, ...] = (
    # the people list's order, so a page of "everyone" or of "jo" is an index walk
    "CREATE INDEX people_search_by_name"
    " ON people (first_name COLLATE NOCASE, last_name COLLATE NOCASE, id)",
    "CREATE VIRTUAL TABLE people_search USING fts5(name, email, account, tokenize = 'trigram')",
    "CREATE VIRTUAL TABLE people_search_numbers USING fts5(digits, tokenize = 'trigram')",
    # word starts for one- and two-letter searches (trigrams need three), accents folded
    "CREATE VIRTUAL TABLE people_search_words USING fts5("
    "name, email, account, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2')",
    "CREATE TABLE people_search_pending ("
    "kind TEXT NOT NULL, row_id INTEGER NOT NULL, PRIMARY KEY (kind, row_id)) WITHOUT ROWID",
    "CREATE TRIGGER people_search_person_added AFTER INSERT ON people BEGIN"
    f" INSERT OR IGNORE INTO people_search_pending VALUES ({_PERSON}, NEW.id); END",
    "CREATE TRIGGER people_search_person_changed"
    " AFTER UPDATE OF first_name, last_name, email, account_id ON people BEGIN"
    f" INSERT OR IGNORE INTO people_search_pending VALUES ({_PERSON}, NEW.id); END",
    "CREATE TRIGGER people_search_person_removed AFTER DELETE ON people BEGIN"
    " DELETE FROM people_search WHERE rowid = OLD.id;"
    " DELETE FROM people_search_words WHERE rowid = OLD.id; END",
    "CREATE TRIGGER people_search_account_renamed AFTER UPDATE OF name ON accounts BEGIN"
    f" INSERT OR IGNORE INTO people_search_pending SELECT {_PERSON}, id FROM people"
    " WHERE account_id = NEW.id; END",
    "CREATE TRIGGER people_search_number_added AFTER INSERT ON phone_numbers BEGIN"
    f" INSERT OR IGNORE INTO people_search_pending VALUES ({_NUMBER}, NEW.id); END",
    "CREATE TRIGGER people_search_number_changed AFTER UPDATE OF digits ON phone_numbers BEGIN"
    f" INSERT OR IGNORE INTO people_search_pending VALUES ({_NUMBER}, NEW.id); END",
    "CREATE TRIGGER people_search_number_removed AFTER DELETE ON phone_numbers BEGIN"
    " DELETE FROM people_search_numbers WHERE rowid = OLD.id; END",
    # what was stored before the index existed
    f"INSERT INTO people_search_pending SELECT {_PERSON}, id FROM people",
    f"INSERT INTO people_search_pending SELECT {_NUMBER}, id FROM phone_numbers",
)

HAS_PENDING = "SELECT 1 FROM people_search_pending LIMIT 1"
_PENDING_PEOPLE = (
    " SELECT p.id, trim(p.first_name || ' ' || p.last_name), coalesce(p.email, ''),"
    " coalesce(a.name, '')"
    f" FROM people_search_pending q JOIN people p ON q.kind = {_PERSON} AND p.id = q.row_id"
    " LEFT JOIN accounts a ON a.id = p.account_id"
)

FLUSH_STATEMENTS: tuple[str, ...] = (
    "DELETE FROM people_search WHERE rowid IN"
    f" (SELECT row_id FROM people_search_pending WHERE kind = {_PERSON})",
    "INSERT INTO people_search(rowid, name, email, account)" + _PENDING_PEOPLE,
    "DELETE FROM people_search_words WHERE rowid IN"
    f" (SELECT row_id FROM people_search_pending WHERE kind = {_PERSON})",
    "INSERT INTO people_search_words(rowid, name, email, account)" + _PENDING_PEOPLE,
    "DELETE FROM people_search_numbers WHERE rowid IN"
    f" (SELECT row_id FROM people_search_pending WHERE kind = {_NUMBER})",
    "INSERT INTO people_search_numbers(rowid, digits) SELECT n.id, n.digits"
    f" FROM people_search_pending q JOIN phone_numbers n ON q.kind = {_NUMBER}"
    " AND n.id = q.row_id",
    "DELETE FROM people_search_pending",
)

DROP_STATEMENTS: tuple[str, ...] = (
    "DROP TRIGGER IF EXISTS people_search_number_removed",
    "DROP TRIGGER IF EXISTS people_search_number_changed",
    "DROP TRIGGER IF EXISTS people_search_number_added",
    "DROP TRIGGER IF EXISTS people_search_account_renamed",
    "DROP TRIGGER IF EXISTS people_search_person_removed",
    "DROP TRIGGER IF EXISTS people_search_person_changed",
    "DROP TRIGGER IF EXISTS people_search_person_added",
    "DROP TABLE IF EXISTS people_search_pending",
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
    if cursor.execute(HAS_PENDING).fetchone() is None:
        return
    for statement in FLUSH_STATEMENTS:
        cursor.execute(statement)


def is_search_index_table(name: str | None) -> bool:
    """The FTS5 tables, their shadow tables, the queue and the name-order index."""
    return bool(name) and str(name).startswith(SEARCH_TABLE)
