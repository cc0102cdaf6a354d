"""Write a call's recording row as it happens: created when recording starts, each
start/pause/resume/stop appended at once (so a crash leaves the timeline), finished with
the file's size and hash, repaired after a crash, deleted by the rep or by retention.

Rows are found by the call's uuid (``calls.uuid``): the call row exists from the moment
the call is dialled (db/call_store.py). One short transaction per method, any thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from dialer_app.db.models import Call, Recording, RecordingState
from dialer_app.domain import recording_timeline
from dialer_app.domain.recording_timeline import Segment


class UnknownCall(LookupError):
    """No call row with that uuid (the call was never written, or was deleted)."""


@dataclass(frozen=True)
class RecordingInfo:
    """One recording as the service needs it (not the page's joined row)."""

    call_uuid: str
    state: RecordingState
    one_sided: bool
    file_name: str | None
    started_at: datetime
    call_offset_s: float
    duration_s: float | None
    size_bytes: int | None
    sha256: str | None
    segments: tuple[Segment, ...]
    problem: str
    deleted_at: datetime | None
    deleted_reason: str


@dataclass(frozen=True)
class SavedFile:
    """What the finished WAV measured."""

    file_name: str
    duration_s: float
    size_bytes: int
    sha256: str


_KEPT = (RecordingState.READY, RecordingState.REPAIRED, RecordingState.FAILED)


class RecordingStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def started(self, call_uuid: str, *, one_sided: bool, call_offset_s: float) -> None:
        """The row, state RECORDING, with its "start" event. Raises UnknownCall."""
        start = recording_timeline.at("start", call_offset_s, call_offset_s)
        with self._sessions.begin() as session:
            call_id = _call_id(session, call_uuid)
            session.add(
                Recording(
                    call_id=call_id,
                    state=RecordingState.RECORDING,
                    one_sided=one_sided,
                    call_offset_s=start.call_s,
                    segments=recording_timeline.to_json([start]),
                )
            )

    def add_segment(self, call_uuid: str, segment: Segment) -> None:
        """Append a pause, resume or stop; written now, so a crash keeps it."""
        with self._sessions.begin() as session:
            row = _row(session, call_uuid)
            segments = (*recording_timeline.from_json(row.segments), segment)
            row.segments = recording_timeline.to_json(segments)

    def finished(self, call_uuid: str, saved: SavedFile, *, problem: str = "") -> None:
        """The stereo file is complete: READY (``problem`` notes a recording that stopped
        early, e.g. the disk filled up, but kept what was written)."""
        self._saved(call_uuid, saved, RecordingState.READY, problem)

    def repaired(self, call_uuid: str, saved: SavedFile, problem: str) -> None:
        """A crash interrupted it; the audio up to then was kept."""
        self._saved(call_uuid, saved, RecordingState.REPAIRED, problem)

    def failed(self, call_uuid: str, problem: str) -> None:
        """Nothing playable: FAILED with the reason in words."""
        with self._sessions.begin() as session:
            row = _row(session, call_uuid)
            row.state = RecordingState.FAILED
            row.file_name = None
            row.problem = problem

    def get(self, call_uuid: str) -> RecordingInfo | None:
        with self._sessions() as session:
            row = session.scalars(_by_uuid(call_uuid)).one_or_none()
            return None if row is None else _info(row, call_uuid)

    def interrupted(self) -> list[RecordingInfo]:
        """Rows still RECORDING: at start-up, the recordings a crash cut short."""
        query = (
            select(Recording, Call.uuid)
            .join(Call, Recording.call_id == Call.id)
            .where(Recording.state == RecordingState.RECORDING)
            .order_by(Recording.id)
        )
        with self._sessions() as session:
            return [_info(row, uuid) for row, uuid in session.execute(query)]

    def older_than(self, days: int, *, now: datetime | None = None) -> list[RecordingInfo]:
        """Saved recordings (with a file) begun more than ``days`` ago: retention's work.
        Uses the started_at index, so a day with nothing to delete costs one short query."""
        cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
        query = (
            select(Recording, Call.uuid)
            .join(Call, Recording.call_id == Call.id)
            .where(
                Recording.started_at < cutoff,
                Recording.state.in_(_KEPT),
                Recording.file_name.is_not(None),
            )
            .order_by(Recording.started_at)
        )
        with self._sessions() as session:
            return [_info(row, uuid) for row, uuid in session.execute(query)]

    def delete(self, call_uuid: str, reason: str, *, now: datetime | None = None) -> RecordingInfo:
        """DELETED: no file, when and why (the call's history shows ``reason``)."""
        with self._sessions.begin() as session:
            row = _row(session, call_uuid)
            row.state = RecordingState.DELETED
            row.file_name = None
            row.deleted_at = now or datetime.now(UTC)
            row.deleted_reason = reason
            session.flush()
            return _info(row, call_uuid)

    def _saved(self, call_uuid: str, saved: SavedFile, state: RecordingState, problem: str) -> None:
        with self._sessions.begin() as session:
            row = _row(session, call_uuid)
            row.state = state
            row.file_name = saved.file_name
            row.duration_s = saved.duration_s
            row.size_bytes = saved.size_bytes
            row.sha256 = saved.sha256
            row.problem = problem


def _call_id(session: Session, call_uuid: str) -> int:
    call_id = session.scalars(select(Call.id).where(Call.uuid == call_uuid)).one_or_none()
    if call_id is None:
        raise UnknownCall(call_uuid)
    return call_id


def _by_uuid(call_uuid: str) -> Select[Recording]:
    return select(Recording).join(Call, Recording.call_id == Call.id).where(Call.uuid == call_uuid)


def _row(session: Session, call_uuid: str) -> Recording:
    row = session.scalars(_by_uuid(call_uuid)).one_or_none()
    if row is None:
        raise UnknownCall(call_uuid)
    return row


def _info(row: Recording, call_uuid: str) -> RecordingInfo:
    return RecordingInfo(
        call_uuid=call_uuid,
        state=RecordingState(row.state),
        one_sided=row.one_sided,
        file_name=row.file_name,
        started_at=_aware(row.started_at),
        call_offset_s=row.call_offset_s,
        duration_s=row.duration_s,
        size_bytes=row.size_bytes,
        sha256=row.sha256,
        segments=recording_timeline.from_json(row.segments),
        problem=row.problem,
        deleted_at=None if row.deleted_at is None else _aware(row.deleted_at),
        deleted_reason=row.deleted_reason,
    )


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
