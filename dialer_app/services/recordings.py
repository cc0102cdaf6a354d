"""Call recordings in the app: governance before each call, the record icon, start/pause/
resume during a call, saving the stereo file, crash repair, retention and deletion.

Qt signals out, plain calls in; the file work (merge, hash) runs off the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from dialer_app.domain.recording_indicator import RecordingIndicator


class RecordingService(QObject):
    """Owns the rep's "record next call" choice and the active call's recording."""

    indicator_changed = Signal(object)  # RecordingIndicator
    notice = Signal(str)  # "Recording started", "Recording stopped: the disk is full", ...
    recordings_changed = Signal()  # a recording was saved, repaired or deleted

    @property
    def indicator(self) -> RecordingIndicator:
        raise NotImplementedError

    def preview(self, number_text: str, person_id: int | None) -> None:
        """The dial pad's number (and person) changed: recompute the next-call indicator."""
        raise NotImplementedError

    def click(self) -> None:
        """The record icon was clicked: toggle the next call, or start/pause/resume."""
        raise NotImplementedError

    def delete_recording(self, call_uuid: str) -> None:
        """Delete the file (rep's choice); the call's history says so."""
        raise NotImplementedError

    def export_recording(self, call_uuid: str, target: Path) -> None:
        """Copy the stereo WAV to ``target``; raises OSError with a human message."""
        raise NotImplementedError
