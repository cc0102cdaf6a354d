"""The nasty CSV files of tests/data/nasty_csv/ imported into the real demo database."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from dialer_app.db.models import Person
from dialer_app.db.people_import import OnDuplicate, import_people
from tests.integration.test_people_import import snapshot
from tests.unit.test_nasty_csv import CASES, parse_file

if TYPE_CHECKING:
    from dialer_app.app import AppContext


@pytest.fixture
def sessions(context: AppContext) -> sessionmaker[Session]:
    return context.database.sessions


@pytest.mark.parametrize("name", sorted(CASES))
def test_reimporting_a_nasty_file_changes_nothing(
    sessions: sessionmaker[Session], name: str
) -> None:
    first = import_people(sessions, parse_file(name), on_duplicate="update")
    assert first.created > 0
    before = snapshot(sessions)
    modes: tuple[OnDuplicate, ...] = ("skip", "update")
    for mode in modes:
        again = import_people(sessions, parse_file(name), on_duplicate=mode)
        assert (again.created, again.updated, again.skipped) == (0, 0, first.imported), mode
        assert again.problems == first.problems
        assert snapshot(sessions) == before, mode


@pytest.mark.parametrize(
    ("mode", "counts", "dana_numbers", "ava_title"),
    [
        # Dana twice by email (other case), Fox twice by number (other format), Ava's demo
        # number: a skip keeps what is stored ...
        ("skip", (2, 0, 3), ["+12025550199"], "VP Sales"),
        # ... an update adds Dana's second number and Ava's new title (Fox has nothing new) ...
        ("update", (2, 2, 1), ["+12025550199", "+12025550197"], "Head of Operations"),
        # ... and "create new" makes a person of every row.
        ("create", (5, 0, 0), ["+12025550199"], "VP Sales"),
    ],
)
def test_duplicates_by_email_and_by_number(
    sessions: sessionmaker[Session],
    mode: OnDuplicate,
    counts: tuple[int, int, int],
    dana_numbers: list[str],
    ava_title: str,
) -> None:
    report = import_people(sessions, parse_file("duplicates.csv"), on_duplicate=mode)
    assert (report.created, report.updated, report.skipped) == counts
    assert report.problems == []
    with sessions() as session:
        dana = session.scalars(
            select(Person).where(Person.email == "dana@fbi.example").order_by(Person.id)
        ).first()
        assert dana is not None
        assert [n.e164 for n in dana.phone_numbers] == dana_numbers
        ava = session.scalars(
            select(Person).where(Person.first_name == "Ava").order_by(Person.id)
        ).first()
        assert ava is not None and ava.title == ava_title
        mulders = session.scalar(select(func.count(Person.id)).where(Person.last_name == "Mulder"))
        assert mulders == (2 if mode == "create" else 1)
