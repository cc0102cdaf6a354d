"""What the lists say about a call's recording, and where its pauses are in the file.

Pure: the readers hand over the stored state (``models.RecordingState`` values, spelled
out here because the read path must not import the ORM; a test keeps them equal) and the
segments JSON; the widgets only show the words and shade the spans this module returns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

RECORDING = "recording"
READY = "ready"
REPAIRED = "repaired"
FAILED = "failed"
DELETED = "deleted"
ON_SERVER = "on_server"
"""Not a stored state: how the readers show a recording made on another computer whose
audio the sync has not downloaded yet (``recordings.upload_state = 'remote'``)."""
PLAYABLE_STATES = (READY, REPAIRED)
"""A file is there to play: finished, or kept up to a crash and repaired."""

LISTEN = "Listen to Recording"
NO_RECORDING = "No Recording"  # seed 001's words on the Calls page


PLAYABLE_SQL = ", ".join(f"'{state}'" for state in PLAYABLE_STATES)
"""``PLAYABLE_STATES`` as an SQL list, for ``state IN (...)``."""
SHOWN_STATE_SQL = (
    f"CASE WHEN r.upload_state = 'remote' AND r.state IN ({PLAYABLE_SQL})"
    f" THEN '{ON_SERVER}' ELSE r.state END"
)
"""The readers' state column: a recording whose audio is still on the server is shown as
such (not playable), whatever its stored state."""


def is_playable(state: str) -> bool:
    return state in PLAYABLE_STATES


def recording_summary(state: str, *, problem: str = "", deleted_reason: str = "") -> str:
    """One line for a call's Recording column: "Listen to Recording", "No Recording",
    "Recording deleted: older than 90 days (team rule)", ..."""
    if state == DELETED:
        return f"Recording deleted: {deleted_reason}" if deleted_reason else "Recording deleted"
    if state == FAILED:
        return problem or "Recording failed"
    return _SUMMARIES.get(state, NO_RECORDING)


_SUMMARIES = {
    READY: LISTEN,
    REPAIRED: f"{LISTEN} (repaired after a crash)",
    RECORDING: "Recording…",
    ON_SERVER: "Recording on the team server: it downloads at the next sync",
}


@dataclass(frozen=True)
class PauseSpan:
    """A paused stretch, in seconds of the file (silence of the same length is there)."""

    start_s: float
    end_s: float


@dataclass(frozen=True)
class Timeline:
    """The parts of a recording's timeline the player shows."""

    call_offset_s: float
    """Talk time when recording began (0: recorded from the start of the call)."""
    pauses: tuple[PauseSpan, ...]

    @property
    def started_late(self) -> bool:
        return self.call_offset_s >= 1.0

    def started_label(self) -> str:
        """ "Recording started at 1:23 into the call", or "" when it started with the call."""
        if not self.started_late:
            return ""
        return f"Recording started at {clock(self.call_offset_s)} into the call"


def timeline(segments_json: str, call_offset_s: float, duration_s: float | None) -> Timeline:
    """Pause spans from the stored segments (``models.Recording.segments``). A pause with no
    resume runs to the end (paused when the call ended); unreadable JSON gives no spans."""
    try:
        events = json.loads(segments_json or "[]")
    except ValueError:
        events = []
    pauses: list[PauseSpan] = []
    paused_at: float | None = None
    if not isinstance(events, list):
        events = []
    for event in events:
        if not isinstance(event, dict):
            continue
        kind, file_s = event.get("event"), event.get("file_s")
        if not isinstance(file_s, int | float):
            continue
        if kind == "pause" and paused_at is None:
            paused_at = float(file_s)
        elif kind in ("resume", "stop") and paused_at is not None:
            if file_s > paused_at:
                pauses.append(PauseSpan(paused_at, float(file_s)))
            paused_at = None
    if paused_at is not None and duration_s is not None and duration_s > paused_at:
        pauses.append(PauseSpan(paused_at, duration_s))
    return Timeline(max(0.0, float(call_offset_s)), tuple(pauses))


def clock(seconds: float) -> str:
    """``83`` -> ``"1:23"``, ``3725`` -> ``"1:02:05"`` (player times and labels)."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


_UNSAFE = frozenset('<>:"/\\|?*')


def export_file_name(person_name: str, number: str, started_local: str) -> str:
    """A suggested name for Export…: "Ava Thompson 2026-11-23 14-05.wav". Typed names never
    reach the recordings folder (files there are named by uuid); this is only a suggestion
    for the rep's own folder, with the characters file systems refuse taken out."""
    who = person_name.strip() or number.strip() or "Call"
    text = f"{who} {started_local}".replace(":", "-")
    cleaned = "".join(" " if ch in _UNSAFE or ord(ch) < 32 else ch for ch in text)
    return " ".join(cleaned.split()).strip(". ")[:120] + ".wav"


RECORDING_PERIODS: tuple[tuple[str, int | None], ...] = (
    ("Any time", None),
    ("Today", 0),
    ("Last 7 days", 7),
    ("Last 30 days", 30),
    ("Last 90 days", 90),
)
"""The Recordings page's date filter: a label and how many days back (0 = since midnight)."""


def period_start(days: int | None, now: datetime) -> datetime | None:
    """Where a period begins, in ``now``'s zone: local midnight ``days`` days ago (None: any)."""
    if days is None:
        return None
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - timedelta(days=days)
