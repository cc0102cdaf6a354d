"""When a cadence email goes out (issue 9, seed 004's Schedule and Schedule All).

- **Presets** (Now, In 1/4/12 Hours) are durations from now: the time zone does not move
  them, it only changes how the chosen time is *shown*.
- **Custom time** is a wall-clock date and time in a zone (the rep's, or the person's from
  their record or phone number). Daylight-saving edges are resolved, never refused: a time
  skipped by the spring change (02:30 in New York) moves forward by the gap (03:30); a time
  that happens twice in autumn (01:30) means the first one (still summer time).
- **Send First #** schedules only the first N people in the rep's current sort order; the
  others stay due.
- **Late**: an email sent more than ``LATE_AFTER`` after its due time (the app was closed,
  or the server was down) is flagged late on the person's activity.

Pure Python; datetimes handed in and out are timezone-aware (UTC when stored).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LATE_AFTER = timedelta(minutes=5)


class Preset(enum.Enum):
    NOW = timedelta(0)
    IN_1_HOUR = timedelta(hours=1)
    IN_4_HOURS = timedelta(hours=4)
    IN_12_HOURS = timedelta(hours=12)


PRESET_LABELS = {
    Preset.NOW: "Now",
    Preset.IN_1_HOUR: "In 1 Hour",
    Preset.IN_4_HOURS: "In 4 Hours",
    Preset.IN_12_HOURS: "In 12 Hours",
}


class ScheduleError(ValueError):
    """A schedule the rules refuse; ``str(error)`` is a sentence for the rep."""


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now


def zone_or_local(name: str) -> ZoneInfo | None:
    """The IANA zone, or None for "this computer's zone" (empty or unknown name)."""
    if not name.strip():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def preset_time(now: datetime, preset: Preset) -> datetime:
    return _aware(now).astimezone(UTC) + preset.value


@dataclass(frozen=True)
class Resolved:
    """A wall-clock time made absolute, and what the DST rules changed."""

    at: datetime
    """UTC."""
    note: str = ""
    """Why the time differs from what was typed ("" when it does not)."""


def wall_clock_to_utc(day: date, clock: time, zone_name: str) -> Resolved:
    """``day`` at ``clock`` in ``zone_name`` (the computer's zone when empty), as UTC.

    Python's zoneinfo accepts non-existent times silently; they are detected by a round
    trip and moved forward by the gap. Ambiguous times take ``fold=0``: the earlier one."""
    zone = zone_or_local(zone_name)
    naive = datetime.combine(day, clock.replace(tzinfo=None, fold=0))
    if zone is None:
        local = naive.astimezone()  # the computer's zone (fold=0: the earlier)
        return Resolved(local.astimezone(UTC))
    local = naive.replace(tzinfo=zone)
    at = local.astimezone(UTC)
    back = at.astimezone(zone).replace(tzinfo=None)
    if back != naive:  # skipped by the spring change: 02:30 becomes 03:30
        return Resolved(
            at,
            f"{clock:%H:%M} does not exist on {day:%b %d} in {zone.key} (clocks go forward): "
            f"sending at {back:%H:%M} instead.",
        )
    twice = naive.replace(tzinfo=zone, fold=1).astimezone(UTC) != at
    if twice:
        return Resolved(at, f"{clock:%H:%M} happens twice on {day:%b %d}: the first one is used.")
    return Resolved(at)


def tomorrow_at(now: datetime, clock: time, zone_name: str) -> Resolved:
    """Tomorrow (in that zone) at ``clock`` in that zone."""
    zone = zone_or_local(zone_name)
    today = _aware(now).astimezone(zone).date() if zone else now.astimezone().date()
    return wall_clock_to_utc(today + timedelta(days=1), clock, zone_name)


def check_future(at: datetime, now: datetime, slack: timedelta = timedelta(minutes=1)) -> None:
    """A custom time in the past is a typo, not "send now": refuse it."""
    if at < _aware(now) - slack:
        raise ScheduleError("That time has already passed: pick a later one, or Now.")


def describe(at: datetime, zone_name: str) -> str:
    """ "Tue Nov 05 09:00 EST (America/New_York)" for confirmations and the activity."""
    zone = zone_or_local(zone_name)
    local = at.astimezone(zone) if zone else at.astimezone()
    where = f" ({zone.key})" if zone else ""
    return f"{local:%a %b %d %H:%M %Z}{where}".replace("  ", " ")


_T = TypeVar("_T")


def first_n(people: Sequence[_T], count: int) -> tuple[list[_T], list[_T]]:
    """Send First # Emails: (scheduled, still due) in the current sort order."""
    if count < 1:
        raise ScheduleError("Send First # needs at least 1 email.")
    return list(people[:count]), list(people[count:])


def schedule_summary(at: datetime, zone_name: str, count: int, total: int, now: datetime) -> str:
    """The confirmation at the bottom of Schedule All."""
    who = f"{count} email{'s' if count != 1 else ''}"
    if total > count:
        who += f" (the first {count} of {total}; the rest stay due)"
    if at <= _aware(now) + timedelta(seconds=30):
        return f"Sending {who} starts now."
    return f"Sending {who} starts {describe(at, zone_name)}."


def is_late(due: datetime, sent: datetime) -> bool:
    return sent - due > LATE_AFTER


# -- the send state machine ------------------------------------------------------------------
class EmailState(enum.StrEnum):
    """draft → scheduled → sending → sent | failed | unknown (see ``TRANSITIONS``)."""

    DRAFT = "draft"
    """Personalised text autosaved for a person on a step; nothing will send it."""
    SCHEDULED = "scheduled"
    """Waiting for its due time (or its next retry)."""
    SENDING = "sending"
    """Claimed by one sender: the only state in which the SMTP conversation happens."""
    SENT = "sent"
    FAILED = "failed"
    """Permanent failure (bad password, address refused): kept with the reason and a fix."""
    UNKNOWN = "unknown"
    """The app stopped during the SMTP conversation: it may or may not have gone out.
    Never resent automatically; the rep checks and sends again if it did not arrive."""


TRANSITIONS: dict[EmailState, frozenset[EmailState]] = {
    EmailState.DRAFT: frozenset({EmailState.SCHEDULED}),
    EmailState.SCHEDULED: frozenset({EmailState.SENDING, EmailState.DRAFT}),
    EmailState.SENDING: frozenset(
        {EmailState.SENT, EmailState.FAILED, EmailState.SCHEDULED, EmailState.UNKNOWN}
    ),
    EmailState.SENT: frozenset(),
    EmailState.FAILED: frozenset({EmailState.SCHEDULED, EmailState.DRAFT}),
    EmailState.UNKNOWN: frozenset({EmailState.SCHEDULED, EmailState.DRAFT}),
}
EDITABLE = frozenset({EmailState.DRAFT, EmailState.FAILED, EmailState.UNKNOWN})
"""States the email window opens for editing (a failed email is fixed and sent again)."""
PENDING = frozenset({EmailState.SCHEDULED, EmailState.SENDING})
"""States that take the person off the step's due list until the outcome is known."""


def can_move(before: EmailState, after: EmailState) -> bool:
    return after in TRANSITIONS[before]


MAX_ATTEMPTS = 8
SENDING_LEASE = timedelta(minutes=3)
"""A claim older than this with no outcome belongs to a sender that died mid-send (the
SMTP timeout is 60 s): the email becomes UNKNOWN, never resent on its own."""


def retry_delay(attempts: int) -> timedelta:
    """Backoff after ``attempts`` transient failures: 30 s, 1, 2, 4, 8 … min, at most 1 h."""
    seconds = 30 * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, 3600))


# -- how an email's state reads (the profile's Emails tab, the step's email list) ---------------
def local_clock(at: datetime, zone_name: str) -> str:
    """ "2024-11-05 09:00" in that zone (the computer's when empty or unknown)."""
    zone = zone_or_local(zone_name)
    return f"{(at.astimezone(zone) if zone else at.astimezone()):%Y-%m-%d %H:%M}"


def status_text(
    state: EmailState,
    rep_zone: str,
    *,
    scheduled_for: datetime | None = None,
    due_at: datetime | None = None,
    error: str = "",
) -> str:
    """One line for the rep: "sent", "scheduled for Tue Nov 05 09:00 EST (America/New_York)"
    (their own zone, whichever zone it was scheduled in), "failed: <reason and fix>",
    "unknown: <what to check>". A scheduled email that is being retried says when and why."""
    if state is EmailState.SCHEDULED:
        planned = scheduled_for or due_at
        text = f"scheduled for {describe(planned, rep_zone)}" if planned else "scheduled"
        if error and due_at is not None and due_at != planned:
            text += f"; next try {describe(due_at, rep_zone)} after: {error}"
        return text
    if state is EmailState.FAILED:
        return f"failed: {error}" if error else "failed"
    if state is EmailState.UNKNOWN:
        return f"unknown: {error}" if error else "unknown"
    if state is EmailState.DRAFT:
        return "draft (not scheduled)"
    return state.value  # sent, sending


def can_unschedule(state: EmailState) -> bool:
    """Only an email no sender has claimed yet goes back to a draft (``TRANSITIONS``); one
    being sent can't be stopped halfway."""
    return state is EmailState.SCHEDULED


def needs_attention(state: EmailState) -> bool:
    """Failed or unknown: the rep must fix something and send it again."""
    return state in (EmailState.FAILED, EmailState.UNKNOWN)
