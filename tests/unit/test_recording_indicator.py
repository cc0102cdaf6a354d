"""The record icon (seed 001): every state before, while dialling and during a call."""

from __future__ import annotations

import errno
from datetime import UTC, datetime

import pytest

from dialer_app.domain import recording_messages as words
from dialer_app.domain.recording_defaults import DEFAULT_RULES
from dialer_app.domain.recording_indicator import (
    LOADING,
    CallPhase,
    IndicatorState,
    RecordingIndicator,
    RecordingPhase,
    decision_without_number,
    indicator_for,
)
from dialer_app.domain.recording_rules import (
    NOT_A_PERSON,
    RECORD_NEXT_CALL,
    RECORDING_OFF,
    TEAM_OFF,
    GovernanceSettings,
    RecordingDecision,
    decide,
)

ON = GovernanceSettings(record_by_default=True, rules=DEFAULT_RULES)
OFF = GovernanceSettings(record_by_default=False, rules=DEFAULT_RULES)
NOBODY = GovernanceSettings(record_by_default=True, recording_allowed=False)
ATLANTA = "+14045550100"  # Georgia: one-party consent, no rule
SAN_FRANCISCO = "+14155550100"  # California: One-Sided by default
BERLIN = "+493012345678"  # Germany: Do Not Record by default

IDLE, DIALLING, CONNECTED = CallPhase.IDLE, CallPhase.DIALLING, CallPhase.CONNECTED


def _decide(
    e164: str, settings: GovernanceSettings = ON, *, person: bool = True, wants: bool | None = None
) -> RecordingDecision:
    return decide(e164, settings, belongs_to_person=person, rep_wants=wants)


def _shape(ind: RecordingIndicator) -> tuple[IndicatorState, bool, str, str, bool]:
    return (ind.state, ind.clickable, ind.tooltip, ind.action, ind.one_sided)


# -- before a call, no number typed: the team default or the rep's click --------------------
@pytest.mark.parametrize(
    ("settings", "wants", "expected"),
    [
        (ON, None, (IndicatorState.ARMED, True, RECORD_NEXT_CALL, "Don't record next call")),
        (OFF, None, (IndicatorState.OFF, True, RECORDING_OFF, RECORD_NEXT_CALL)),
        (OFF, True, (IndicatorState.ARMED, True, RECORD_NEXT_CALL, "Don't record next call")),
        (ON, False, (IndicatorState.OFF, True, RECORDING_OFF, RECORD_NEXT_CALL)),
        (NOBODY, True, (IndicatorState.DISABLED, False, TEAM_OFF, "")),
    ],
)
def test_no_number_yet_follows_the_team_default_or_the_rep(
    settings: GovernanceSettings, wants: bool | None, expected: tuple[object, ...]
) -> None:
    ind = indicator_for(decision_without_number(settings, wants), IDLE)
    assert _shape(ind) == (*expected, False)


def test_rules_still_loading_show_a_locked_grey_icon() -> None:
    for phase in CallPhase:
        assert _shape(indicator_for(None, phase)) == (
            IndicatorState.DISABLED,
            False,
            LOADING,
            "",
            False,
        )


# -- before a call, a number typed: decide() says what happens ------------------------------
def test_a_persons_number_with_recording_on_is_armed_and_can_be_switched_off() -> None:
    ind = indicator_for(_decide(ATLANTA), IDLE)
    assert _shape(ind) == (
        IndicatorState.ARMED,
        True,
        "Record next call",
        "Don't record next call",
        False,
    )


def test_recording_off_for_the_next_call_is_grey_and_clickable() -> None:
    ind = indicator_for(_decide(ATLANTA, OFF), IDLE)
    assert _shape(ind) == (
        IndicatorState.OFF,
        True,
        "Recording is off for the next call: click to record it.",
        "Record next call",
        False,
    )


def test_do_not_record_region_is_disabled_with_the_reason() -> None:
    ind = indicator_for(_decide(BERLIN, wants=True), IDLE)
    assert (ind.state, ind.clickable, ind.action) == (IndicatorState.DISABLED, False, "")
    assert ind.tooltip.startswith("Do Not Record: calls to Germany")


def test_a_number_that_is_no_person_is_disabled() -> None:
    ind = indicator_for(_decide(ATLANTA, person=False, wants=True), IDLE)
    assert _shape(ind) == (IndicatorState.DISABLED, False, NOT_A_PERSON, "", False)


def test_one_sided_is_armed_locked_and_says_only_your_voice() -> None:
    ind = indicator_for(_decide(SAN_FRANCISCO, wants=False), IDLE)
    assert (ind.state, ind.clickable, ind.one_sided) == (IndicatorState.ARMED, False, True)
    assert "only your voice is recorded" in ind.tooltip


def test_one_sided_with_the_team_default_off_is_disabled_not_one_sided() -> None:
    ind = indicator_for(_decide(SAN_FRANCISCO, OFF, wants=True), IDLE)
    assert (ind.state, ind.clickable, ind.one_sided) == (IndicatorState.DISABLED, False, False)
    assert "one-sided" in ind.tooltip


# -- calling / ringing: what happens when answered, still switchable -----------------------
def test_dialling_shows_what_happens_on_answer_and_stays_switchable() -> None:
    on = indicator_for(_decide(ATLANTA), DIALLING)
    assert (on.state, on.clickable, on.action) == (
        IndicatorState.ARMED,
        True,
        "Don't record this call",
    )
    assert "will be recorded once it is answered" in on.tooltip
    off = indicator_for(_decide(ATLANTA, wants=False), DIALLING)
    assert (off.state, off.clickable, off.action) == (IndicatorState.OFF, True, "Record this call")
    assert "won't be recorded" in off.tooltip


def test_dialling_a_locked_call_stays_locked() -> None:
    assert indicator_for(_decide(BERLIN), DIALLING).state is IndicatorState.DISABLED
    one_sided = indicator_for(_decide(SAN_FRANCISCO), DIALLING)
    assert (one_sided.state, one_sided.clickable, one_sided.one_sided) == (
        IndicatorState.ARMED,
        False,
        True,
    )


# -- during the call ------------------------------------------------------------------------
def test_connected_not_recording_offers_start() -> None:
    ind = indicator_for(_decide(ATLANTA, wants=False), CONNECTED, RecordingPhase.NONE)
    assert _shape(ind) == (
        IndicatorState.OFF,
        True,
        "Start call recording",
        "Start call recording",
        False,
    )


def test_connected_recording_offers_pause_and_paused_offers_resume() -> None:
    rec = indicator_for(_decide(ATLANTA), CONNECTED, RecordingPhase.RECORDING)
    assert _shape(rec) == (
        IndicatorState.RECORDING,
        True,
        "Pause call recording",
        "Pause call recording",
        False,
    )
    paused = indicator_for(_decide(ATLANTA), CONNECTED, RecordingPhase.PAUSED)
    assert _shape(paused) == (
        IndicatorState.PAUSED,
        True,
        "Resume call recording",
        "Resume call recording",
        False,
    )


@pytest.mark.parametrize(
    "decision",
    [
        _decide(BERLIN, wants=True),
        _decide(ATLANTA, person=False, wants=True),
        _decide(ATLANTA, NOBODY, wants=True),
        _decide(SAN_FRANCISCO, OFF, wants=True),
    ],
    ids=["do-not-record", "no-person", "team-off", "one-sided-but-team-off"],
)
def test_connected_and_locked_is_disabled_with_the_reason(decision: RecordingDecision) -> None:
    ind = indicator_for(decision, CONNECTED, RecordingPhase.NONE)
    assert (ind.state, ind.clickable, ind.tooltip, ind.action) == (
        IndicatorState.DISABLED,
        False,
        decision.reason,
        "",
    )


def test_one_sided_recording_can_be_neither_paused_nor_stopped() -> None:
    ind = indicator_for(_decide(SAN_FRANCISCO), CONNECTED, RecordingPhase.RECORDING)
    assert (ind.state, ind.clickable, ind.action, ind.one_sided) == (
        IndicatorState.RECORDING,
        False,
        "",
        True,
    )
    assert "only your voice" in ind.tooltip and "can't be paused" in ind.tooltip


def test_one_sided_that_was_somehow_paused_still_shows_it_and_stays_locked() -> None:
    ind = indicator_for(_decide(SAN_FRANCISCO), CONNECTED, RecordingPhase.PAUSED)
    assert (ind.state, ind.clickable, ind.one_sided) == (IndicatorState.PAUSED, False, True)


def test_a_failed_recording_is_disabled_with_the_problem_for_the_rest_of_the_call() -> None:
    problem = "Recording stopped: the disk is full."
    ind = indicator_for(_decide(ATLANTA), CONNECTED, RecordingPhase.FAILED, problem=problem)
    assert _shape(ind) == (IndicatorState.DISABLED, False, problem, "", False)
    bare = indicator_for(_decide(ATLANTA), CONNECTED, RecordingPhase.FAILED)
    assert bare.tooltip == "Recording stopped."


# -- messages -------------------------------------------------------------------------------
def test_stopped_notice_reads_well_whatever_the_engine_said() -> None:
    assert words.stopped("The disk is full") == "Recording stopped: the disk is full."
    assert words.stopped("Recording stopped: disk full.") == "Recording stopped: disk full."
    assert words.stopped("") == "Recording stopped."


def test_deletion_notes_for_the_call_history() -> None:
    when = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
    assert words.deleted_by_rep(when) in {
        f"Deleted by you on {d} Nov 2026" for d in (2, 3, 4)
    }  # the rep's local date
    assert words.deleted_by_retention(90) == "Deleted after 90 days (team retention rule)"


def test_os_errors_in_words() -> None:
    full = OSError(errno.ENOSPC, "No space left on device")
    assert words.export_failed(full) == "Couldn't export: the disk is full (choose another folder)"
    denied = PermissionError(errno.EACCES, "Permission denied")
    assert "permission" in words.os_error_words(denied)
    assert words.os_error_words(OSError(errno.EIO, "Input/output error")) == "input/output error"
    assert words.folder_failed(full) == (
        "Recording stopped: the recordings folder can't be written (the disk is full)."
    )
    assert words.repaired_notice(1).startswith("Recovered 1 recording ")
    assert words.repaired_notice(2).startswith("Recovered 2 recordings ")
