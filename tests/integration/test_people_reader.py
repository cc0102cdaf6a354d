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
