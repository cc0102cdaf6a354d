"""RecordingService with the fake engine: the icon, start on connect, part-way starts,
pause/resume rows, one-sided parts, failures, crash leftovers, retention, delete, export.

None of these needs the WAV code (recordings/wav_files.py); the saved-file checks are in
test_recording_service_audio.py.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from dialer_app.app import AppContext
from dialer_app.db.models import Recording, RecordingState
from dialer_app.domain import recording_messages as words
from dialer_app.domain.recording_indicator import LOADING, IndicatorState
from dialer_app.domain.recording_rules import (
    NOT_A_PERSON,
    RECORD_NEXT_CALL,
    RECORDING_OFF,
    GovernanceSettings,
)
from dialer_app.domain.recording_timeline import Segment
from dialer_app.engine.events import CallEnded, RecordingFailed, RecordingStarted
from dialer_app.services.recordings import HousekeepingReport, RecordingService
from dialer_app.ui.main_window import MainWindow
from tests.gui.recording_rig import (
    ATLANTA_PERSON,
    BERLIN,
    SAN_FRANCISCO_PERSON,
    UNKNOWN,
    Rig,
    rig_for,
    saved_recording,
)


@pytest.fixture
def rig(qtbot: QtBot, context: AppContext) -> Iterator[Rig]:
    yield from rig_for(qtbot, context)


def _starts(rig: Rig) -> list[tuple[object, ...]]:
    return [c for c in rig.engine.commands if c[0] == "start_recording"]


# -- before the call: the icon and the rep's choice ------------------------------------------
def test_the_icon_waits_for_the_rules_then_follows_the_team_default(qtbot: QtBot, rig: Rig) -> None:
    fresh = RecordingService(
        rig.calls,
        governance=rig.governance,
        store=rig.store,
        files=rig.files,
        owns_number=lambda _e164: True,
    )
    assert (fresh.indicator.state, fresh.indicator.tooltip) == (IndicatorState.DISABLED, LOADING)
    with qtbot.waitSignal(fresh.housekeeping_done, timeout=5000) as done:
        fresh.start()
    assert done.args == [HousekeepingReport(0, 0, 0)]
    assert (fresh.indicator.state, fresh.indicator.tooltip) == (
        IndicatorState.ARMED,
        RECORD_NEXT_CALL,
    )
    fresh.shutdown()


def test_record_next_call_is_the_reps_choice_for_the_session(rig: Rig) -> None:
    service = rig.service
    service.preview("", None)
    assert service.indicator.state is IndicatorState.ARMED  # the team records by default
    service.click()
    assert (service.indicator.state, service.indicator.tooltip) == (
        IndicatorState.OFF,
        RECORDING_OFF,
    )
    assert service.rep_wants is False
    service.preview(ATLANTA_PERSON, None)  # a person's number typed: still the rep's choice
    assert service.indicator.state is IndicatorState.OFF
    service.click()
    assert service.indicator.state is IndicatorState.ARMED
    assert service.rep_wants is None  # back to the team default: forgotten


def test_only_numbers_of_people_can_be_recorded(rig: Rig) -> None:
    rig.service.preview(UNKNOWN, None)
    assert (rig.service.indicator.state, rig.service.indicator.tooltip) == (
        IndicatorState.DISABLED,
        NOT_A_PERSON,
    )
    rig.service.click()  # locked: nothing changes
    assert rig.service.rep_wants is None
    rig.service.preview(UNKNOWN, 7)  # the dial pad says whose number it is
    assert rig.service.indicator.state is IndicatorState.ARMED
    rig.service.preview("404 555", None)  # half typed: the team default again
    assert rig.service.indicator.state is IndicatorState.ARMED


def test_the_admin_turning_recording_off_locks_the_icon(rig: Rig) -> None:
    rig.service.preview(ATLANTA_PERSON, None)
    changes: list[object] = []
    rig.service.indicator_changed.connect(changes.append)
    rig.set_rules(recording_allowed=False)
    assert rig.service.indicator.state is IndicatorState.DISABLED
    assert "turned off for your team" in rig.service.indicator.tooltip
    assert changes == [rig.service.indicator]


# -- during the call -------------------------------------------------------------------------
def test_a_persons_call_is_recorded_from_the_moment_it_connects(qtbot: QtBot, rig: Rig) -> None:
    call_id = rig.dial()
    assert rig.service.indicator.state is IndicatorState.ARMED
    assert rig.service.indicator.action == "Don't record this call"
    assert _starts(rig) == []  # nothing recorded while it rings
    rig.connect(qtbot, call_id)
    (_, started_id, parts) = _starts(rig)[0]
    assert started_id == call_id
    assert parts == rig.files.parts(call_id, one_sided=False)
    assert Path(parts.rep).is_file() and Path(parts.prospect).is_file()
    qtbot.waitUntil(lambda: words.STARTED in rig.notices)
    assert rig.service.indicator.state is IndicatorState.RECORDING
    row = rig.row(call_id)
    assert (row.state, row.call_offset_s, row.one_sided) == (RecordingState.RECORDING, 0.0, False)
    assert row.segments == (Segment("start", 0.0, 0.0),)


def test_switching_it_off_while_ringing_leaves_the_call_unrecorded(qtbot: QtBot, rig: Rig) -> None:
    call_id = rig.dial()
    rig.service.click()
    assert rig.service.indicator.state is IndicatorState.OFF
    assert rig.service.indicator.action == "Record this call"
    rig.connect(qtbot, call_id)
    assert _starts(rig) == []
    assert rig.service.indicator.action == "Start call recording"
    assert rig.store.get(call_id) is None


def test_a_recording_started_part_way_knows_when_it_began(qtbot: QtBot, rig: Rig) -> None:
    rig.set_rules(record_by_default=False)
    call_id = rig.dial()
    rig.connect(qtbot, call_id)
    assert rig.service.indicator.state is IndicatorState.OFF
    rig.clock.now += 12.5
    rig.service.click()
    assert len(_starts(rig)) == 1
    row = rig.row(call_id)
    assert (row.call_offset_s, row.segments) == (12.5, (Segment("start", 12.5, 0.0),))
    assert rig.service.indicator.state is IndicatorState.RECORDING


def test_pause_and_resume_are_written_as_they_happen(qtbot: QtBot, rig: Rig) -> None:
    call_id = rig.dial()
    rig.connect(qtbot, call_id)
    rig.clock.now += 2.0
    rig.service.click()
    assert rig.engine.last("pause_recording") == ("pause_recording", call_id)
    assert rig.row(call_id).segments[-1] == Segment("pause", 2.0, 2.0)
    assert rig.notices[-1] == "Recording paused: silence is recorded until you resume"
    assert (rig.service.indicator.state, rig.service.indicator.action) == (
        IndicatorState.PAUSED,
        "Resume call recording",
    )
    rig.clock.now += 3.0
    rig.service.click()
    assert rig.engine.last("resume_recording") == ("resume_recording", call_id)
    assert rig.notices[-1] == "Recording resumed"
    assert rig.service.indicator.state is IndicatorState.RECORDING
    rig.clock.now += 1.0
    rig.engine.on_event(CallEnded(call_id, 200, "BYE", 6.0, True, False))
    qtbot.waitUntil(lambda: rig.calls.active_call is None)
    assert rig.row(call_id).segments == (
        Segment("start", 0.0, 0.0),
        Segment("pause", 2.0, 2.0),
        Segment("resume", 5.0, 5.0),
        Segment("stop", 6.0, 6.0),
    )
    assert rig.service.indicator.state is IndicatorState.ARMED  # the next call


def test_one_sided_records_only_the_rep_and_cannot_be_paused(qtbot: QtBot, rig: Rig) -> None:
    call_id = rig.dial(SAN_FRANCISCO_PERSON)
    assert (rig.service.indicator.clickable, rig.service.indicator.one_sided) == (False, True)
    rig.connect(qtbot, call_id)
    (_, _, parts) = _starts(rig)[0]
    assert parts.prospect is None and parts.rep.endswith(f"{call_id}.rep.wav")
    assert rig.row(call_id).one_sided
    indicator = rig.service.indicator
    assert (indicator.state, indicator.clickable, indicator.one_sided) == (
        IndicatorState.RECORDING,
        False,
        True,
    )
    rig.service.click()
    assert not any(c[0] == "pause_recording" for c in rig.engine.commands)


@pytest.mark.parametrize("number", [BERLIN, UNKNOWN])
def test_governed_and_unknown_numbers_are_never_recorded(
    qtbot: QtBot, rig: Rig, number: str
) -> None:
    call_id = rig.dial(number)
    rig.connect(qtbot, call_id)
    rig.service.click()
    assert _starts(rig) == []
    assert rig.service.indicator.state is IndicatorState.DISABLED
    assert rig.store.get(call_id) is None


def test_an_engine_failure_stops_recording_and_the_call_goes_on(qtbot: QtBot, rig: Rig) -> None:
    rig.engine.recording_failure = "The disk is full"
    call_id = rig.dial()
    with qtbot.waitSignal(rig.service.recordings_changed, timeout=5000):
        rig.connect(qtbot, call_id)
    assert "Recording stopped: the disk is full." in rig.notices
    indicator = rig.service.indicator
    assert (indicator.state, indicator.clickable, indicator.tooltip) == (
        IndicatorState.DISABLED,
        False,
        "Recording stopped: the disk is full.",
    )
    assert rig.calls.active_call is not None  # the call goes on
    row = rig.row(call_id)
    assert (row.state, row.problem, row.file_name) == (
        RecordingState.FAILED,
        "Recording stopped: the disk is full.",
        None,
    )
    rig.service.click()  # not restarted for this call
    assert len(_starts(rig)) == 1


def test_an_unwritable_recordings_folder_stops_recording_not_the_call(
    qtbot: QtBot, rig: Rig
) -> None:
    rig.files.root.parent.mkdir(parents=True, exist_ok=True)
    rig.files.root.write_text("a file where the folder should be")
    call_id = rig.dial()
    rig.connect(qtbot, call_id)
    assert _starts(rig) == []
    assert rig.notices[-1].startswith("Recording stopped: the recordings folder can't be written")
    assert rig.calls.active_call is not None
    assert rig.row(call_id).state is RecordingState.FAILED
    assert rig.service.indicator.state is IndicatorState.DISABLED


def test_a_recording_the_engine_stops_mid_call_is_not_restarted(qtbot: QtBot, rig: Rig) -> None:
    call_id = rig.dial()
    rig.connect(qtbot, call_id)
    with qtbot.waitSignal(rig.service.recordings_changed, timeout=5000):
        rig.engine.stop_recording(call_id)
    assert (rig.service.indicator.state, rig.service.indicator.tooltip) == (
        IndicatorState.DISABLED,
        "Recording stopped.",
    )
    rig.service.click()
    assert len(_starts(rig)) == 1
    assert rig.row(call_id).segments[-1].event == "stop"


def test_started_events_of_other_calls_are_not_announced(qtbot: QtBot, rig: Rig) -> None:
    parts = rig.files.parts("0190d4c2-0000-7000-8000-000000000000", one_sided=True)
    rig.engine.on_event(RecordingStarted("0190d4c2-0000-7000-8000-000000000000", parts))
    rig.engine.on_event(RecordingFailed("0190d4c2-0000-7000-8000-000000000000", "no disk"))
    qtbot.waitUntil(lambda: bool(rig.notices))
    assert rig.notices == ["Recording stopped: no disk."]


# -- start-up: crash leftovers and retention ----------------------------------------------------
def test_the_rules_load_even_when_tidying_the_files_fails(
    qtbot: QtBot, rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig.set_rules(record_by_default=False)
    service = RecordingService(
        rig.calls,
        governance=rig.governance,
        store=rig.store,
        files=rig.files,
        owns_number=lambda _e164: True,
    )

    def broken() -> tuple[int, int]:
        raise RuntimeError("bug")

    monkeypatch.setattr(service, "repair_interrupted", broken)
    with qtbot.waitSignal(service.housekeeping_done, timeout=5000) as done:
        service.start()
    assert done.args == [HousekeepingReport()]
    assert service.indicator.state is IndicatorState.OFF
    service.shutdown()


def test_a_crash_before_any_audio_leaves_a_failed_row(qtbot: QtBot, rig: Rig) -> None:
    call_id = rig.dial()
    rig.connect(qtbot, call_id)
    rig.engine.recorders.clear()  # the app "died": no RecordingStopped will come
    parts = rig.files.parts(call_id, one_sided=False)
    for part in (parts.rep, parts.prospect):
        Path(str(part)).unlink()
    rig.service._recordings.clear()  # a new process knows nothing of it
    assert rig.service.repair_interrupted() == (0, 1)
    row = rig.row(call_id)
    assert (row.state, row.problem) == (RecordingState.FAILED, words.NOT_RECOVERED)
    assert rig.store.interrupted() == []


def test_repair_leaves_recordings_begun_in_this_session_alone(
    rig: Rig, context: AppContext
) -> None:
    call_id = saved_recording(rig, context)
    with context.database.sessions.begin() as session:
        session.scalars(select(Recording)).one().state = RecordingState.RECORDING
    began = datetime.now(UTC) - timedelta(minutes=1)
    assert rig.service.repair_interrupted(before=began) == (0, 0)
    assert rig.row(call_id).state is RecordingState.RECORDING


def test_the_recording_of_the_current_call_is_never_repaired(qtbot: QtBot, rig: Rig) -> None:
    call_id = rig.dial()
    rig.connect(qtbot, call_id)
    assert rig.service.repair_interrupted() == (0, 0)
    assert rig.row(call_id).state is RecordingState.RECORDING


def _backdate(context: AppContext, call_id: str, days: int) -> None:
    from dialer_app.db.models import Call

    with context.database.sessions.begin() as session:
        row = session.scalars(
            select(Recording).join(Call, Recording.call_id == Call.id).where(Call.uuid == call_id)
        ).one()
        row.started_at = datetime.now(UTC) - timedelta(days=days)


def test_retention_deletes_old_files_and_says_why(
    qtbot: QtBot, rig: Rig, context: AppContext
) -> None:
    old, recent = saved_recording(rig, context), saved_recording(rig, context)
    _backdate(context, old, 91)
    _backdate(context, recent, 89)
    rig.files.waveform_cache(old).write_bytes(b"peaks")
    assert rig.service.apply_retention() == 0  # keep forever: nothing to do
    rig.set_rules(retention_days=90)
    assert rig.service.apply_retention() == 1
    assert not rig.files.final(old).exists() and not rig.files.waveform_cache(old).exists()
    assert rig.files.final(recent).exists()
    row = rig.row(old)
    assert (row.state, row.file_name, row.deleted_reason) == (
        RecordingState.DELETED,
        None,
        "Deleted after 90 days (team retention rule)",
    )
    assert rig.service.apply_retention() == 0


def test_start_up_applies_retention_in_the_background(
    qtbot: QtBot, rig: Rig, context: AppContext
) -> None:
    old = saved_recording(rig, context)
    _backdate(context, old, 31)
    rig.governance.save(GovernanceSettings(True, (), True, 30))
    with (
        qtbot.waitSignal(rig.service.housekeeping_done, timeout=5000) as done,
        qtbot.waitSignal(rig.service.recordings_changed, timeout=5000),
    ):
        rig.service.start()
    assert done.args == [HousekeepingReport(deleted=1)]
    assert not rig.files.final(old).exists()


# -- the rep's recordings ----------------------------------------------------------------
def test_the_rep_deletes_a_recording(qtbot: QtBot, rig: Rig, context: AppContext) -> None:
    call_id = saved_recording(rig, context)
    with qtbot.waitSignal(rig.service.recordings_changed):
        rig.service.delete_recording(call_id)
    assert not rig.files.final(call_id).exists()
    row = rig.row(call_id)
    assert row.state is RecordingState.DELETED
    assert row.deleted_reason.startswith("Deleted by you on ")
    rig.service.delete_recording(call_id)  # twice: nothing more happens
    assert rig.row(call_id) == row


def test_the_current_calls_recording_cannot_be_deleted(qtbot: QtBot, rig: Rig) -> None:
    call_id = rig.dial()
    rig.connect(qtbot, call_id)
    rig.service.delete_recording(call_id)
    assert rig.notices[-1] == words.IN_PROGRESS
    assert rig.row(call_id).state is RecordingState.RECORDING


def test_export_copies_the_file_and_explains_failures(
    rig: Rig, context: AppContext, tmp_path: Path
) -> None:
    call_id = saved_recording(rig, context, audio=b"RIFF" + bytes(range(200)))
    target = tmp_path / "exported" / "call.wav"
    target.parent.mkdir()
    rig.service.export_recording(call_id, target)
    assert target.read_bytes() == rig.files.final(call_id).read_bytes()
    with pytest.raises(OSError, match=r"^Couldn't export: that folder doesn't exist \(choose"):
        rig.service.export_recording(call_id, tmp_path / "nowhere" / "call.wav")
    with pytest.raises(OSError, match="that is the recording itself"):
        rig.service.export_recording(call_id, rig.files.final(call_id))
    rig.service.delete_recording(call_id)
    with pytest.raises(FileNotFoundError, match=words.NO_RECORDING):
        rig.service.export_recording(call_id, target)


def test_export_to_a_full_disk_says_so(
    rig: Rig, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    call_id = saved_recording(rig, context)

    def full(*_args: object, **_kw: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("dialer_app.services.recordings.shutil.copyfile", full)
    with pytest.raises(OSError, match=r"Couldn't export: the disk is full \(choose another"):
        rig.service.export_recording(call_id, tmp_path / "call.wav")


# -- the composition root ------------------------------------------------------------------
def test_the_main_window_gets_the_service_and_the_dial_pad_feeds_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    service = window.recording_service
    assert isinstance(service, RecordingService)
    with qtbot.waitSignal(service.housekeeping_done, timeout=5000):
        service.start()
    assert service.indicator.state is IndicatorState.OFF  # a new team starts with it off
    window.dial_pad.set_number(UNKNOWN)  # previews are coalesced to the next event loop turn
    qtbot.waitUntil(
        lambda: (
            (service.indicator.state, service.indicator.tooltip)
            == (IndicatorState.DISABLED, NOT_A_PERSON)
        )
    )
    window.dial_pad.clear()
    for key in ATLANTA_PERSON.removeprefix("+1"):  # typed, not picked from the list
        window.dial_pad.press(key)
    qtbot.waitUntil(
        lambda: (service.indicator.state, service.indicator.clickable) == (IndicatorState.OFF, True)
    )
    service.click()
    assert service.indicator.state is IndicatorState.ARMED
    assert service.wait_for_background()
    service.shutdown()
