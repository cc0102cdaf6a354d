"""What the Recordings page, the Calls page, the profile and the player do with a recording:
open it in a player, export it (never over a file silently), delete it (after asking).

The deciding is the service's (``RecordingService.delete_recording``/``export_recording``);
this object asks the rep and shows the outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from dialer_app.db.recordings_reader import RecordingRow, RecordingsReader
from dialer_app.domain.recording_status import export_file_name, is_playable
from dialer_app.recordings import waveform
from dialer_app.recordings.storage import RecordingFiles
from dialer_app.ui.recording_player import MediaFactory, RecordingPlayer, qt_media_player

if TYPE_CHECKING:
    from dialer_app.services.recordings import RecordingService

ChoosePath = Callable[[QWidget | None, str], Path | None]


def choose_export_path(parent: QWidget | None, suggested: str) -> Path | None:
    """Qt's save dialog, which asks before replacing a file; a name typed without ".wav"
    gets it, and then the dialog could not have asked, so this does."""
    start = str(Path.home() / suggested)
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, "Export recording", start, "WAV audio (*.wav)"
    )
    if not chosen:
        return None
    target = Path(chosen)
    if target.suffix.lower() != ".wav":
        target = target.with_name(target.name + ".wav")
        if target.exists():
            answer = QMessageBox.question(
                parent, "Replace file?", f"{target.name} already exists. Replace it?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
    return target


class RecordingActions(QObject):
    """One per main window; players are separate windows, one per recording."""

    def __init__(
        self,
        reader: RecordingsReader,
        files: RecordingFiles,
        service: RecordingService | None,
        parent: QObject | None = None,
        *,
        media_factory: MediaFactory = qt_media_player,
        choose_path: ChoosePath = choose_export_path,
    ) -> None:
        super().__init__(parent)
        self.reader = reader
        self.files = files
        self.service = service
        self.media_factory = media_factory
        self._choose_path = choose_path
        self.players: dict[str, RecordingPlayer] = {}

    # -- reading -------------------------------------------------------------------------
    def row(self, call_uuid: str) -> RecordingRow | None:
        return self.reader.for_call(call_uuid)

    def load_into(self, player: RecordingPlayer, row: RecordingRow) -> bool:
        """Put the recording in a player (waveform from the cache, else computed once);
        False, with the reason in the player, when there is no file to play."""
        if not is_playable(row.state) or not row.file_name:
            player.unload()
            player.show_message("This call has no recording to play.", error=True)
            return False
        wav = self.files.root / row.file_name
        try:
            shape = waveform.load(wav, self.files.waveform_cache(row.call_uuid))
        except (OSError, ValueError) as exc:
            player.unload()
            player.show_message(f"The recording can't be read: {exc}", error=True)
            return False
        player.load(row, wav, shape)
        return True

    # -- actions -------------------------------------------------------------------------
    def open_player(self, call_uuid: str, parent: QWidget | None = None) -> RecordingPlayer | None:
        """The recording's player window (brought to the front if already open)."""
        player = self.players.get(call_uuid)
        if player is None:
            row = self.row(call_uuid)
            if row is None or not is_playable(row.state):
                return None
            player = RecordingPlayer(self.media_factory, parent, as_window=True)
            self.connect_player(player)
            player.closed.connect(lambda uuid: self.players.pop(uuid, None))
            if not self.load_into(player, row):
                player.deleteLater()
                return None
            self.players[call_uuid] = player
        player.show()
        player.raise_()
        player.activateWindow()
        return player

    def embedded_player(self, parent: QWidget | None = None) -> RecordingPlayer:
        """A player panel for a page (the profile's Calls tab), its Export/Delete wired."""
        player = RecordingPlayer(self.media_factory, parent, show_notes=False)
        self.connect_player(player)
        return player

    def connect_player(self, player: RecordingPlayer) -> None:
        player.export_requested.connect(lambda uuid: self.export(uuid, player))
        player.delete_requested.connect(lambda uuid: self._delete_from_player(uuid, player))

    def _delete_from_player(self, call_uuid: str, player: RecordingPlayer) -> None:
        if self.delete(call_uuid, player):
            player.unload()
            if self.players.get(call_uuid) is player:
                player.close()
            else:
                player.hide()

    def delete(self, call_uuid: str, parent: QWidget | None = None) -> bool:
        """Ask, then delete the file; the call stays in the history ("Recording deleted")."""
        row = self.row(call_uuid)
        if row is None or self.service is None:
            return False
        who = row.person_name or row.number_e164
        when = row.call_started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        answer = QMessageBox.question(
            parent,
            "Delete recording?",
            f"Delete the recording of your call with {who} on {when}?\n\n"
            "The audio file is removed for good; the call stays in your history, marked "
            "“Recording deleted”.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        player = self.players.get(call_uuid)
        if player is not None:
            player.unload()  # let go of the file before it is removed
        self.service.delete_recording(call_uuid)  # its recordings_changed refreshes the lists
        return True

    def export(self, call_uuid: str, parent: QWidget | None = None) -> Path | None:
        """Copy the WAV to a file the rep picks (a name from the person and date offered)."""
        row = self.row(call_uuid)
        if row is None or self.service is None or not is_playable(row.state):
            return None
        when = row.call_started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        target = self._choose_path(parent, export_file_name(row.person_name, row.number_e164, when))
        if target is None:
            return None
        try:
            self.service.export_recording(call_uuid, target)
        except OSError as exc:
            text = f"Not exported: {exc}"
            if isinstance(parent, RecordingPlayer):
                parent.show_message(text, error=True)
            else:
                QMessageBox.warning(parent, "Export recording", text)
            return None
        if isinstance(parent, RecordingPlayer):
            parent.show_message(f"Exported to {target}")
        return target

    def close_all(self) -> None:
        for player in list(self.players.values()):
            player.close()
