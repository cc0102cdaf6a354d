"""How a people search runs: what the rep typed, as SQL over the FTS5 index and the tables.

Every typed word must match (name, email, account, or a number's digits). One word, the
most selective, *drives* the query through its full-text index (``search_index.py``);
the others are checked row by row. Then one of two shapes gives a page in name order:

* few matches (the usual case): take them from the index and sort them;
* very many (a letter, an area code): walk the people in name order and keep the first
  page that passes every word's row check, so nothing sorts tens of thousands of rows.

Word kinds: three characters or more match anywhere (trigram index: "hompso" finds
Thompson); one or two match the start of a word ("jo" finds John, jo@…); digits also
match any number's digits, a leading trunk "0" optional ("020 7183" finds +44 20 7183…);
a number written in groups is one number, beside words too ("mia 020 7183").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby

from dialer_app.domain.phone import digits_only

TRIGRAM = 3
MIN_DIGITS_FOR_NUMBER_SEARCH = 3
WALK_FROM = 8000
"""Driver matches from which walking in name order beats sorting (measured on 100,000)."""

_NUMBER_LIKE = re.compile(r"[\d\s+\-().]+")

_TEXT_OF = (
    "lower(p.first_name || ' ' || p.last_name || ' ' || coalesce(p.email, '')"
    " || ' ' || coalesce(a.name, ''))"
)
# where a word starts, column by column: "s" finds Smith, Mary Sue, ann.s@, @sales, Soylent
_WORD_STARTS = (
    ("p.first_name", ("{}%", "% {}%", "%-{}%")),
    ("p.last_name", ("{}%", "% {}%", "%-{}%")),
    ("p.email", ("{}%", "%.{}%", "%@{}%", "%-{}%", "%\\_{}%")),
    ("a.name", ("{}%", "% {}%", "%-{}%")),
)
_WORD_START_SQL = (
    "("
    + " OR ".join(f"{column} LIKE ? ESCAPE '\\'" for column, shapes in _WORD_STARTS for _ in shapes)
    + ")"
)

_TEXT_INDEX = "SELECT rowid AS id FROM people_search WHERE people_search MATCH ?"
_WORD_INDEX = "SELECT rowid AS id FROM people_search_words WHERE people_search_words MATCH ?"
_NUMBER_INDEX = (
    "SELECT n.person_id AS id FROM people_search_numbers f"
    " JOIN phone_numbers n ON n.id = f.rowid WHERE people_search_numbers MATCH ?"
)


@dataclass(frozen=True)
class Term:
    """One typed word: how to find its people through an index, and how to check a row."""

    index_sql: str
    index_params: tuple[str, ...]
    row_sql: str
    row_params: tuple[str, ...]
    selectivity: tuple[int, int]
    """Bigger drives better: (uses the trigram or number index, length)."""
    cheap_row_check: bool = False
    """The row check costs less than collecting every match first (a person's numbers)."""


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _digit_variants(digits: str) -> tuple[str, ...]:
    """The digits, and without a national trunk "0" (not part of E.164)."""
    national = digits.lstrip("0")
    return (digits, national) if national != digits and len(national) >= TRIGRAM else (digits,)


def _number_term(digits: str, *, also_text: bool) -> Term:
    variants = _digit_variants(digits)
    expression = " OR ".join(_phrase(v) for v in variants)
    in_numbers = " OR ".join("instr(n.digits, ?) > 0" for _ in variants)
    row = f"EXISTS (SELECT 1 FROM phone_numbers n WHERE n.person_id = p.id AND ({in_numbers}))"
    row_params: tuple[str, ...] = tuple(variants)
    index_sql = _NUMBER_INDEX
    index_params_: tuple[str, ...] = (expression,)
    if also_text:  # "3M": a number fragment, or part of a name
        row = f"(instr({_TEXT_OF}, ?) > 0 OR {row})"
        row_params = (digits, *variants)
        index_sql = f"{_TEXT_INDEX} UNION ALL {_NUMBER_INDEX}"
        index_params_ = (_phrase(digits), expression)
    return Term(index_sql, index_params_, row, row_params, (1, len(digits)), not also_text)


def _word_term(word: str) -> Term:
    lowered = word.lower()
    if len(word) < TRIGRAM:  # trigrams need three characters: the start of a word
        escaped = escape_like(lowered)
        starts = tuple(shape.format(escaped) for _, shapes in _WORD_STARTS for shape in shapes)
        return Term(_WORD_INDEX, (_phrase(word) + "*",), _WORD_START_SQL, starts, (0, len(word)))
    return Term(
        _TEXT_INDEX, (_phrase(word),), f"instr({_TEXT_OF}, ?) > 0", (lowered,), (1, len(word))
    )


def parse_query(query: str) -> list[Term] | None:
    """The terms to match, ``None`` for everyone (an empty query), ``[]`` for nothing."""
    # FTS5 reads its query up to a NUL (a pasted one): the phrase's closing quote was lost
    query = query.replace("\x00", " ").strip()
    if not query:
        return None
    digits = _number_digits(query)
    if _NUMBER_LIKE.fullmatch(query) and len(digits) >= MIN_DIGITS_FOR_NUMBER_SEARCH:
        return [_number_term(digits, also_text=False)]  # "+44 20 7183": one number
    terms = []
    for is_number, run in groupby(query.split(), key=_is_number_word):
        words = list(run)
        if is_number and (len(words) > 1 or not words[0].isdigit()):
            # "mia 020 7183", "+44 (0)20 7183 mia": the number's words are one number, as
            # when the number is typed alone (its trunk "0" alone is too short to search)
            digits = _number_digits(" ".join(words))
            if len(digits) >= MIN_DIGITS_FOR_NUMBER_SEARCH:
                terms.append(_number_term(digits, also_text=False))
                continue
        for word in words:
            if not any(ch.isalnum() for ch in word):
                continue  # punctuation alone matches nothing and filters nothing
            if word.isdigit() and len(word) >= MIN_DIGITS_FOR_NUMBER_SEARCH:
                terms.append(_number_term(word, also_text=True))
            else:
                terms.append(_word_term(word))
    return terms


def _number_digits(text: str) -> str:
    """The digits of a written number; "+44 (0)20 7183": the UK's written trunk zero is
    not dialled after the country code."""
    return digits_only(text.replace("(0)", ""))


def _is_number_word(word: str) -> bool:
    return bool(_NUMBER_LIKE.fullmatch(word)) and any(ch.isdigit() for ch in word)


@dataclass(frozen=True)
class Plan:
    """A parsed query with its driving term chosen."""

    driver: Term
    others: tuple[Term, ...]

    @classmethod
    def of(cls, terms: list[Term]) -> Plan:
        """Words of three letters or more are one trigram lookup ("tyrell" AND "gmbh":
        FTS5 intersects them itself); the most selective term drives."""
        text = [term for term in terms if term.index_sql == _TEXT_INDEX]
        rest = [term for term in terms if term.index_sql != _TEXT_INDEX]
        if len(text) > 1:
            merged = Term(
                _TEXT_INDEX,
                (" AND ".join(term.index_params[0] for term in text),),
                " AND ".join(term.row_sql for term in text),
                tuple(param for term in text for param in term.row_params),
                max(term.selectivity for term in text),
            )
            rest.append(merged)
        else:
            rest += text
        ordered = sorted(rest, key=lambda term: term.selectivity, reverse=True)
        return cls(ordered[0], tuple(ordered[1:]))

    def _checks(self, terms: tuple[Term, ...]) -> tuple[str, list[object]]:
        if not terms:
            return "", []
        sql = " WHERE " + " AND ".join(term.row_sql for term in terms)
        return sql, [param for term in terms for param in term.row_params]

    def driver_rows(self, limit: int) -> tuple[str, list[object]]:
        """How many rows the driving index yields, up to ``limit`` (cheap: no joins)."""
        sql = f"SELECT count(*) FROM (SELECT 1 FROM ({self.driver.index_sql}) LIMIT ?)"
        return sql, [*self.driver.index_params, limit]

    def matches(self) -> tuple[str, list[object]]:
        """FROM ... WHERE for the matching people, starting from the driver's index."""
        checks, params = self._checks(self.others)
        sql = (
            f" FROM (SELECT DISTINCT id FROM ({self.driver.index_sql})) s"
            " CROSS JOIN people p ON p.id = s.id LEFT JOIN accounts a ON a.id = p.account_id"
            + checks
        )
        return sql, [*self.driver.index_params, *params]

    def walk(self) -> tuple[str, list[object]]:
        """FROM ... WHERE for the matching people in name order: the name index is walked
        and each entry's id looked up in the driver's matches (no table row is read until
        it matches), the other words checked on the rows that do. A number fragment is
        checked on the person's own numbers instead ("404" would collect 40,000 ids)."""
        source = (
            " FROM people p INDEXED BY people_search_by_name"
            " LEFT JOIN accounts a ON a.id = p.account_id"
        )
        if self.driver.cheap_row_check:
            checks, params = self._checks((self.driver, *self.others))
            return source + checks, params
        checks, params = self._checks(self.others)
        checks = checks.replace(" WHERE ", " AND ", 1)
        sql = f"{source} WHERE p.id IN ({self.driver.index_sql}){checks}"
        return sql, [*self.driver.index_params, *params]

    def driver_matches(self, limit: int) -> tuple[str, list[object]]:
        """How many people the driver alone finds, up to ``limit`` (one-word queries)."""
        sql = f"SELECT count(*) FROM (SELECT DISTINCT id FROM ({self.driver.index_sql}) LIMIT ?)"
        return sql, [*self.driver.index_params, limit]
