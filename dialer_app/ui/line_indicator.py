"""The status-bar badge showing the phone line's state."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from dialer_app.domain.line_status import LineState, LineStatus

_COLOURS = {
    LineState.NOT_CONFIGURED: "#7f8c8d",
    LineState.DEMO: "#2980b9",
    LineState.CONNECTING: "#f39c12",
    LineState.READY: "#27ae60",
    LineState.IN_CALL: "#8e44ad",
    LineState.ERROR: "#c0392b",
}

_LABELS = {
    LineState.NOT_CONFIGURED: "No line",
    LineState.DEMO: "Demo line",
    LineState.CONNECTING: "Connecting…",
    LineState.READY: "Ready",
    LineState.IN_CALL: "In call",
    LineState.ERROR: "Line error",
}


class LineIndicator(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lineIndicator")

    def show_status(self, status: LineStatus) -> None:
        label = _LABELS[status.state]
        if status.line_name and status.state is not LineState.DEMO:
            label = f"{status.line_name}: {label}"
        self.setText(f'<span style="color:{_COLOURS[status.state]}">●</span> {label}')
        self.setToolTip(status.message)
