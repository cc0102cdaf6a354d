"""The one Qt piece of the sync: re-emits the worker thread's status as Qt signals.

Signals emitted from the worker thread reach GUI-thread slots queued, so widgets are only
touched on the GUI thread.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from dialer_app.sync.engine import SyncEngine, SyncReport
from dialer_app.sync.worker import SyncStatus, SyncWorker


class SyncBridge(QObject):
    status_changed = Signal(object)  # SyncStatus
    team_settings_changed = Signal()
    """A pull changed dispositions, fields or the governance: reload what shows them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker: SyncWorker | None = None
        self._engine: SyncEngine | None = None
        self._lock = threading.Lock()
        self.role = ""
        """The user's role on the server ("rep", "admin"); "" until the first answer."""

    def start(self, engine: SyncEngine, *, interval_s: float = 30.0) -> None:
        """Start the worker thread (callable from any thread; two settings changes in a
        row start one after the other)."""
        with self._lock:
            self._stop()
            self._engine = engine
            self.worker = SyncWorker(
                engine, self._on_status, interval_s=interval_s, on_report=self._on_report
            )
            self.worker.start()

    def retry(self) -> None:
        if self.worker is not None:
            self.worker.retry_now()

    def nudge(self) -> None:
        if self.worker is not None:
            self.worker.nudge()

    def stop(self) -> None:
        """Stop the worker; it closes its engine's connections to the server as it ends (a
        restart after a settings change builds a new engine)."""
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None
        self._engine = None

    def _on_status(self, status: SyncStatus) -> None:
        self.status_changed.emit(status)

    def _on_report(self, report: SyncReport) -> None:
        engine = self._engine
        if engine is not None:
            self.role = engine.me().role  # known after a pass: no request here
        if report.settings_changed:
            self.team_settings_changed.emit()
