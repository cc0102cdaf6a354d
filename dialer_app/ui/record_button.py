"""The dialer's record icon (seed 001), top left of the Dialer tab, with its state in words.

Red dot: the next call will be recorded (ARMED) or this call is (RECORDING); amber pause
bars: PAUSED; grey dot: OFF or DISABLED. The hover text is the indicator's ``tooltip``
("Record next call", or why it is disabled); a click goes to ``RecordingService.click``.
The service decides everything; this only draws ``RecordingIndicator``.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from dialer_app.domain.recording_indicator import IndicatorState, RecordingIndicator

RED = QColor("#e74c3c")
GREY = QColor("#95a5a6")
AMBER = QColor("#f39c12")
COLOURS = {
    IndicatorState.DISABLED: GREY,
    IndicatorState.OFF: GREY,
    IndicatorState.ARMED: RED,
    IndicatorState.RECORDING: RED,
    IndicatorState.PAUSED: AMBER,
}
STATE_TEXT = {
    IndicatorState.RECORDING: "● Recording",
    IndicatorState.PAUSED: "❚❚ Recording paused",
}
NOTICE_MS = 6000
INITIAL = RecordingIndicator(IndicatorState.DISABLED, False, "Recording is not available.")


class RecordButton(QToolButton):
    """A round dot (pause bars while paused); a disabled look when not clickable, while its
    hover text still says why (Qt shows tool tips on disabled widgets too)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordButton")
        self.setAutoRaise(True)
        self.setFixedSize(QSize(30, 30))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.indicator = INITIAL
        self.show_indicator(INITIAL)

    @property
    def colour(self) -> QColor:
        return COLOURS[self.indicator.state]

    def show_indicator(self, indicator: RecordingIndicator) -> None:
        self.indicator = indicator
        self.setProperty("indicatorState", indicator.state.value)
        self.setToolTip(indicator.tooltip)
        self.setAccessibleName(indicator.action or "Call recording")
        self.setAccessibleDescription(indicator.tooltip)
        self.setEnabled(indicator.clickable)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)  # the raised frame on hover and focus
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(self.colour)
        if not self.isEnabled():
            colour.setAlpha(130)
        side = min(self.width(), self.height()) * 0.5
        box = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        if self.indicator.state is IndicatorState.PAUSED:
            bar = side / 3
            painter.drawRect(QRectF(box.left(), box.top(), bar, side))
            painter.drawRect(QRectF(box.right() - bar, box.top(), bar, side))
        else:
            painter.drawEllipse(box)
        painter.end()


class RecordingControl(QWidget):
    """The icon, the state in words during a call, and the service's notices for a while."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordingControl")
        self.button = RecordButton()
        self.button.clicked.connect(self.clicked)
        self.state_label = QLabel("")
        self.state_label.setObjectName("recordingState")
        self.notice_label = QLabel("")
        self.notice_label.setObjectName("recordingNotice")
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet(
            "QLabel#recordingNotice { background: #fdf2e9; border: 1px solid #f5cba7;"
            " border-radius: 4px; padding: 3px; }"
        )
        self.notice_label.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.setInterval(NOTICE_MS)
        self._notice_timer.timeout.connect(self.notice_label.hide)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        row.addWidget(self.state_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.notice_label)
        self.show_indicator(INITIAL)

    def show_indicator(self, indicator: RecordingIndicator) -> None:
        self.button.show_indicator(indicator)
        state = indicator.state
        text = STATE_TEXT.get(state, "")
        if not text:
            text = "Record next call" if state is IndicatorState.ARMED else "Not recording"
        self.state_label.setText(text)
        self.state_label.setToolTip(indicator.tooltip)
        colour = COLOURS[state].name() if state is not IndicatorState.DISABLED else "#7f8c8d"
        bold = " font-weight: bold;" if state is IndicatorState.RECORDING else ""
        self.state_label.setStyleSheet(f"color: {colour};{bold}")

    def show_notice(self, text: str) -> None:
        """ "Recording started", "Recording stopped: the disk is full", ... for a few seconds."""
        self.notice_label.setText(text)
        self.notice_label.setVisible(bool(text))
        self._notice_timer.start()
