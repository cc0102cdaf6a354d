"""Read side of recordings for the Recordings page, the Calls page and the profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RecordingRow:
    """One recorded call as the Recordings page lists it and the player opens it."""

    call_uuid: str
    person_id: int | None
    person_name: str
    number_e164: str
    call_started_at: datetime
    duration_s: float | None
    disposition: str
    notes: str
    state: str
    """``RecordingState`` value."""
    file_name: str | None
    one_sided: bool
    call_offset_s: float
    segments: str
    """JSON, see ``models.Recording.segments``."""
    problem: str
    deleted_reason: str
