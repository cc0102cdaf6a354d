from __future__ import annotations

import json

from dialer_app.domain.recording_status import (
    PauseSpan,
    clock,
    export_file_name,
    recording_summary,
    timeline,
)


def test_summaries_use_the_seed_words() -> None:
    assert recording_summary("ready") == "Listen to Recording"
    assert recording_summary("") == "No Recording"
    assert recording_summary("deleted", deleted_reason="Older than 90 days (team rule)") == (
        "Recording deleted: Older than 90 days (team rule)"
    )
    assert recording_summary("deleted") == "Recording deleted"
    assert recording_summary("failed", problem="Recording stopped: the disk is full") == (
        "Recording stopped: the disk is full"
    )
    assert recording_summary("recording") == "Recording…"


def _segments(*events: tuple[str, float]) -> str:
    return json.dumps([{"event": e, "call_s": s + 10, "file_s": s} for e, s in events])


def test_pauses_from_segments() -> None:
    shown = timeline(
        _segments(("start", 0), ("pause", 5), ("resume", 7), ("pause", 20), ("stop", 25)),
        83.0,
        25.0,
    )
    assert shown.pauses == (PauseSpan(5, 7), PauseSpan(20, 25))
    assert shown.started_label() == "Recording started at 1:23 into the call"


def test_a_pause_never_resumed_runs_to_the_end() -> None:
    shown = timeline(_segments(("start", 0), ("pause", 5)), 0.0, 9.0)
    assert shown.pauses == (PauseSpan(5, 9),)
    assert shown.started_label() == ""


def test_unreadable_segments_give_no_spans() -> None:
    for text in ("", "{", '{"a": 1}', '[1, {"event": "pause"}]'):
        assert timeline(text, 0.0, 5.0).pauses == ()


def test_clock() -> None:
    assert [clock(s) for s in (0, 9.9, 83, 3725)] == ["0:00", "0:09", "1:23", "1:02:05"]


def test_export_name_is_a_safe_suggestion() -> None:
    assert export_file_name("Ava Thompson", "+1404", "2026-11-23 14:05") == (
        "Ava Thompson 2026-11-23 14-05.wav"
    )
    assert export_file_name("", "+14045550100", "2026-11-23 14:05") == (
        "+14045550100 2026-11-23 14-05.wav"
    )
    assert export_file_name("a/b\\c:..", "", "2026") == "a b c-.. 2026.wav"


def test_a_period_starts_at_local_midnight_days_back() -> None:
    from datetime import datetime, timedelta, timezone

    from dialer_app.domain.recording_status import period_start

    now = datetime(2026, 11, 23, 15, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert period_start(None, now) is None
    assert period_start(0, now) == datetime(2026, 11, 23, tzinfo=now.tzinfo)
    assert period_start(7, now) == datetime(2026, 11, 16, tzinfo=now.tzinfo)
