"""When cadence emails go (issue 9): presets, custom times in a zone, DST edges, Send
First #, lateness, backoff and the state machine."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dialer_app.domain.email_schedule import (
    EmailState,
    Preset,
    ScheduleError,
    can_move,
    can_unschedule,
    check_future,
    describe,
    first_n,
    is_late,
    local_clock,
    needs_attention,
    preset_time,
    retry_delay,
    schedule_summary,
    status_text,
    tomorrow_at,
    wall_clock_to_utc,
)

NY = "America/New_York"


def test_presets_are_durations_whatever_the_zone() -> None:
    now = datetime(2024, 11, 2, 23, 30, tzinfo=UTC)
    assert preset_time(now, Preset.IN_4_HOURS) == now + timedelta(hours=4)
    assert preset_time(now, Preset.NOW) == now
    # across the November change an absolute 12 hours is still 12 hours
    assert preset_time(now, Preset.IN_12_HOURS) - now == timedelta(hours=12)


def test_tomorrow_9_in_new_york_across_the_november_change() -> None:
    # Saturday Nov 2 2024, 10:00 in New York (EDT, UTC-4); clocks go back Sunday 02:00.
    now = datetime(2024, 11, 2, 14, 0, tzinfo=UTC)
    resolved = tomorrow_at(now, time(9, 0), NY)
    assert resolved.at == datetime(2024, 11, 3, 14, 0, tzinfo=UTC)  # 09:00 EST = 14:00 UTC
    assert resolved.at.astimezone(ZoneInfo(NY)).hour == 9
    assert resolved.note == ""
    # reusing today's offset (EDT, UTC-4) would have sent at 08:00 EST: the wrong answer
    todays_offset = now.astimezone(ZoneInfo(NY)).utcoffset()
    assert todays_offset is not None
    wrong = datetime(2024, 11, 3, 9, tzinfo=UTC) - todays_offset
    assert wrong.astimezone(ZoneInfo(NY)).hour == 8


def test_the_same_wall_clock_in_the_persons_zone_and_mine() -> None:
    day = date(2024, 11, 4)
    assert wall_clock_to_utc(day, time(9), NY).at == datetime(2024, 11, 4, 14, tzinfo=UTC)
    assert wall_clock_to_utc(day, time(9), "Europe/London").at == datetime(
        2024, 11, 4, 9, tzinfo=UTC
    )


def test_a_time_skipped_in_spring_moves_forward() -> None:
    resolved = wall_clock_to_utc(date(2024, 3, 10), time(2, 30), NY)
    assert resolved.at.astimezone(ZoneInfo(NY)).strftime("%H:%M") == "03:30"
    assert "does not exist" in resolved.note and "03:30" in resolved.note


def test_a_time_that_happens_twice_in_autumn_takes_the_first() -> None:
    resolved = wall_clock_to_utc(date(2024, 11, 3), time(1, 30), NY)
    assert resolved.at == datetime(2024, 11, 3, 5, 30, tzinfo=UTC)  # 01:30 EDT
    assert "happens twice" in resolved.note


def test_past_custom_times_are_refused() -> None:
    now = datetime(2024, 11, 4, 12, tzinfo=UTC)
    with pytest.raises(ScheduleError, match="already passed"):
        check_future(now - timedelta(hours=1), now)
    check_future(now + timedelta(minutes=5), now)


def test_describe_names_the_zone() -> None:
    at = datetime(2024, 11, 5, 14, tzinfo=UTC)
    assert describe(at, NY) == "Tue Nov 05 09:00 EST (America/New_York)"


def test_send_first_n_keeps_the_sort_order() -> None:
    people = ["a", "b", "c", "d", "e"]
    assert first_n(people, 3) == (["a", "b", "c"], ["d", "e"])
    assert first_n(people, 9) == (people, [])
    with pytest.raises(ScheduleError):
        first_n(people, 0)


def test_schedule_summary() -> None:
    now = datetime(2024, 11, 4, 12, tzinfo=UTC)
    assert schedule_summary(now, NY, 5, 5, now) == "Sending 5 emails starts now."
    later = schedule_summary(now + timedelta(hours=4), NY, 3, 5, now)
    assert later == (
        "Sending 3 emails (the first 3 of 5; the rest stay due) starts "
        "Mon Nov 04 11:00 EST (America/New_York)."
    )


def test_late_after_five_minutes() -> None:
    due = datetime(2024, 11, 4, 12, tzinfo=UTC)
    assert not is_late(due, due + timedelta(minutes=4))
    assert is_late(due, due + timedelta(hours=9))


def test_backoff_grows_and_caps() -> None:
    delays = [retry_delay(n).total_seconds() for n in range(1, 10)]
    assert delays[:4] == [30, 60, 120, 240]
    assert max(delays) == 3600 and delays == sorted(delays)


def test_state_machine() -> None:
    assert can_move(EmailState.DRAFT, EmailState.SCHEDULED)
    assert can_move(EmailState.SCHEDULED, EmailState.SENDING)
    assert can_move(EmailState.SENDING, EmailState.SENT)
    assert can_move(EmailState.SENDING, EmailState.UNKNOWN)
    assert not can_move(EmailState.SENT, EmailState.SCHEDULED)  # never twice
    assert not can_move(EmailState.DRAFT, EmailState.SENDING)  # only a scheduled row is claimed


def test_status_text_in_the_reps_zone() -> None:
    at = datetime(2024, 11, 5, 14, 0, tzinfo=UTC)
    ny = "America/New_York"
    assert status_text(EmailState.SENT, ny) == "sent"
    assert (
        status_text(EmailState.SCHEDULED, ny, scheduled_for=at, due_at=at)
        == "scheduled for Tue Nov 05 09:00 EST (America/New_York)"
    )
    # scheduled in the person's zone (Berlin), shown in mine
    assert "09:00 EST" in status_text(EmailState.SCHEDULED, ny, scheduled_for=at)
    retry = at + timedelta(minutes=1)
    assert status_text(
        EmailState.SCHEDULED, ny, scheduled_for=at, due_at=retry, error="Server busy: retrying."
    ) == (
        "scheduled for Tue Nov 05 09:00 EST (America/New_York); "
        "next try Tue Nov 05 09:01 EST (America/New_York) after: Server busy: retrying."
    )
    assert status_text(EmailState.FAILED, ny, error="Wrong password: fix it.") == (
        "failed: Wrong password: fix it."
    )
    assert status_text(EmailState.UNKNOWN, ny, error="Check Sent.") == "unknown: Check Sent."
    assert status_text(EmailState.SENDING, ny) == "sending"
    assert local_clock(at, ny) == "2024-11-05 09:00"
    assert local_clock(at, "Europe/Berlin") == "2024-11-05 15:00"


def test_only_a_scheduled_email_can_be_unscheduled() -> None:
    assert [s for s in EmailState if can_unschedule(s)] == [EmailState.SCHEDULED]
    assert can_move(EmailState.SCHEDULED, EmailState.DRAFT)
    assert [s for s in EmailState if needs_attention(s)] == [EmailState.FAILED, EmailState.UNKNOWN]
