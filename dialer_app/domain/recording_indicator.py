"""The dialer's record icon (seed 001): what it shows, what a click does, and why.

Pure: the service feeds it the governance decision and the call's recording state; the UI
only draws the result (red dot, grey dot, paused) and puts ``tooltip`` in the hover text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from dialer_app.domain.recording_rules import (
    RECORD_NEXT_CALL,
    RECORDING_OFF,
    TEAM_OFF,
    GovernanceSettings,
    RecordingDecision,
    RecordingMode,
)


class IndicatorState(enum.Enum):
    DISABLED = "disabled"
    """Grey and locked: governance, no person, or an unreadable number; tooltip says which."""
    OFF = "off"
    """Grey: the next call (or this call) is not recorded, and a click changes that."""
    ARMED = "armed"
    """Red, before a call: "Record next call"."""
    RECORDING = "recording"
    """Red, during a call: audio is being written."""
    PAUSED = "paused"
    """Amber, during a call: silence is being written so the timeline is kept."""


@dataclass(frozen=True)
class RecordingIndicator:
    state: IndicatorState
    clickable: bool
    tooltip: str
    """Hover text: "Record next call", or why it is disabled, or what a click does."""
    action: str = ""
    """What a click does, for the button's accessible name and menu: "Record next call",
    "Don't record next call", "Start call recording", "Pause call recording",
    "Resume call recording"; "" when not clickable."""
    one_sided: bool = False
    """Only the rep's voice is (or will be) recorded."""


class CallPhase(enum.Enum):
    """Where the rep is, as far as the record icon cares."""

    IDLE = "idle"
    """No call: the icon is about the next call (the number on the dial pad, if any)."""
    DIALLING = "dialling"
    """Calling or ringing: the icon says what happens when the call is answered."""
    CONNECTED = "connected"
    """Answered (on hold counts): the icon starts, pauses and resumes."""


class RecordingPhase(enum.Enum):
    """The active call's recording."""

    NONE = "none"
    RECORDING = "recording"
    PAUSED = "paused"
    FAILED = "failed"
    """It stopped on its own (disk full, unwritable folder): not restarted for this call."""


LOADING = "Checking your team's recording rules…"
START = "Start call recording"
PAUSE = "Pause call recording"
RESUME = "Resume call recording"
DONT_RECORD_NEXT = "Don't record next call"
RECORD_THIS = "Record this call"
DONT_RECORD_THIS = "Don't record this call"
THIS_CALL_ON = "This call will be recorded once it is answered: click to not record it."
THIS_CALL_OFF = "This call won't be recorded: click to record it once it is answered."
ONE_SIDED_NOW = "One-Sided Recording: only your voice is being recorded."
ONE_SIDED_LOCK = "Your team's rules set this, so it can't be paused or stopped."


def decision_without_number(
    settings: GovernanceSettings, rep_wants: bool | None
) -> RecordingDecision:
    """The icon before any number is typed: the team default, or the rep's own click.

    Only the team switch can lock it here; the number's region and owner decide later.
    """
    if not settings.recording_allowed:
        return RecordingDecision(RecordingMode.DO_NOT_RECORD, False, False, TEAM_OFF)
    wants = settings.record_by_default if rep_wants is None else rep_wants
    return RecordingDecision(
        RecordingMode.RECORD, wants, True, RECORD_NEXT_CALL if wants else RECORDING_OFF
    )


def indicator_for(
    decision: RecordingDecision | None,
    phase: CallPhase,
    recording: RecordingPhase = RecordingPhase.NONE,
    *,
    problem: str = "",
) -> RecordingIndicator:
    """What the record icon shows. ``decision`` is governance for the next call (IDLE) or
    for this call (DIALLING, CONNECTED); None while the team's rules are still loading.
    ``problem`` says why a FAILED recording stopped.

    One-Sided Recording is locked entirely during the call (seed 001: the rep can't change
    a Do Not Record or One-Sided call), so it can't be paused either.
    """
    if decision is None:
        return RecordingIndicator(IndicatorState.DISABLED, False, LOADING)
    one_sided = decision.mode is RecordingMode.ONE_SIDED
    if phase is CallPhase.CONNECTED:
        return _during_call(decision, recording, problem, one_sided)
    return _before_answer(decision, phase, one_sided)


def _before_answer(
    decision: RecordingDecision, phase: CallPhase, one_sided: bool
) -> RecordingIndicator:
    if not decision.rep_can_change:
        state = IndicatorState.ARMED if decision.will_record else IndicatorState.DISABLED
        return RecordingIndicator(
            state, False, decision.reason, one_sided=one_sided and decision.will_record
        )
    if phase is CallPhase.DIALLING:
        if decision.will_record:
            return RecordingIndicator(IndicatorState.ARMED, True, THIS_CALL_ON, DONT_RECORD_THIS)
        return RecordingIndicator(IndicatorState.OFF, True, THIS_CALL_OFF, RECORD_THIS)
    if decision.will_record:
        return RecordingIndicator(IndicatorState.ARMED, True, decision.reason, DONT_RECORD_NEXT)
    return RecordingIndicator(IndicatorState.OFF, True, decision.reason, RECORD_NEXT_CALL)


def _during_call(
    decision: RecordingDecision, recording: RecordingPhase, problem: str, one_sided: bool
) -> RecordingIndicator:
    if recording is RecordingPhase.FAILED:
        return RecordingIndicator(IndicatorState.DISABLED, False, problem or "Recording stopped.")
    if recording is RecordingPhase.NONE:
        if decision.rep_can_change:
            return RecordingIndicator(IndicatorState.OFF, True, START, START)
        return RecordingIndicator(IndicatorState.DISABLED, False, decision.reason)
    if one_sided:
        state = (
            IndicatorState.RECORDING
            if recording is RecordingPhase.RECORDING
            else IndicatorState.PAUSED
        )
        return RecordingIndicator(state, False, f"{ONE_SIDED_NOW} {ONE_SIDED_LOCK}", one_sided=True)
    if recording is RecordingPhase.RECORDING:
        return RecordingIndicator(IndicatorState.RECORDING, True, PAUSE, PAUSE)
    return RecordingIndicator(IndicatorState.PAUSED, True, RESUME, RESUME)
