"""The status bar's sync indicator: synced / syncing n items / offline since / error + Retry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from dialer_app.sync.status_text import describe

if TYPE_CHECKING:
    from dialer_app.sync.worker import SyncStatus


class SyncIndicator(QWidget):
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncIndicator")
        self.label = QLabel("Sync: not set up")
        self.label.setObjectName("syncLabel")
        self.retry_button = QPushButton("Retry")
        self.retry_button.setObjectName("syncRetry")
        self.retry_button.setVisible(False)
        self.retry_button.clicked.connect(self.retry_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.retry_button)

    def show_status(self, status: SyncStatus) -> None:
        words = describe(status)
        self.label.setText(words.text)
        self.label.setToolTip(words.tooltip)
        self.setToolTip(words.tooltip)
        self.retry_button.setVisible(words.retry)
