"""A recording's timeline (``recordings.segments``): when it started, paused, resumed and
stopped, in seconds of the call (``call_s``, since it was answered) and of the file
(``file_s``). Paused spans are silence in the file, so ``file_s = call_s - call_offset_s``
at every event; the player marks the paused spans on the waveform."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Literal

SegmentEvent = Literal["start", "pause", "resume", "stop"]
EVENTS: tuple[SegmentEvent, ...] = ("start", "pause", "resume", "stop")


@dataclass(frozen=True)
class Segment:
    event: SegmentEvent
    call_s: float
    file_s: float


def at(event: SegmentEvent, talk_s: float, call_offset_s: float) -> Segment:
    """The event at ``talk_s`` seconds into the call, for a file begun at ``call_offset_s``."""
    talk_s = max(talk_s, call_offset_s)
    return Segment(event, round(talk_s, 3), round(talk_s - call_offset_s, 3))


def to_json(segments: list[Segment] | tuple[Segment, ...]) -> str:
    return json.dumps(
        [{"event": s.event, "call_s": s.call_s, "file_s": s.file_s} for s in segments]
    )


def from_json(text: str) -> tuple[Segment, ...]:
    """Lenient: an unreadable list or entry is skipped (the audio matters more)."""
    try:
        raw = json.loads(text or "[]")
    except ValueError:
        return ()
    if not isinstance(raw, list):
        return ()
    found: list[Segment] = []
    for item in raw:
        if not isinstance(item, dict) or item.get("event") not in EVENTS:
            continue
        try:
            call_s, file_s = float(item["call_s"]), float(item["file_s"])
        except (KeyError, TypeError, ValueError):
            continue
        if math.isfinite(call_s) and math.isfinite(file_s):
            found.append(Segment(item["event"], call_s, file_s))
    return tuple(found)


def paused_spans(segments: tuple[Segment, ...], file_end_s: float) -> list[tuple[float, float]]:
    """(start, end) in file seconds of each silence the rep paused for; a pause never
    resumed runs to ``file_end_s``."""
    spans: list[tuple[float, float]] = []
    paused_at: float | None = None
    for segment in segments:
        if segment.event == "pause" and paused_at is None:
            paused_at = segment.file_s
        elif segment.event in ("resume", "stop") and paused_at is not None:
            spans.append((paused_at, segment.file_s))
            paused_at = None
    if paused_at is not None:
        spans.append((paused_at, max(paused_at, file_end_s)))
    return spans
