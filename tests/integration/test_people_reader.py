from __future__ import annotations

from pathlib import Path

import pytest

from dialer_app.db.database import open_database
from dialer_app.db.people_reader import PeopleReader
from dialer_app.demo.seed import seed_demo


@pytest.fixture
def reader(tmp_path: Path) -> PeopleReader:
    database = open_database(tmp_path / "db.sqlite3")
    with database.sessions.begin() as session:
        seed_demo(session)
    return database.people_reader()


def names(reader: PeopleReader, query: str) -> list[str]:
    return [row.name for row in reader.search(query)]


def test_everyone_sorted_by_name(reader: PeopleReader) -> None:
    everyone = names(reader, "")
    assert len(everyone) == reader.count("") == 25
    assert everyone == sorted(everyone, key=str.lower)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ava", ["Ava Thompson"]),
        ("AVA THOMPSON", ["Ava Thompson"]),
        ("globex", ["Emma Rodriguez", "Frank Miller", "Grace Kim", "Henry Walker"]),
        ("lena.schmidt@", ["Lena Schmidt"]),
        ("5550486", ["Ben Carter"]),
        ("+44 20 7183", ["Mia Hughes"]),
        ("(404) 555-0199", ["Daniel Brooks"]),
        ("ava acme", ["Ava Thompson"]),
        ("mia 020 7183", ["Mia Hughes"]),  # a number among words: written as a number
        ("+44 (0)20 7183 hughes", ["Mia Hughes"]),
        ("acme (404) 555-0199", ["Daniel Brooks"]),
        ("nobody-here", []),
        ("50%_", []),
    ],
)
def test_search_by_name_email_account_or_digits(
    reader: PeopleReader, query: str, expected: list[str]
) -> None:
    assert names(reader, query) == expected
    assert reader.count(query) == len(expected)


def test_rows_carry_the_first_number_and_extension(reader: PeopleReader) -> None:
    (ava,) = reader.search("ava")
    assert ava.phone_e164 == "+14045550100"
    assert ava.phone_extension == "204"
    assert ava.account == "Acme Logistics"


def test_paging(reader: PeopleReader) -> None:
    first = reader.search("", limit=10)
    second = reader.search("", limit=10, offset=10)
    assert len(first) == len(second) == 10
    assert not {r.id for r in first} & {r.id for r in second}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("020 7183", ["Mia Hughes"]),  # national format: the trunk 0 is not in E.164
        ("b", ["Ben Carter"]),  # 1-2 letters: start of a first/last name, email or account
        ("ca", ["Ben Carter"]),
        ("av th", ["Ava Thompson"]),
        ("thomp", ["Ava Thompson"]),  # 3+ letters: anywhere, through the trigram index
        ("hompso", ["Ava Thompson"]),
        ('"quoted', []),  # FTS5 syntax characters are searched as text, never an error
        ("a* OR b", []),
        ("ava\x00acme", ["Ava Thompson"]),  # a NUL in pasted text separates words
        ("a\x00", ["Ava Thompson"]),
    ],
)
def test_short_and_odd_queries(reader: PeopleReader, query: str, expected: list[str]) -> None:
    found = names(reader, query)
    assert reader.count(query) == len(found)
    for name in expected:
        assert name in found
    if not expected:
        assert found == []


def test_counts_stop_at_the_cap(reader: PeopleReader) -> None:
    assert reader.count("a", cap=3) == 3
    assert reader.count("", cap=3) == 25  # everyone is cheap to count exactly


def test_lookups_by_id_number_and_account(reader: PeopleReader) -> None:
    (ben,) = reader.search("ben carter")
    assert reader.person(ben.id) == ben
    assert reader.person(999_999) is None
    numbers = reader.numbers(ben.id)
    assert [(n.kind, n.e164) for n in numbers] == [
        ("office", "+14045550486"),
        ("mobile", "+14045550102"),
    ]
    assert numbers[0].original == "(404) 555-0486"
    assert [p.name for p in reader.people_with_number("+14045550102")] == ["Ben Carter"]
    assert reader.people_with_number("+19999999999") == []
    (acme,) = reader.accounts("acme")
    assert (acme.name, acme.people) == ("Acme Logistics", 4)
    assert "Ben Carter" in [p.name for p in reader.people_at_account(acme.id)]


def test_the_index_follows_edits_renames_and_deletes(tmp_path: Path) -> None:
    from sqlalchemy import select

    from dialer_app.db.models import Account, Person, PhoneNumber

    database = open_database(tmp_path / "db.sqlite3")
    with database.sessions.begin() as session:
        seed_demo(session)
    reader = database.people_reader()
    with database.sessions.begin() as session:
        ben = session.scalars(select(Person).where(Person.first_name == "Ben")).one()
        ben.last_name = "Cartwright"
        ben.phone_numbers[1].e164, ben.phone_numbers[1].digits = "+14045559876", "14045559876"
        acme = session.scalars(select(Account).where(Account.name == "Acme Logistics")).one()
        acme.name = "Acme Freight"
    assert names(reader, "cartwright") == ["Ben Cartwright"]
    assert names(reader, "ben car") == ["Ben Cartwright"]
    assert names(reader, "5559876") == ["Ben Cartwright"]
    assert names(reader, "5550102") == []
    assert "Ben Cartwright" in names(reader, "freight")
    assert reader.search("ben cartw")[0].account == "Acme Freight"
    with database.sessions.begin() as session:
        number = session.scalars(select(PhoneNumber).where(PhoneNumber.e164 == "+14045550486"))
        session.delete(number.one())
        session.delete(session.scalars(select(Person).where(Person.first_name == "Ava")).one())
    assert names(reader, "5550486") == []
    assert names(reader, "ava") == []
    database.close()


def test_a_reused_id_is_indexed_again(tmp_path: Path) -> None:
    """SQLite hands out the largest id again once its row is deleted."""
    from sqlalchemy import func, select

    from dialer_app.db.models import Person, PhoneKind, PhoneNumber

    database = open_database(tmp_path / "db.sqlite3")
    with database.sessions.begin() as session:
        seed_demo(session)
    reader = database.people_reader()
    with database.sessions.begin() as session:
        last = session.scalars(select(Person).order_by(Person.id.desc()).limit(1)).one()
        last_id = last.id
        session.delete(last)
    with database.sessions.begin() as session:
        person = Person(first_name="Zebulon", last_name="Newcomer")
        person.phone_numbers.append(
            PhoneNumber(kind=PhoneKind.MOBILE, e164="+14045557777", digits="14045557777")
        )
        session.add(person)
        session.flush()
        assert person.id == last_id
        assert session.scalar(select(func.count()).select_from(Person)) == 25
    assert names(reader, "newcomer") == ["Zebulon Newcomer"]
    assert "Zebulon Newcomer" in names(reader, "ze")
    assert names(reader, "5557777") == ["Zebulon Newcomer"]
    database.close()


SHAPES_QUERIES = [
    "a",
    "b",
    "ca",
    "av th",
    "thomp",
    "acme",
    "acme lo",
    "globex r",
    "404",
    "555 ben",
    "+44 20",
    "020 7183",
    "m 020 7183",
    "ava acme",
    "e",
    "m h",
]


@pytest.mark.parametrize("query", SHAPES_QUERIES)
def test_walking_in_name_order_finds_what_sorting_finds(
    reader: PeopleReader, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The two query shapes (people_search.py) must agree; the demo team is too small to
    reach the walking threshold, so force each in turn."""
    from dialer_app.db import people_reader

    monkeypatch.setattr(people_reader, "WALK_FROM", 10**9)
    reader._last_plan = None
    sorted_rows = reader.search(query, limit=7), reader.search(query, limit=7, offset=7)
    sorted_count = reader.count(query)
    monkeypatch.setattr(people_reader, "WALK_FROM", 1)
    reader._last_plan = None
    walked_rows = reader.search(query, limit=7), reader.search(query, limit=7, offset=7)
    assert walked_rows == sorted_rows
    assert reader.count(query) == sorted_count
    assert sorted_rows[0], f"{query!r} should find someone in the demo team"
