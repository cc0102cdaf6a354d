"""Recording rows on a real SQLite file migrated by Alembic (the demo database)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from dialer_app.app import AppContext
from dialer_app.db.call_store import CallStart, CallStore
from dialer_app.db.models import Call, Recording, RecordingState
from dialer_app.db.recording_store import RecordingStore, SavedFile, UnknownCall
from dialer_app.domain import recording_timeline
from dialer_app.domain.recording_timeline import Segment, paused_spans


@pytest.fixture
def store(context: AppContext) -> RecordingStore:
    return RecordingStore(context.database.sessions)


def _call(context: AppContext) -> str:
    call_uuid = str(uuid.uuid4())
    CallStore(context.database.sessions).started(
        CallStart(call_uuid, None, "+14045550100", None, "Demo line")
    )
    return call_uuid


def _saved(call_uuid: str) -> SavedFile:
    return SavedFile(f"{call_uuid}.wav", 12.5, 400_044, "ab" * 32)


def _backdate(context: AppContext, call_uuid: str, days: float) -> None:
    with context.database.sessions.begin() as session:
        call_id = session.scalars(select(Call.id).where(Call.uuid == call_uuid)).one()
        row = session.scalars(select(Recording).where(Recording.call_id == call_id)).one()
        row.started_at = datetime.now(UTC) - timedelta(days=days)


def test_started_row_is_recording_with_its_start_event(
    store: RecordingStore, context: AppContext
) -> None:
    call_uuid = _call(context)
    store.started(call_uuid, one_sided=True, call_offset_s=4.25)
    info = store.get(call_uuid)
    assert info is not None
    assert (info.state, info.one_sided, info.call_offset_s, info.file_name) == (
        RecordingState.RECORDING,
        True,
        4.25,
        None,
    )
    assert info.segments == (Segment("start", 4.25, 0.0),)
    assert info.started_at.tzinfo is not None
    assert store.get(str(uuid.uuid4())) is None


def test_segments_are_appended_one_by_one(store: RecordingStore, context: AppContext) -> None:
    call_uuid = _call(context)
    store.started(call_uuid, one_sided=False, call_offset_s=2.0)
    for event, talk in (("pause", 5.0), ("resume", 7.0), ("stop", 10.0)):
        store.add_segment(call_uuid, recording_timeline.at(event, talk, 2.0))  # type: ignore[arg-type]
    info = store.get(call_uuid)
    assert info is not None
    assert [(s.event, s.call_s, s.file_s) for s in info.segments] == [
        ("start", 2.0, 0.0),
        ("pause", 5.0, 3.0),
        ("resume", 7.0, 5.0),
        ("stop", 10.0, 8.0),
    ]
    assert paused_spans(info.segments, 8.0) == [(3.0, 5.0)]


def test_finished_is_ready_with_file_facts(store: RecordingStore, context: AppContext) -> None:
    call_uuid = _call(context)
    store.started(call_uuid, one_sided=False, call_offset_s=0.0)
    store.finished(call_uuid, _saved(call_uuid))
    info = store.get(call_uuid)
    assert info is not None
    assert (info.state, info.file_name, info.duration_s, info.size_bytes, info.sha256) == (
        RecordingState.READY,
        f"{call_uuid}.wav",
        12.5,
        400_044,
        "ab" * 32,
    )
    assert info.problem == ""
    store.finished(call_uuid, _saved(call_uuid), problem="Recording stopped: the disk is full.")
    stopped_early = store.get(call_uuid)
    assert stopped_early is not None and stopped_early.problem.endswith("disk is full.")


def test_failed_and_repaired(store: RecordingStore, context: AppContext) -> None:
    broken, repaired = _call(context), _call(context)
    for call_uuid in (broken, repaired):
        store.started(call_uuid, one_sided=False, call_offset_s=0.0)
    assert {i.call_uuid for i in store.interrupted()} == {broken, repaired}
    store.failed(broken, "Not recorded: nothing was saved.")
    store.repaired(repaired, _saved(repaired), "Recovered after a crash")
    assert store.interrupted() == []
    failed, fixed = store.get(broken), store.get(repaired)
    assert failed is not None and fixed is not None
    assert (failed.state, failed.file_name, failed.problem) == (
        RecordingState.FAILED,
        None,
        "Not recorded: nothing was saved.",
    )
    assert (fixed.state, fixed.file_name, fixed.problem) == (
        RecordingState.REPAIRED,
        f"{repaired}.wav",
        "Recovered after a crash",
    )


def test_older_than_lists_saved_files_past_the_cutoff_only(
    store: RecordingStore, context: AppContext
) -> None:
    old, new, in_progress, deleted = (_call(context) for _ in range(4))
    for call_uuid in (old, new, in_progress, deleted):
        store.started(call_uuid, one_sided=False, call_offset_s=0.0)
    for call_uuid in (old, new, deleted):
        store.finished(call_uuid, _saved(call_uuid))
    store.delete(deleted, "Deleted by you")
    for call_uuid in (old, in_progress, deleted):
        _backdate(context, call_uuid, 91)
    _backdate(context, new, 89)
    assert [i.call_uuid for i in store.older_than(90)] == [old]
    assert [i.call_uuid for i in store.older_than(100)] == []


def test_delete_keeps_the_row_and_says_why(store: RecordingStore, context: AppContext) -> None:
    call_uuid = _call(context)
    store.started(call_uuid, one_sided=False, call_offset_s=0.0)
    store.finished(call_uuid, _saved(call_uuid))
    when = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    info = store.delete(call_uuid, "Deleted after 90 days (team retention rule)", now=when)
    assert (info.state, info.file_name, info.deleted_at, info.deleted_reason) == (
        RecordingState.DELETED,
        None,
        when,
        "Deleted after 90 days (team retention rule)",
    )
    assert info.sha256 == "ab" * 32  # what was deleted stays known
    assert store.get(call_uuid) == info


def test_unknown_calls_are_refused(store: RecordingStore, context: AppContext) -> None:
    nobody = str(uuid.uuid4())
    with pytest.raises(UnknownCall):
        store.started(nobody, one_sided=False, call_offset_s=0.0)
    with pytest.raises(UnknownCall):
        store.add_segment(nobody, Segment("pause", 1.0, 1.0))
    with pytest.raises(UnknownCall):
        store.delete(nobody, "x")
    known = _call(context)
    with pytest.raises(UnknownCall):  # a call without a recording row
        store.failed(known, "x")


def test_unreadable_segments_are_skipped_not_fatal(
    store: RecordingStore, context: AppContext
) -> None:
    call_uuid = _call(context)
    store.started(call_uuid, one_sided=False, call_offset_s=0.0)
    with context.database.sessions.begin() as session:
        row = session.scalars(select(Recording)).one()
        row.segments = '[{"event": "start", "call_s": 0, "file_s": 0}, {"event": "nap"}, 3]'
    info = store.get(call_uuid)
    assert info is not None and info.segments == (Segment("start", 0.0, 0.0),)
    assert recording_timeline.from_json("not json") == ()
