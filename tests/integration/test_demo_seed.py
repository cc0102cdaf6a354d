from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from dialer_app.db.database import Database, open_database
from dialer_app.db.models import (
    Account,
    Cadence,
    CadenceMembership,
    CadenceStep,
    Disposition,
    Person,
    PhoneNumber,
    Sentiment,
    StepType,
)
from dialer_app.demo import data
from dialer_app.demo.seed import seed_demo
from dialer_app.domain.email_templates import MergeValues, compose, unknown_fields


def _seeded(tmp_path: Path) -> Database:
    database = open_database(tmp_path / "db.sqlite3")
    with database.sessions.begin() as session:
        assert seed_demo(session) is True
    return database


def _counts(database: Database) -> dict[str, int]:
    with database.sessions() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (
                Account,
                Person,
                PhoneNumber,
                Cadence,
                CadenceMembership,
                Disposition,
                Sentiment,
            )
        }


def test_demo_team_has_what_the_issue_asks_for(tmp_path: Path) -> None:
    database = _seeded(tmp_path)
    counts = _counts(database)
    assert counts["accounts"] == 6
    assert 20 <= counts["people"] <= 30
    assert counts["phone_numbers"] > counts["people"]
    assert counts["cadences"] == 2
    with database.sessions() as session:
        numbers = list(session.scalars(select(PhoneNumber.e164)))
        for country_code in ("+1", "+44", "+49", "+33"):  # US, UK, DE, FR
            assert any(n.startswith(country_code) for n in numbers), country_code
        assert session.scalar(select(func.count()).where(PhoneNumber.extension.is_not(None))) >= 1
        dispositions = set(session.scalars(select(Disposition.name)))
        assert {
            "Connected",
            "No Answer",
            "Busy",
            "Left Voicemail",
            "Bad Number",
            "Gatekeeper",
        } <= dispositions
        sentiments = set(session.scalars(select(Sentiment.name)))
        assert {"Demo Scheduled", "Interested", "Not Interested", "Company - Bad Fit"} <= sentiments
        for cadence in session.scalars(select(Cadence)):
            types = {step.step_type for step in cadence.steps}
            days = {step.day for step in cadence.steps}
            assert {StepType.PHONE, StepType.EMAIL, StepType.OTHER} <= types
            assert len(days) > 1
    database.close()


def test_seeding_twice_changes_nothing(tmp_path: Path) -> None:
    database = _seeded(tmp_path)
    before = _counts(database)
    with database.sessions.begin() as session:
        assert seed_demo(session) is False
    assert _counts(database) == before
    database.close()


def test_renamed_default_is_not_re_added(tmp_path: Path) -> None:
    database = _seeded(tmp_path)
    with database.sessions.begin() as session:
        busy = session.scalars(select(Disposition).where(Disposition.default_key == "busy")).one()
        busy.name = "Line Busy"
    with database.sessions.begin() as session:
        seed_demo(session)
    with database.sessions() as session:
        names = list(session.scalars(select(Disposition.name)))
    assert "Line Busy" in names
    assert "Busy" not in names
    database.close()


def test_demo_email_steps_have_templates_that_fill_for_every_demo_person() -> None:
    email_steps = [
        (name, step)
        for name, steps in data.CADENCES.items()
        for step in steps
        if step.step_type == "email"
    ]
    assert len(email_steps) >= 2
    for name, step in email_steps:
        assert step.email_subject and step.email_body, step.name
        template = step.email_subject + step.email_body
        assert "{{first_name}}" in template and "{{account}}" in template
        assert "{{sender_" in step.email_body
        assert unknown_fields(template) == []
        for person in (p for p in data.PEOPLE if name in p.cadences):
            values = MergeValues(
                first_name=person.first,
                last_name=person.last,
                title=person.title,
                account=person.account,
                email=person.email,
                city=person.city,
                country=person.country,
                sender_first_name="Sam",
                sender_last_name="de Vries",
                sender_email="sam@dialer.example",
            ).as_dict()
            composed = compose(step.email_subject, step.email_body, values)
            assert composed.sendable, (step.name, person.first, composed.problem(person.first))
            assert "{{" not in composed.subject + composed.body


def test_seeded_email_steps_carry_the_templates_and_old_demos_get_them(tmp_path: Path) -> None:
    database = _seeded(tmp_path)
    with database.sessions.begin() as session:
        steps = list(session.scalars(select(CadenceStep).where(CadenceStep.step_type == "email")))
        assert steps and all(s.email_subject and s.email_body for s in steps)
        first, second = steps[0], steps[1]
        first.email_subject = first.email_body = ""  # seeded before templates existed
        second.email_subject, second.email_body = "Mine", "My own words"  # the rep's
    with database.sessions.begin() as session:
        assert seed_demo(session) is True  # fills the old demo's empty template only
    with database.sessions.begin() as session:
        assert seed_demo(session) is False
    with database.sessions() as session:
        refilled = session.get(CadenceStep, first.id)
        kept = session.get(CadenceStep, second.id)
        assert refilled is not None and "{{first_name}}" in refilled.email_subject
        assert kept is not None
        assert (kept.email_subject, kept.email_body) == ("Mine", "My own words")
    database.close()
