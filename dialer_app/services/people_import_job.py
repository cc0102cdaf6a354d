"""Run a people import off the GUI thread: read the file, parse its rows, write them.

The engine (domain.csv_import, db.people_import) is plain blocking Python; here it runs on
a worker thread and reports through signals that reach the GUI thread by queued
connections. ``cancel()`` stops at the next row: the batches committed so far are kept
(each batch is one transaction), which the report says with ``cancelled``.
SQLAlchemy is imported on the worker, so opening the wizard never stalls the window.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal

from dialer_app.domain.csv_import import (
    CsvError,
    CsvTable,
    Target,
    read_csv,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from dialer_app.db.people_import import OnDuplicate

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.05
"""At most ~20 progress signals a second: a signal a row would flood the event loop."""

SessionsFactory = Callable[[], "sessionmaker[Session]"]


class PeopleImportJob(QObject):
    """One read or import at a time; every outcome arrives as exactly one signal."""

    table_read = Signal(object)  # CsvTable
    read_failed = Signal(str)
    progress = Signal(int, int)  # rows done, rows in all
    finished = Signal(object)  # ImportReport (also when cancelled)
    failed = Signal(str)  # a sentence for the rep; the committed batches are kept

    # Emitted on the worker thread; queued to the GUI thread, which re-emits the above.
    _worker_progress = Signal(int, int)
    _worker_outcome = Signal(str, object)  # the name of the signal to emit, its value

    def __init__(
        self,
        sessions: SessionsFactory,
        parent: QObject | None = None,
        *,
        batch_size: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._batch_size = batch_size
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._last_progress = 0.0
        queued = Qt.ConnectionType.QueuedConnection
        self._worker_progress.connect(self.progress, queued)
        self._worker_outcome.connect(self._on_outcome, queued)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def read(self, path: Path) -> None:
        """Read and split ``path``; then ``table_read(CsvTable)`` or ``read_failed(text)``."""
        self._run(lambda: self._read(path), "csv-read")

    def start(
        self,
        table: CsvTable,
        mapping: Mapping[int, Target],
        region: str,
        on_duplicate: OnDuplicate,
    ) -> None:
        """Parse and import; ``progress`` as it goes, then ``finished`` or ``failed``."""
        mapping = dict(mapping)
        self._run(lambda: self._import(table, mapping, region, on_duplicate), "people-import")

    def cancel(self) -> None:
        """Stop after the row in progress; the batch in progress is rolled back."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker ends (closing the wizard); True when it did."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    # -- worker thread ---------------------------------------------------------------------
    def _run(self, work: Callable[[], None], name: str) -> None:
        if self._thread is not None:
            raise RuntimeError("an import is already running")
        self._cancel.clear()
        self._thread = threading.Thread(target=work, name=name, daemon=True)
        self._thread.start()

    def _read(self, path: Path) -> None:
        try:
            table = read_csv(path.read_bytes())
        except OSError as exc:
            self._worker_outcome.emit(
                "read_failed", f"Cannot read {path.name}: {exc.strerror or exc}."
            )
        except CsvError as exc:
            self._worker_outcome.emit("read_failed", f"Cannot read {path.name}: {exc}")
        else:
            self._worker_outcome.emit("table_read", table)

    def _import(
        self,
        table: CsvTable,
        mapping: Mapping[int, Target],
        region: str,
        on_duplicate: OnDuplicate,
    ) -> None:
        try:
            from dialer_app.db.people_import import ImportReport, import_table

            if self._cancel.is_set():
                report = ImportReport(cancelled=True)
            else:
                options = {} if self._batch_size is None else {"batch_size": self._batch_size}
                report = import_table(
                    self._sessions(),
                    table,
                    mapping,
                    region,
                    on_duplicate=on_duplicate,
                    progress=self._on_progress,
                    **options,
                )
        except Exception as exc:
            log.exception("people import failed")
            self._worker_outcome.emit("failed", describe_failure(exc))
        else:
            self._worker_outcome.emit("finished", report)

    def _on_progress(self, done: int, total: int) -> bool:
        now = time.monotonic()
        if done in (1, total) or now - self._last_progress >= PROGRESS_INTERVAL_S:
            self._last_progress = now
            self._worker_progress.emit(done, total)
        return not self._cancel.is_set()

    # -- GUI thread ------------------------------------------------------------------------
    def _on_outcome(self, name: str, value: object) -> None:
        self._join()
        getattr(self, name).emit(value)

    def _join(self) -> None:
        """The worker emitted its last signal, so it ends at once; a new run may start."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None


def describe_failure(exc: BaseException) -> str:
    """Why the import stopped, for the rep (SQLAlchemy wraps sqlite3's error in ``orig``)."""
    text = str(getattr(exc, "orig", None) or exc)
    kept = (
        "The people saved before this point are kept: importing the file again skips them "
        "and adds the rest."
    )
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return (
            "The database is busy: another program (or another copy of the app) is writing "
            f"to it. Try again in a moment. {kept}"
        )
    if "readonly" in lowered or "read-only" in lowered:
        return f"The database file is read-only: check its permissions. {kept}"
    if "disk is full" in lowered or "no space" in lowered:
        return f"The disk is full: free some space and try again. {kept}"
    return f"The import stopped: {text}. {kept}"
