from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from dialer_app.db.database import Database, open_database
from dialer_app.db.models import (
    Account,
    Cadence,
    CadenceMembership,
    Disposition,
    Person,
    PhoneNumber,
    Sentiment,
    StepType,
)
from dialer_app.demo.seed import seed_demo


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
