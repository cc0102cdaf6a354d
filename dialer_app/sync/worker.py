"""The background sync: a plain thread that runs sync passes, never the GUI thread.

After a pass it waits ``interval_s`` (or until :meth:`nudge`, e.g. a call was logged). A
failed pass is retried after an exponential backoff with jitter (so a team's apps do not
all hit a server that just came back at the same moment); an error that needs the rep
(a refused token, a bad URL) waits for :meth:`retry_now`. Status goes to a callback, which
the Qt adapter (qt_bridge.py) turns into signals.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from dialer_app.db.models import utc_now
from dialer_app.sync.client import SyncError
from dialer_app.sync.engine import Progress, SyncEngine, SyncReport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncStatus:
    state: str
    """"synced", "syncing", "offline" or "error"."""
    pending: int = 0
    progress: Progress | None = None
    since: datetime | None = None
    """Offline: since when (the first failed pass)."""
    reason: str = ""


def backoff_delay(failures: int, base_s: float = 2.0, cap_s: float = 300.0) -> float:
    """Exponential in the number of failures, capped, with the upper half randomised."""
    ceiling = min(cap_s, base_s * 2 ** max(0, failures - 1))
    jitter: float = random.uniform(0, ceiling / 2)
    return float(ceiling / 2 + jitter)


class SyncWorker:
    def __init__(
        self,
        engine: SyncEngine,
        on_status: Callable[[SyncStatus], None],
        *,
        interval_s: float = 30.0,
        on_report: Callable[[SyncReport], None] | None = None,
    ) -> None:
        self._engine = engine
        self._on_status = on_status
        self._on_report = on_report
        self._interval_s = interval_s
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sync", daemon=True)
        self.failures = 0

    def start(self) -> None:
        self._thread.start()

    def nudge(self) -> None:
        """Sync soon (a local change is waiting)."""
        self._wake.set()

    def retry_now(self) -> None:
        self.failures = 0
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            self._passes()
        finally:
            # here, on the thread that uses them: stop() may return (timeout) mid-pass
            self._engine.close()

    def _passes(self) -> None:
        offline_since: datetime | None = None
        while not self._stopping.is_set():
            wait = self._interval_s
            try:
                self._on_status(SyncStatus("syncing", self._engine.pending()))
                report = self._engine.run_once(
                    lambda p: self._on_status(SyncStatus("syncing", progress=p))
                )
            except SyncError as exc:
                self.failures += 1
                offline_since = offline_since or utc_now()
                reason = str(exc)
                self._safe(self._engine.record_error, reason)
                state = "offline" if exc.retry else "error"
                self._on_status(SyncStatus(state, since=offline_since, reason=reason))
                wait = backoff_delay(self.failures) if exc.retry else 24 * 3600.0
            except Exception as exc:  # a bug must not kill the thread silently
                log.exception("sync pass failed")
                self.failures += 1
                self._on_status(SyncStatus("error", reason=f"Sync failed: {exc}"))
                wait = backoff_delay(self.failures)
            else:
                self.failures, offline_since = 0, None
                if self._on_report is not None:
                    self._on_report(report)
                reason = "; ".join(report.refused[:3])
                self._on_status(SyncStatus("synced", self._engine.pending(), reason=reason))
            self._wake.wait(wait)
            self._wake.clear()

    @staticmethod
    def _safe(action: Callable[[str], None], reason: str) -> None:
        try:
            action(reason)
        except Exception:
            log.exception("could not record the sync error")
