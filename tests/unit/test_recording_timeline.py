"""The recording timeline: file seconds follow call seconds, pauses are spans of silence."""

from __future__ import annotations

from dialer_app.domain.recording_timeline import Segment, at, from_json, paused_spans, to_json


def test_file_seconds_count_from_where_recording_began() -> None:
    assert at("start", 3.0, 3.0) == Segment("start", 3.0, 0.0)
    assert at("pause", 10.1234, 3.0) == Segment("pause", 10.123, 7.123)
    assert at("stop", 1.0, 3.0) == Segment("stop", 3.0, 0.0)  # never before the start


def test_round_trip_and_paused_spans() -> None:
    segments = (
        at("start", 0.0, 0.0),
        at("pause", 2.0, 0.0),
        at("resume", 4.5, 0.0),
        at("pause", 6.0, 0.0),
    )
    assert from_json(to_json(segments)) == segments
    assert paused_spans(segments, 9.0) == [(2.0, 4.5), (6.0, 9.0)]
    assert paused_spans((*segments, at("stop", 8.0, 0.0)), 9.0) == [(2.0, 4.5), (6.0, 8.0)]
    assert from_json('{"event": "start"}') == ()
    assert from_json('[{"event": "start", "call_s": "nan", "file_s": 0}]') == ()
