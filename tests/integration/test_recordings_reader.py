from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dialer_app.db.database import Database, open_database
from dialer_app.db.models import Call, RecordingState
from dialer_app.db.recordings_reader import RecordingQuery, RecordingsReader
from dialer_app.domain import recording_status
from tests.recording_data import add_recorded_call

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path) -> Database:
    database = open_database(tmp_path / "db.sqlite3")
    with database.sessions.begin() as session:
        add_recorded_call(
            session,
            None,
            started_at=NOW - timedelta(days=2),
            notes="Asked about pricing",
            disposition="Connected",
        )
        add_recorded_call(
            session,
            None,
            person_name="Ben Carter",
            number="+14045550486",
            started_at=NOW - timedelta(days=1),
            disposition="Busy",
            call_offset_s=83.0,
        )
        add_recorded_call(
            session,
            None,
            person_name="Mia Hughes",
            number="+442071838750",
            started_at=NOW,
            state=RecordingState.REPAIRED,
            one_sided=True,
        )
        add_recorded_call(
            session,
            None,
            person_name="Ben Carter",
            started_at=NOW - timedelta(days=3),
            state=RecordingState.DELETED,
            deleted_reason="Deleted by you",
        )
        add_recorded_call(
            session,
            None,
            person_name="Ben Carter",
            started_at=NOW - timedelta(days=4),
            state=RecordingState.FAILED,
            problem="Recording stopped: the disk is full",
        )
    return database


@pytest.fixture
def reader(database: Database) -> RecordingsReader:
    return database.recordings_reader()


def names(reader: RecordingsReader, query: RecordingQuery | None = None) -> list[str]:
    return [row.person_name for row in reader.page(query)]


def test_lists_playable_recordings_newest_first(reader: RecordingsReader) -> None:
    assert names(reader) == ["Mia Hughes", "Ben Carter", "Ava Thompson"]
    assert reader.count() == 3
    mia, ben, ava = reader.page()
    assert (mia.state, mia.one_sided) == ("repaired", True)
    assert (ben.disposition, ben.call_offset_s) == ("Busy", 83.0)
    assert ava.notes == "Asked about pricing"
    assert ava.call_started_at == NOW - timedelta(days=2)
    assert ava.file_name == f"{ava.call_uuid}.wav"
    assert ava.duration_s == 3.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ben", ["Ben Carter"]),
        ("PRICING", ["Ava Thompson"]),
        ("busy", ["Ben Carter"]),
        ("(404) 555-0486", ["Ben Carter"]),
        ("+44 20", ["Mia Hughes"]),
        ("ava pricing", ["Ava Thompson"]),
        ("ava busy", []),
        ("50%_", []),
    ],
)
def test_search_by_name_number_disposition_or_notes(
    reader: RecordingsReader, text: str, expected: list[str]
) -> None:
    query = RecordingQuery(text=text)
    assert names(reader, query) == expected
    assert reader.count(query) == len(expected)


def test_date_range(reader: RecordingsReader) -> None:
    query = RecordingQuery(since=NOW - timedelta(days=1, hours=1), until=NOW)
    assert names(reader, query) == ["Ben Carter"]
    assert reader.count(query) == 1


def test_paging(reader: RecordingsReader) -> None:
    assert [r.person_name for r in reader.page(None, 1, 1)] == ["Ben Carter"]
    assert reader.page(None, 3, 10) == []


def test_for_call_finds_deleted_and_failed_ones_too(
    database: Database, reader: RecordingsReader
) -> None:
    calls = database.calls_reader().recent(limit=10)
    by_state = {row.recording_state: row for row in calls}
    deleted = reader.for_call(by_state["deleted"].uuid)
    assert deleted is not None and deleted.deleted_reason == "Deleted by you"
    assert deleted.file_name is None
    failed = reader.for_call(by_state["failed"].uuid)
    assert failed is not None and failed.problem.endswith("the disk is full")
    assert reader.for_call("00000000-0000-7000-8000-000000000000") is None


def test_calls_rows_say_what_happened_to_the_recording(database: Database) -> None:
    texts = sorted(row.recording_text for row in database.calls_reader().recent(limit=10))
    assert texts == [
        "Listen to Recording",
        "Listen to Recording",
        "Listen to Recording (repaired after a crash)",
        "Recording deleted: Deleted by you",
        "Recording stopped: the disk is full",
    ]
    assert sum(row.has_recording for row in database.calls_reader().recent(limit=10)) == 3


def test_a_call_without_recording_says_no_recording(tmp_path: Path) -> None:
    database = open_database(tmp_path / "db.sqlite3")
    with database.sessions.begin() as session:
        session.add(Call(number_e164="+14045550100", line_name="Demo line"))
    (row,) = database.calls_reader().recent(limit=5)
    assert (row.recording_text, row.has_recording, row.recording_state) == (
        "No Recording",
        False,
        "",
    )


def test_status_values_match_the_model() -> None:
    assert {s.value for s in RecordingState} == {
        recording_status.RECORDING,
        recording_status.READY,
        recording_status.REPAIRED,
        recording_status.FAILED,
        recording_status.DELETED,
    }
