"""Stands in for the RecordingService (the real one is the service helper's): the same
signals and methods, and a record of what the widgets asked of it."""

from __future__ import annotations

import enum
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Signal
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dialer_app.db.models import Call, Recording, RecordingState
from dialer_app.domain.recording_indicator import IndicatorState, RecordingIndicator
from dialer_app.recordings.storage import RecordingFiles

ARMED = RecordingIndicator(IndicatorState.ARMED, True, "Record next call", "Don't record next call")
OFF = RecordingIndicator(
    IndicatorState.OFF,
    True,
    "Recording is off for the next call: click to record it.",
    "Record next call",
)
DISABLED = RecordingIndicator(
    IndicatorState.DISABLED, False, "Only calls to people in your database are recorded."
)
RECORDING = RecordingIndicator(
    IndicatorState.RECORDING, True, "Recording this call: click to pause", "Pause call recording"
)
PAUSED = RecordingIndicator(
    IndicatorState.PAUSED, True, "Recording paused: click to resume", "Resume call recording"
)


class FakeRecordingService(QObject):
    indicator_changed = Signal(object)
    notice = Signal(str)
    recordings_changed = Signal()

    def __init__(
        self, files: RecordingFiles | None = None, sessions: sessionmaker[Session] | None = None
    ) -> None:
        super().__init__()
        self.files = files
        self.sessions = sessions
        self._indicator = OFF
        self.calls: list[tuple[str, Any]] = []

    @property
    def indicator(self) -> RecordingIndicator:
        return self._indicator

    def set_indicator(self, indicator: RecordingIndicator) -> None:
        self._indicator = indicator
        self.indicator_changed.emit(indicator)

    def preview(self, number_text: str, person_id: int | None) -> None:
        self.calls.append(("preview", (number_text, person_id)))

    def click(self) -> None:
        self.calls.append(("click", None))

    def reload_governance(self) -> None:
        self.calls.append(("reload_governance", None))

    def delete_recording(self, call_uuid: str) -> None:
        self.calls.append(("delete", call_uuid))
        assert self.files is not None and self.sessions is not None
        with self.sessions.begin() as session:
            recording = session.scalars(
                select(Recording).join(Call).where(Call.uuid == call_uuid)
            ).one()
            recording.state = RecordingState.DELETED
            recording.file_name = None
            recording.deleted_at = datetime.now(UTC)
            recording.deleted_reason = "Deleted by you"
        self.files.final(call_uuid).unlink(missing_ok=True)
        self.recordings_changed.emit()

    def export_recording(self, call_uuid: str, target: Path) -> None:
        self.calls.append(("export", (call_uuid, target)))
        assert self.files is not None
        if not target.parent.is_dir():
            raise OSError(f"the folder {target.parent} does not exist")
        shutil.copyfile(self.files.final(call_uuid), target)


class PlaybackState(enum.Enum):
    """Named like QMediaPlayer.PlaybackState (the player compares names only)."""

    StoppedState = 0
    PlayingState = 1
    PausedState = 2


class FakeMedia(QObject):
    """QMediaPlayer's surface without QtMultimedia: positions move only when told."""

    positionChanged = Signal(int)
    durationChanged = Signal(int)
    playbackStateChanged = Signal(object)
    errorOccurred = Signal(object, str)

    instances: ClassVar[list[FakeMedia]] = []

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = ""
        self._position = 0
        self._state = PlaybackState.StoppedState
        self._rate = 1.0
        FakeMedia.instances.append(self)

    def setSource(self, url: Any) -> None:
        self.source = url.toLocalFile()
        self._position = 0

    def play(self) -> None:
        self._set_state(PlaybackState.PlayingState)

    def pause(self) -> None:
        self._set_state(PlaybackState.PausedState)

    def stop(self) -> None:
        self._position = 0
        self._set_state(PlaybackState.StoppedState)

    def _set_state(self, state: PlaybackState) -> None:
        if state is not self._state:
            self._state = state
            self.playbackStateChanged.emit(state)

    def playbackState(self) -> PlaybackState:
        return self._state

    def setPosition(self, ms: int) -> None:
        self._position = ms
        self.positionChanged.emit(ms)

    def position(self) -> int:
        return self._position

    def setPlaybackRate(self, rate: float) -> None:
        self._rate = rate

    def playbackRate(self) -> float:
        return self._rate
