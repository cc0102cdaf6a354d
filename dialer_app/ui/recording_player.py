"""The recording player: waveform with pauses, play/pause, skip 10 s, 1x/1.5x/2x, the time,
the call's notes beside it, Export… and Delete….

Offline: a local WAV through QtMultimedia's QMediaPlayer (FFmpeg backend), imported only
when a player first opens (+27 ms, FACTS.md). The media object comes from a factory so GUI
tests can keep QtMultimedia out of the process that also runs pjsua2; the real playback is
tested in its own process (tests/e2e/test_recording_player.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dialer_app.db.recordings_reader import RecordingRow
from dialer_app.domain.recording_status import clock, timeline
from dialer_app.recordings.waveform import Waveform
from dialer_app.ui.waveform_view import WaveformView

SKIP_MS = 10_000
SPEEDS = (1.0, 1.5, 2.0)
MediaFactory = Callable[[QObject], Any]
"""Makes the media player: a QMediaPlayer with an audio output, or a test double with the
same methods (setSource, play, pause, stop, setPosition, position, duration,
setPlaybackRate, playbackRate) and signals (positionChanged, durationChanged,
playbackStateChanged, errorOccurred)."""


def qt_media_player(parent: QObject) -> Any:
    """A QMediaPlayer playing to the default output; QtMultimedia is imported here."""
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

    player = QMediaPlayer(parent)
    player.setAudioOutput(QAudioOutput(player))
    return player


def _is_playing(state: object) -> bool:
    """``QMediaPlayer.PlaybackState.PlayingState`` without importing QtMultimedia here."""
    return getattr(state, "name", "") == "PlayingState"


class RecordingPlayer(QWidget):
    """A player panel: embedded in the profile, or a window of its own (``as_window``)."""

    export_requested = Signal(str)  # call uuid
    delete_requested = Signal(str)  # call uuid
    closed = Signal(str)  # call uuid, when a player window closes

    def __init__(
        self,
        media_factory: MediaFactory = qt_media_player,
        parent: QWidget | None = None,
        *,
        as_window: bool = False,
        show_notes: bool = True,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window if as_window else Qt.WindowType.Widget)
        self.setObjectName("recordingPlayer")
        if as_window:
            self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.resize(860, 360)
        self._media_factory = media_factory
        self._media: Any = None
        self._duration_ms = 0
        self._playing = False
        self.row: RecordingRow | None = None

        self.title = QLabel("")
        self.title.setObjectName("playerTitle")
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.started_label = QLabel("")
        self.started_label.setObjectName("playerStarted")
        self.started_label.setStyleSheet("color: #7f8c8d;")
        self.waveform = WaveformView()
        self.waveform.seek_requested.connect(self.seek_seconds)

        self.back_button = _tool("« 10 s", "playerBack", "Back 10 seconds (Left)")
        self.back_button.clicked.connect(lambda: self.skip(-SKIP_MS))
        self.play_button = QPushButton("▶ Play")
        self.play_button.setObjectName("playerPlay")
        self.play_button.setToolTip("Play or pause (Space)")
        self.play_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.play_button.clicked.connect(self.toggle_play)
        self.forward_button = _tool("10 s »", "playerForward", "Forward 10 seconds (Right)")
        self.forward_button.clicked.connect(lambda: self.skip(SKIP_MS))
        self.speed_group = QButtonGroup(self)
        self.speed_buttons: list[QToolButton] = []
        speeds = QHBoxLayout()
        speeds.addWidget(QLabel("Speed:"))
        for index, speed in enumerate(SPEEDS):
            button = _tool(f"{speed:g}x", f"playerSpeed{index}", f"Play at {speed:g}x speed")
            button.setCheckable(True)
            button.setChecked(index == 0)
            self.speed_group.addButton(button, index)
            self.speed_buttons.append(button)
            speeds.addWidget(button)
        self.speed_group.idClicked.connect(lambda index: self.set_speed(SPEEDS[index]))
        self.time_label = QLabel("0:00 / 0:00")
        self.time_label.setObjectName("playerTime")
        self.message = QLabel("")
        self.message.setObjectName("playerMessage")
        self.message.setWordWrap(True)

        self.export_button = QPushButton("Export recording…")
        self.export_button.setObjectName("playerExport")
        self.export_button.clicked.connect(self._export)
        self.delete_button = QPushButton("Delete recording…")
        self.delete_button.setObjectName("playerDelete")
        self.delete_button.clicked.connect(self._delete)

        self.notes = QPlainTextEdit()
        self.notes.setObjectName("playerNotes")
        self.notes.setReadOnly(True)
        self.notes.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.notes.setPlaceholderText("No notes for this call.")
        self.notes.setAccessibleName("Call notes")
        self.disposition = QLabel("")
        self.disposition.setObjectName("playerDisposition")

        controls = QHBoxLayout()
        controls.addWidget(self.back_button)
        controls.addWidget(self.play_button)
        controls.addWidget(self.forward_button)
        controls.addSpacing(12)
        controls.addLayout(speeds)
        controls.addStretch(1)
        controls.addWidget(self.time_label)
        actions = QHBoxLayout()
        actions.addWidget(self.message, 1)
        actions.addWidget(self.export_button)
        actions.addWidget(self.delete_button)
        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addWidget(self.started_label)
        left.addWidget(self.waveform, 1)
        left.addLayout(controls)
        left.addLayout(actions)
        grid = QGridLayout(self)
        grid.addLayout(left, 0, 0)
        if show_notes:
            side = QVBoxLayout()
            side.addWidget(QLabel("<b>Notes</b>"))
            side.addWidget(self.notes, 1)
            side.addWidget(self.disposition)
            grid.addLayout(side, 0, 1)
            grid.setColumnStretch(0, 3)
            grid.setColumnStretch(1, 1)
        else:
            self.notes.hide()
            self.disposition.hide()

        # Space, Left and Right reach the player itself: its buttons take no focus.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._show_time()

    # -- loading -------------------------------------------------------------------------
    @property
    def media(self) -> Any:
        """The media player, made on first use (QtMultimedia loads then)."""
        if self._media is None:
            media = self._media_factory(self)
            media.positionChanged.connect(self._on_position)
            media.durationChanged.connect(self._on_duration)
            media.playbackStateChanged.connect(self._on_state)
            media.errorOccurred.connect(self._on_error)
            self._media = media
        return self._media

    def load(self, row: RecordingRow, wav: Path, waveform: Waveform | None) -> None:
        """Show the recording and get it ready to play (from its start, at 1x)."""
        self.row = row
        shown = timeline(row.segments, row.call_offset_s, waveform.duration_s if waveform else None)
        who = row.person_name or row.number_e164
        when = row.call_started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        self.title.setText(f"☎ Dialer · {who} · {when}")
        self.setWindowTitle(f"Recording — {who}, {when}")
        started = shown.started_label()
        if row.one_sided:
            started = " · ".join(p for p in (started, "Only your voice was recorded") if p)
        self.started_label.setText(started)
        self.started_label.setVisible(bool(started))
        self.waveform.set_recording(waveform, shown.pauses, one_sided=row.one_sided)
        self.notes.setPlainText(row.notes)
        self.disposition.setText(f"Disposition: {row.disposition}" if row.disposition else "")
        self.message.clear()
        self._duration_ms = int((waveform.duration_s if waveform else row.duration_s or 0) * 1000)
        media = self.media
        media.stop()
        media.setSource(QUrl.fromLocalFile(str(wav)))
        self.set_speed(1.0)
        self._show_time(0)

    def unload(self) -> None:
        """Stop and forget the file (the profile's selection moved to a call without one)."""
        if self._media is not None:
            self._media.stop()
            self._media.setSource(QUrl())
        self.row = None

    # -- controls ------------------------------------------------------------------------
    @property
    def position_ms(self) -> int:
        return int(self._media.position()) if self._media is not None else 0

    @property
    def duration_ms(self) -> int:
        return self._duration_ms

    @property
    def playing(self) -> bool:
        return self._playing

    def toggle_play(self) -> None:
        if self.row is None:
            return
        if self._playing:
            self.media.pause()
        else:
            self.media.play()

    def skip(self, delta_ms: int) -> None:
        if self.row is None:
            return
        self._seek_ms(self.position_ms + delta_ms)

    def seek_seconds(self, seconds: float) -> None:
        if self.row is not None:
            self._seek_ms(int(seconds * 1000))

    def _seek_ms(self, ms: int) -> None:
        target = max(0, min(ms, self._duration_ms)) if self._duration_ms else max(0, ms)
        self.media.setPosition(target)
        self._show_time(target)

    def set_speed(self, rate: float) -> None:
        self.media.setPlaybackRate(rate)
        if rate in SPEEDS:
            self.speed_buttons[SPEEDS.index(rate)].setChecked(True)

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #c0392b;" if error else "color: #555;")
        self.message.setText(text)

    def _export(self) -> None:
        if self.row is not None:
            self.export_requested.emit(self.row.call_uuid)

    def _delete(self) -> None:
        if self.row is not None:
            self.delete_requested.emit(self.row.call_uuid)

    # -- media signals -------------------------------------------------------------------
    def _on_position(self, ms: int) -> None:
        self._show_time(ms)

    def _on_duration(self, ms: int) -> None:
        if ms > 0:
            self._duration_ms = int(ms)
            self._show_time()

    def _on_state(self, state: object) -> None:
        self._playing = _is_playing(state)
        self.play_button.setText("❚❚ Pause" if self._playing else "▶ Play")

    def _on_error(self, _error: object, text: str = "") -> None:
        reason = text or "the file is unreadable"
        self.show_message(f"Can't play this recording: {reason}.", error=True)

    def _show_time(self, ms: int | None = None) -> None:
        position = self.position_ms if ms is None else ms
        self.waveform.set_position(position / 1000)
        self.time_label.setText(f"{clock(position / 1000)} / {clock(self._duration_ms / 1000)}")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Space play/pause, Left/Right skip 10 s."""
        key = event.key()
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
        elif key == Qt.Key.Key_Space:
            self.toggle_play()
        elif key == Qt.Key.Key_Left:
            self.skip(-SKIP_MS)
        elif key == Qt.Key.Key_Right:
            self.skip(SKIP_MS)
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._media is not None:
            self._media.stop()
        if self.row is not None:
            self.closed.emit(self.row.call_uuid)
        super().closeEvent(event)


def _tool(text: str, name: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setObjectName(name)
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button
