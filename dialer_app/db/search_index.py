"""The people search index: one FTS5 trigram row per person, kept current by triggers.

Why trigram: reps type fragments ("ali", "acme", "5551234", "+44 20 7183"), so every
column must match substrings, not just word prefixes. Each row holds the person's
name, email, account name and the digits of every number; triggers on ``people``,
``phone_numbers`` and ``accounts`` rewrite the row whenever one of those changes, so
no writer has to remember the index. The migration (0004) creates it with this SQL.
"""

from __future__ import annotations

SEARCH_TABLE = "people_search"

_ROW_FOR = """
INSERT INTO people_search(rowid, name, email, account, digits)
SELECT p.id,
       trim(p.first_name || ' ' || p.last_name),
       coalesce(p.email, ''),
       coalesce((SELECT a.name FROM accounts a WHERE a.id = p.account_id), ''),
       coalesce((SELECT group_concat(n.digits, ' ') FROM phone_numbers n
                  WHERE n.person_id = p.id), '')
FROM people p WHERE {where};
"""


def _refresh(person_id: str) -> str:
    return f" DELETE FROM people_search WHERE rowid = {person_id};" + _ROW_FOR.format(
        where=f"p.id = {person_id}"
    )


CREATE_STATEMENTS: tuple[str, ...] = (
    # the people list's order, so a page of "everyone" or of "jo" is an index walk
    "CREATE INDEX people_search_by_name"
    " ON people (first_name COLLATE NOCASE, last_name COLLATE NOCASE, id)",
    "CREATE VIRTUAL TABLE people_search USING fts5("
    "name, email, account, digits, tokenize = 'trigram')",
    "CREATE TRIGGER people_search_person_added AFTER INSERT ON people BEGIN"
    + _refresh("NEW.id")
    + " END",
    "CREATE TRIGGER people_search_person_changed"
    " AFTER UPDATE OF first_name, last_name, email, account_id ON people BEGIN"
    + _refresh("NEW.id")
    + " END",
    "CREATE TRIGGER people_search_person_removed AFTER DELETE ON people BEGIN"
    " DELETE FROM people_search WHERE rowid = OLD.id; END",
    "CREATE TRIGGER people_search_number_added AFTER INSERT ON phone_numbers BEGIN"
    + _refresh("NEW.person_id")
    + " END",
    "CREATE TRIGGER people_search_number_changed"
    " AFTER UPDATE OF digits, person_id ON phone_numbers BEGIN"
    + _refresh("OLD.person_id")
    + _refresh("NEW.person_id")
    + " END",
    "CREATE TRIGGER people_search_number_removed AFTER DELETE ON phone_numbers BEGIN"
    + _refresh("OLD.person_id")
    + " END",
    "CREATE TRIGGER people_search_account_renamed AFTER UPDATE OF name ON accounts BEGIN"
    " DELETE FROM people_search WHERE rowid IN"
    " (SELECT id FROM people WHERE account_id = NEW.id);"
    + _ROW_FOR.format(where="p.account_id = NEW.id")
    + " END",
    # people already stored when the index is created
    "INSERT INTO people_search(people_search, rank) VALUES ('automerge', 8)",
    _ROW_FOR.format(where="1").rstrip().rstrip(";"),
)

DROP_STATEMENTS: tuple[str, ...] = (
    "DROP TRIGGER IF EXISTS people_search_account_renamed",
    "DROP TRIGGER IF EXISTS people_search_number_removed",
    "DROP TRIGGER IF EXISTS people_search_number_changed",
    "DROP TRIGGER IF EXISTS people_search_number_added",
    "DROP TRIGGER IF EXISTS people_search_person_removed",
    "DROP TRIGGER IF EXISTS people_search_person_changed",
    "DROP TRIGGER IF EXISTS people_search_person_added",
    "DROP TABLE IF EXISTS people_search",
    "DROP INDEX IF EXISTS people_search_by_name",
)


def is_search_index_table(name: str | None) -> bool:
    """The FTS5 table, its shadow tables and the name-order index: not in the ORM models."""
    return bool(name) and str(name).startswith(SEARCH_TABLE)
