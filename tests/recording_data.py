"""Recorded calls for tests: real stereo PCM16 WAVs (``wave``) and ORM rows in a migrated
database, the way the recording service leaves them."""

from __future__ import annotations

import json
import math
import struct
import wave
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer_app.db.models import Call, Disposition, Person, Recording, RecordingState
from dialer_app.recordings.storage import RecordingFiles

RATE = 8000


def write_stereo_wav(
    path: Path,
    seconds: float,
    *,
    left: float = 0.5,
    right: float = 0.0,
    rate: int = RATE,
    silent_spans: tuple[tuple[float, float], ...] = (),
) -> Path:
    """A 440 Hz tone at ``left``/``right`` of full scale on each channel (0: silence);
    ``silent_spans`` (seconds) are silence on both, like a paused stretch."""
    frames = int(seconds * rate)
    samples = bytearray()
    for n in range(frames):
        t = n / rate
        muted = any(start <= t < end for start, end in silent_spans)
        tone = 0.0 if muted else math.sin(2 * math.pi * 440 * t)
        samples += struct.pack("<hh", int(tone * left * 32767), int(tone * right * 32767))
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(2)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(bytes(samples))
    return path


def add_recorded_call(
    session: Session,
    files: RecordingFiles | None,
    *,
    person_name: str | None = "Ava Thompson",
    number: str = "+14045550100",
    started_at: datetime | None = None,
    notes: str = "",
    disposition: str | None = None,
    state: RecordingState = RecordingState.READY,
    seconds: float = 3.0,
    call_offset_s: float = 0.0,
    pauses: tuple[tuple[float, float], ...] = (),
    one_sided: bool = False,
    deleted_reason: str = "",
    problem: str = "",
) -> Call:
    """A finished call with its recording row (and its WAV when ``files`` is given and the
    state is playable). ``pauses`` are (start, end) in seconds of the file."""
    started = started_at or datetime.now(UTC) - timedelta(hours=1)
    person = None
    if person_name is not None:
        first, _, last = person_name.partition(" ")
        person = session.scalars(
            select(Person).where(Person.first_name == first, Person.last_name == last)
        ).first()
        if person is None:
            person = Person(first_name=first, last_name=last)
            session.add(person)
            session.flush()
    chosen = None
    if disposition is not None:
        chosen = session.scalars(select(Disposition).where(Disposition.name == disposition)).one()
    call = Call(
        person_id=person.id if person else None,
        number_e164=number,
        line_name="Demo line",
        started_at=started,
        answered_at=started + timedelta(seconds=5),
        ended_at=started + timedelta(seconds=5 + call_offset_s + seconds),
        duration_s=call_offset_s + seconds,
        outcome="answered",
        notes=notes,
        disposition_id=chosen.id if chosen else None,
        log_state="logged",
    )
    session.add(call)
    session.flush()
    events = [{"event": "start", "call_s": call_offset_s, "file_s": 0.0}]
    for start, end in pauses:
        events.append({"event": "pause", "call_s": call_offset_s + start, "file_s": start})
        events.append({"event": "resume", "call_s": call_offset_s + end, "file_s": end})
    events.append({"event": "stop", "call_s": call_offset_s + seconds, "file_s": seconds})
    playable = state in (RecordingState.READY, RecordingState.REPAIRED)
    file_name = f"{call.uuid}.wav" if playable else None
    if files is not None and playable:
        write_stereo_wav(
            files.final(call.uuid),
            seconds,
            right=0.0 if one_sided else 0.3,
            silent_spans=pauses,
        )
    session.add(
        Recording(
            call_id=call.id,
            state=state,
            one_sided=one_sided,
            file_name=file_name,
            started_at=started + timedelta(seconds=5 + call_offset_s),
            call_offset_s=call_offset_s,
            duration_s=seconds if playable else None,
            segments=json.dumps(events),
            problem=problem,
            deleted_reason=deleted_reason,
            deleted_at=datetime.now(UTC) if state is RecordingState.DELETED else None,
        )
    )
    session.flush()
    return call
