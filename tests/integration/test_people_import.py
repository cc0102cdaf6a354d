from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from dialer_app.db import people_import
from dialer_app.db.bulk_load import BULK_INDEXES, restore_indexes
from dialer_app.db.models import Account, Person, PhoneKind, PhoneNumber
from dialer_app.db.people_import import import_people
from dialer_app.domain.csv_import import (
    ImportedPerson,
    RowProblem,
    guess_mapping,
    parse_table,
    read_csv,
)
from dialer_app.import_command import run_import

if TYPE_CHECKING:
    from dialer_app.app import AppContext

PEOPLE_CSV = """\
First Name,Last Name,Email Address,Company,Work Phone,Ext,Mobile Phone,Job Title,Colour
Jane,Doe,jane@newco.example,NewCo,(212) 555-0142,12,,VP Sales,red
John,Smith,john@newco.example,newco,+1 212 555 0143 x77,,,,
Oliver,Bennett,oliver@uk.example,ACME LOGISTICS,="+44 20 7946 0018",,+44 7911 123999,,
Ava,Thompson,AVA.THOMPSON@acme-logistics.example,Acme Logistics,(404) 555-0100,204,,,
Bad,Number,,,555,,,,
"""


@pytest.fixture(autouse=True, params=["batched", "bulk"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs in both modes: bulk mode (bulk_load.py) must not change what
    an import does, only how fast."""
    if request.param == "bulk":
        monkeypatch.setattr(people_import, "_bulk_mode", lambda _total, _stored: True)
    return str(request.param)


@pytest.fixture
def sessions(context: AppContext) -> sessionmaker[Session]:
    return context.database.sessions


@pytest.fixture
def people_csv(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_bytes(PEOPLE_CSV.encode())
    return path


def parsed(text: str = PEOPLE_CSV, region: str = "US") -> list[ImportedPerson | RowProblem]:
    table = read_csv(text.encode())
    return list(parse_table(table, guess_mapping(table.headers), region))


def by_email(session: Session, email: str) -> Person:
    return session.scalars(select(Person).where(Person.email == email)).one()


def snapshot(sessions: sessionmaker[Session]) -> dict[str, object]:
    """Everything an import could change: counts and every updated_at."""
    with sessions() as session:
        people = {u: t for u, t in session.execute(select(Person.uuid, Person.updated_at))}
        numbers = {
            u: t for u, t in session.execute(select(PhoneNumber.uuid, PhoneNumber.updated_at))
        }
        accounts = {u: t for u, t in session.execute(select(Account.uuid, Account.updated_at))}
    return {"people": people, "numbers": numbers, "accounts": accounts}


def test_import_counts_numbers_and_accounts(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        people_before = session.scalar(select(func.count(Person.id))) or 0
        accounts_before = session.scalar(select(func.count(Account.id))) or 0

    report = import_people(sessions, parsed())

    assert (report.created, report.updated, report.skipped) == (3, 0, 1)
    assert [str(p) for p in report.problems] == [
        "row 6: “555” is too short for a number in the United States: "
        "check it, or add the country code (for example +44 for the UK)."
    ]
    assert not report.cancelled
    with sessions() as session:
        assert session.scalar(select(func.count(Person.id))) == people_before + 3
        # NewCo is created once and shared; ACME LOGISTICS reuses the demo account.
        assert session.scalar(select(func.count(Account.id))) == accounts_before + 1
        jane = by_email(session, "jane@newco.example")
        john = by_email(session, "john@newco.example")
        oliver = by_email(session, "oliver@uk.example")
        assert jane.account is not None and jane.account.name == "NewCo"
        assert john.account_id == jane.account_id
        assert oliver.account is not None and oliver.account.name == "Acme Logistics"
        assert jane.title == "VP Sales"
        assert [
            (n.kind, n.e164, n.extension, n.original, n.digits) for n in jane.phone_numbers
        ] == [("office", "+12125550142", "12", "(212) 555-0142", "12125550142")]
        assert [(n.e164, n.extension) for n in john.phone_numbers] == [("+12125550143", "77")]
        assert [(n.kind, n.e164, n.original, n.position) for n in oliver.phone_numbers] == [
            ("office", "+442079460018", "+44 20 7946 0018", 0),
            ("mobile", "+447911123999", "+44 7911 123999", 1),
        ]


def test_reimport_changes_nothing(sessions: sessionmaker[Session]) -> None:
    import_people(sessions, parsed())
    before = snapshot(sessions)
    for mode in ("skip", "update"):
        report = import_people(sessions, parsed(), on_duplicate=mode)
        assert (report.created, report.updated, report.skipped) == (0, 0, 4), mode
        assert len(report.problems) == 1
        assert snapshot(sessions) == before, mode


def test_update_changes_only_what_differs(sessions: sessionmaker[Session]) -> None:
    import_people(sessions, parsed())
    with sessions() as session:
        oliver_stamp = by_email(session, "oliver@uk.example").updated_at
        jane_stamp = by_email(session, "jane@newco.example").updated_at
    changed = PEOPLE_CSV.replace(",VP Sales,", ",CEO,")
    report = import_people(sessions, parsed(changed), on_duplicate="update")
    assert (report.created, report.updated, report.skipped) == (0, 1, 3)
    with sessions() as session:
        jane = by_email(session, "jane@newco.example")
        assert jane.title == "CEO"
        assert jane.updated_at > jane_stamp
        assert by_email(session, "oliver@uk.example").updated_at == oliver_stamp


def test_duplicate_by_number_and_update_adds_numbers(sessions: sessionmaker[Session]) -> None:
    # Ava's demo number, no email: matched by E.164; the new mobile is appended.
    text = "Name,Phone,Mobile\nAva T,404.555.0100,(404) 555-0177\n"
    report = import_people(sessions, parsed(text), on_duplicate="update")
    assert (report.created, report.updated) == (0, 1)
    with sessions() as session:
        ava = by_email(session, "ava.thompson@acme-logistics.example")
        assert ava.first_name == "Ava"  # "Ava T" split into first "Ava", last "T"
        assert ava.last_name == "T"
        assert ava.phone_numbers[-1].e164 == "+14045550177"
        assert ava.phone_numbers[-1].kind == "mobile"


def test_create_mode_makes_duplicates(sessions: sessionmaker[Session]) -> None:
    report = import_people(sessions, parsed(), on_duplicate="create")
    assert (report.created, report.skipped) == (4, 0)
    with sessions() as session:
        count = session.scalar(
            select(func.count(Person.id)).where(
                func.lower(Person.email) == "ava.thompson@acme-logistics.example"
            )
        )
    assert count == 2


def test_cancel_keeps_committed_batches(sessions: sessionmaker[Session]) -> None:
    lines = ["Name,Email"] + [f"Person {i},p{i}@bulk.example" for i in range(5)]
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return done < 3

    report = import_people(
        sessions,
        parsed("\n".join(lines)),
        progress=progress,
        batch_size=2,
    )
    assert report.cancelled
    assert report.created == 2  # the first batch; the second was rolled back
    assert calls == [(1, 5), (2, 5), (3, 5)]
    with sessions() as session:
        emails = session.scalars(
            select(Person.email).where(Person.email.like("%@bulk.example")).order_by(Person.email)
        ).all()
    assert emails == ["p0@bulk.example", "p1@bulk.example"]


def test_the_report_lists_the_people_created_and_updated(
    sessions: sessionmaker[Session],
) -> None:
    report = import_people(sessions, parsed(), batch_size=2)
    with sessions() as session:
        new = [
            by_email(session, email).id
            for email in ("jane@newco.example", "john@newco.example", "oliver@uk.example")
        ]
    assert report.person_ids == new  # Ava was skipped, "Bad Number" is a problem
    changed = PEOPLE_CSV.replace(",VP Sales,", ",CEO,").replace(",204,", ",205,")
    again = import_people(sessions, parsed(changed), on_duplicate="update")
    with sessions() as session:
        ava = by_email(session, "ava.thompson@acme-logistics.example").id
    assert sorted(again.person_ids) == sorted([new[0], ava])
    # Named twice in one file (created, then updated in the same batch): listed once.
    twice = "Name,Email,Title\nNew Kid,kid@twice.example,\nNew Kid,kid@twice.example,Boss\n"
    both = import_people(sessions, parsed(twice), on_duplicate="update")
    assert (both.created, both.updated) == (1, 1)
    with sessions() as session:
        assert both.person_ids == [by_email(session, "kid@twice.example").id]


# ----------------------------------------------------------------------------- command


def test_command_writes_summary_and_problems(context: AppContext, people_csv: Path) -> None:
    lines: list[str] = []
    code = run_import(context.paths, people_csv, region="US", out=lines.append)
    assert code == 0
    assert "Imported 4 people: 3 new, 0 updated, 1 skipped. 1 row had problems:" in lines
    assert any(line.startswith("100%") for line in lines)
    problems = people_csv.with_name("people-problems.csv")
    with problems.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][-1] == "problem"
    assert rows[0][:-1] == PEOPLE_CSV.splitlines()[0].split(",")
    assert rows[1][:2] == ["Bad", "Number"]
    assert rows[1][-1].startswith("row 6: “555” is too short")

    lines.clear()
    assert run_import(context.paths, people_csv, region="US", out=lines.append) == 0
    assert "Imported 4 people: 0 new, 0 updated, 4 skipped. 1 row had problems:" in lines


def test_command_exit_codes(context: AppContext, tmp_path: Path) -> None:
    lines: list[str] = []
    missing = tmp_path / "missing.csv"
    assert run_import(context.paths, missing, out=lines.append) == 2
    assert "cannot read" in lines[-1]

    junk = tmp_path / "junk.csv"
    junk.write_text("Colour,Size\nred,L\n")
    assert run_import(context.paths, junk, out=lines.append) == 2
    assert "no column for names, emails or phone numbers" in lines[-1]

    all_bad = tmp_path / "bad.csv"
    all_bad.write_text("Name,Phone\nAda,555\nBob,\n")
    assert run_import(context.paths, all_bad, region="US", out=lines.append) == 1
    assert (tmp_path / "bad-problems.csv").exists()


def test_command_rejects_an_unknown_region(context: AppContext, people_csv: Path) -> None:
    lines: list[str] = []
    assert run_import(context.paths, people_csv, region="xx", out=lines.append) == 2
    assert "not a country code" in lines[-1]


def test_extra_columns_are_kept_as_custom_fields(sessions: sessionmaker[Session]) -> None:
    import_people(sessions, parsed())
    with sessions() as session:
        assert json.loads(by_email(session, "jane@newco.example").custom_fields) == {
            "Colour": "red"
        }
    again = "First Name,Last Name,Email Address,Colour\nJane,Doe,jane@newco.example,blue\n"
    import_people(sessions, parsed(again), on_duplicate="update")
    with sessions() as session:
        assert json.loads(by_email(session, "jane@newco.example").custom_fields) == {
            "Colour": "blue"
        }


def test_imported_people_are_in_the_search_index(sessions: sessionmaker[Session]) -> None:
    import_people(sessions, parsed())
    with sessions() as session:
        people = session.execute(
            text("SELECT name, account FROM people_search WHERE people_search MATCH :q"),
            {"q": '"bennett"'},
        ).all()
        numbers = session.execute(
            text(
                "SELECT n.e164 FROM people_search_numbers f JOIN phone_numbers n"
                " ON n.id = f.rowid WHERE people_search_numbers MATCH :q"
            ),
            {"q": '"2079460018"'},
        ).all()
    assert people == [("Oliver Bennett", "Acme Logistics")]
    assert numbers == [("+442079460018",)]


def schema(sessions: sessionmaker[Session]) -> list[tuple[str, str]]:
    with sessions() as session:
        rows = session.execute(text("SELECT name, sql FROM sqlite_master ORDER BY name"))
        return [(str(name), str(sql)) for name, sql in rows]


def search_counts(sessions: sessionmaker[Session]) -> tuple[int, int]:
    """(people, numbers), each checked to be as many as their search index rows."""
    with sessions() as session:

        def count(table: str) -> int:
            return int(session.scalar(text(f"SELECT count(*) FROM {table}")) or 0)

        people, numbers = count("people"), count("phone_numbers")
        assert count("people_search") == count("people_search_words") == people
        assert count("people_search_numbers") == numbers
        return people, numbers


def bulk_csv(count: int) -> str:
    lines = ["Name,Email,Phone"] + [
        f"Person {i},p{i}@bulk.example,+1 212 555 {i:04d}" for i in range(count)
    ]
    return "\n".join(lines)


def test_the_schema_and_search_index_are_whole_after_any_import(
    sessions: sessionmaker[Session],
) -> None:
    before, (people, numbers) = schema(sessions), search_counts(sessions)
    report = import_people(sessions, parsed(bulk_csv(50)), batch_size=7)
    assert report.created == 50
    assert schema(sessions) == before
    assert search_counts(sessions) == (people + 50, numbers + 50)


def test_a_cancelled_import_leaves_indexes_whole(sessions: sessionmaker[Session]) -> None:
    before, (people, numbers) = schema(sessions), search_counts(sessions)
    report = import_people(
        sessions, parsed(bulk_csv(50)), batch_size=7, progress=lambda done, _total: done < 20
    )
    assert (report.cancelled, report.created) == (True, 14)  # two batches of 7
    assert schema(sessions) == before
    assert search_counts(sessions) == (people + 14, numbers + 14)


def test_a_failed_import_leaves_indexes_whole(sessions: sessionmaker[Session]) -> None:
    before, (people, numbers) = schema(sessions), search_counts(sessions)

    def progress(done: int, _total: int) -> bool:
        if done == 20:
            raise RuntimeError("disk on fire")
        return True

    with pytest.raises(RuntimeError):
        import_people(sessions, parsed(bulk_csv(50)), batch_size=7, progress=progress)
    assert schema(sessions) == before
    assert search_counts(sessions) == (people + 14, numbers + 14)


def test_what_a_killed_bulk_import_left_undone_is_done_on_start(
    context: AppContext, sessions: sessionmaker[Session]
) -> None:
    import_people(sessions, parsed())
    before, counts = schema(sessions), search_counts(sessions)
    # killed mid-import: indexes dropped, the last person committed but not yet searchable
    killed = sqlite3.connect(context.database.path, isolation_level=None)
    for name in BULK_INDEXES:
        killed.execute(f"DROP INDEX {name}")
    newest = killed.execute("SELECT max(id) FROM people").fetchone()[0]
    killed.execute("DELETE FROM people_search WHERE rowid = ?", (newest,))
    killed.execute("DELETE FROM people_search_words WHERE rowid = ?", (newest,))
    killed.execute("UPDATE people_search_state SET people_upto = ?", (newest - 1,))
    killed.close()
    assert restore_indexes(context.database.path)
    assert schema(sessions) == before
    assert search_counts(sessions) == counts
    assert not restore_indexes(context.database.path)


def test_indexes_are_left_to_an_import_in_progress(context: AppContext) -> None:
    with context.database.sessions() as session:
        for name in BULK_INDEXES:
            session.execute(text(f"DROP INDEX {name}"))
        session.commit()
    writer = sqlite3.connect(context.database.path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another copy of the app, writing a batch
        assert not restore_indexes(context.database.path, busy_timeout_ms=50)
    finally:
        writer.close()
    assert restore_indexes(context.database.path)


def test_someone_added_between_batches_takes_no_imported_person_s_id(
    sessions: sessionmaker[Session],
) -> None:
    """Each batch's rows are built, ids included, before the batch takes the database; a
    person and an account saved meanwhile (the rep, in the app) must not collide with
    them or get their numbers."""
    lines = ["Name,Email,Phone,Company"] + [
        f"Person {i},p{i}@between.example,+1 212 555 {i:04d},Company {i // 3}" for i in range(40)
    ]

    def add_someone_during_the_second_batch(done: int, _total: int) -> bool:
        if done == 10:  # batch one (rows 1-7) is committed, batch two is being sorted
            with sessions.begin() as session:
                someone = Person(first_name="Meanwhile", last_name="Added")
                someone.account = Account(name="Elsewhere Inc")
                someone.phone_numbers.append(
                    PhoneNumber(
                        kind=PhoneKind.MOBILE,
                        e164="+14045550999",
                        original="404 555 0999",
                        digits="14045550999",
                    )
                )
                session.add(someone)
        return True

    report = import_people(
        sessions,
        parsed("\n".join(lines)),
        batch_size=7,
        progress=add_someone_during_the_second_batch,
    )

    assert (report.created, report.problems) == (40, [])
    with sessions() as session:
        imported = {
            p.email: p
            for p in session.scalars(select(Person).where(Person.email.like("%@between.example")))
        }
        assert sorted(p.id for p in imported.values()) == sorted(report.person_ids)
        for i in range(40):
            person = imported[f"p{i}@between.example"]
            assert [n.e164 for n in person.phone_numbers] == [f"+1212555{i:04d}"]
            assert person.account is not None and person.account.name == f"Company {i // 3}"
        someone = session.scalars(select(Person).where(Person.first_name == "Meanwhile")).one()
        assert [n.e164 for n in someone.phone_numbers] == ["+14045550999"]
        assert someone.account is not None and someone.account.name == "Elsewhere Inc"
