"""The player's waveform: the rep's channel above, the prospect's below, paused spans shaded
and labelled, a playhead, and click (or drag) to seek.

Draws what ``recordings.waveform`` computed and ``domain.recording_status`` parsed; the
per-pixel columns are rebuilt only when the size or the recording changes, not per frame.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from dialer_app.domain.recording_status import PauseSpan
from dialer_app.recordings.waveform import Waveform

REP_COLOUR = QColor("#2874a6")
PROSPECT_COLOUR = QColor("#1e8449")
PAUSE_COLOUR = QColor(127, 140, 141, 70)
PLAYHEAD_COLOUR = QColor("#c0392b")
LANE_NAMES = ("You", "Prospect")


class WaveformView(QWidget):
    seek_requested = Signal(float)  # seconds into the file

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("waveformView")
        self.setAccessibleName("Recording waveform: click to seek")
        self.setMinimumHeight(110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._waveform: Waveform | None = None
        self._pauses: tuple[PauseSpan, ...] = ()
        self._one_sided = False
        self._position_s = 0.0
        self._columns: list[np.ndarray] = []

    # -- state ---------------------------------------------------------------------------
    @property
    def duration_s(self) -> float:
        return self._waveform.duration_s if self._waveform is not None else 0.0

    @property
    def pauses(self) -> tuple[PauseSpan, ...]:
        return self._pauses

    def set_recording(
        self, waveform: Waveform | None, pauses: tuple[PauseSpan, ...], *, one_sided: bool
    ) -> None:
        self._waveform = waveform
        self._pauses = pauses
        self._one_sided = one_sided
        self._position_s = 0.0
        self._rebuild()
        self.update()

    def set_position(self, seconds: float) -> None:
        self._position_s = seconds
        self.update()

    def x_for(self, seconds: float) -> float:
        """Where a moment of the file is drawn (tests click there)."""
        duration = self.duration_s
        return 0.0 if duration <= 0 else seconds / duration * self.width()

    def sizeHint(self) -> QSize:
        return QSize(640, 140)

    # -- drawing -------------------------------------------------------------------------
    def _rebuild(self) -> None:
        """Peaks per pixel column: the max of the buckets each column covers."""
        waveform, width = self._waveform, max(1, self.width())
        self._columns = []
        if waveform is None:
            return
        buckets = waveform.peaks.shape[1]
        edges = np.linspace(0, buckets, num=min(width, buckets) + 1).astype(np.int64)
        starts = np.unique(edges[:-1])
        for channel in range(waveform.channels):
            self._columns.append(np.maximum.reduceat(waveform.peaks[channel], starts))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rebuild()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        width, height = self.width(), self.height()
        painter.fillRect(self.rect(), self.palette().base())
        lanes = 2
        lane_height = height / lanes
        duration = self.duration_s
        for span in self._pauses:
            if duration <= 0:
                break
            left, right = self.x_for(span.start_s), self.x_for(span.end_s)
            rect = QRectF(left, 0, max(2.0, right - left), height)
            painter.fillRect(rect, PAUSE_COLOUR)
            painter.setPen(self.palette().text().color())
            painter.drawText(rect.adjusted(3, 2, 0, 0), Qt.AlignmentFlag.AlignTop, "Paused")
        for lane in range(lanes):
            middle = lane_height * lane + lane_height / 2
            colour = REP_COLOUR if lane == 0 else PROSPECT_COLOUR
            columns = self._columns[lane] if lane < len(self._columns) else None
            if columns is not None and not (lane == 1 and self._one_sided):
                step = width / max(1, len(columns))
                half = lane_height / 2 - 4
                lines = [
                    QLineF(x * step, middle - peak * half, x * step, middle + peak * half + 0.5)
                    for x, peak in enumerate(columns.tolist())
                ]
                painter.setPen(QPen(colour, max(1.0, step)))
                painter.drawLines(lines)
            painter.setPen(colour)
            name = LANE_NAMES[lane]
            if lane == 1 and self._one_sided:
                name += ": not recorded (one-sided recording)"
            painter.drawText(QPointF(4, lane_height * lane + 14), name)
        painter.setPen(QPen(self.palette().mid().color(), 1))
        painter.drawLine(QLineF(0, lane_height, width, lane_height))
        if duration > 0:
            x = self.x_for(min(self._position_s, duration))
            painter.setPen(QPen(PLAYHEAD_COLOUR, 2))
            painter.drawLine(QLineF(x, 0, x, height))
        painter.end()

    # -- seeking -------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._seek_to(event.position().x())
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._seek_to(event.position().x())
        super().mouseMoveEvent(event)

    def _seek_to(self, x: float) -> None:
        duration = self.duration_s
        if duration <= 0 or self.width() <= 0:
            return
        seconds = min(max(x / self.width(), 0.0), 1.0) * duration
        self._position_s = seconds
        self.update()
        self.seek_requested.emit(seconds)
