"""The engine thread's to-do lists: commands, deferred drops and timers.

Commands arrive from any thread (``post`` wakes the pjsua2 poll); ``later``
runs a job right after the current pjsua2 callback has returned, which is where
Call objects may be dropped safely; ``schedule`` is a timer on the engine
thread (ring timeouts, the demo prospect answering). Everything but ``post``
is for the engine thread only.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable

from dialer_app.engine.context import Job
from dialer_app.engine.transport import Waker

log = logging.getLogger("dialer_app.engine")


class JobLoop:
    """Runs jobs between ``libHandleEvents`` pumps; a failing job is reported, not fatal."""

    def __init__(self, on_error: Callable[[Exception], None]) -> None:
        self._on_error = on_error
        self._queue: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self._later: list[Job] = []
        self._timers: list[tuple[float, int, Job]] = []
        self._seq = itertools.count()
        self._waker: Waker | None = None
        self.owner: int | None = None

    def bind(self, waker: Waker) -> None:
        """Make the calling thread the owner; other threads' posts wake it through ``waker``."""
        self.owner = threading.get_ident()
        self._waker = waker

    def on_owner_thread(self) -> bool:
        """True on the engine thread."""
        return threading.get_ident() == self.owner

    def post(self, job: Job) -> None:
        """Queue ``job``; safe from any thread (pjmedia's clock thread included)."""
        self._queue.put(job)
        if self._waker is not None and not self.on_owner_thread():
            self._waker.wake()

    def later(self, job: Job) -> None:
        """Run ``job`` once the current pjsua2 callback has returned."""
        self._later.append(job)

    def schedule(self, delay_s: float, job: Job) -> None:
        """Run ``job`` after ``delay_s`` seconds."""
        heapq.heappush(self._timers, (time.monotonic() + delay_s, next(self._seq), job))

    def run_pending(self, timers: bool = True) -> None:
        """Deferred jobs, then queued commands, then due timers (each followed by its drops)."""
        self.run_later()
        jobs = self._queue
        while not jobs.empty():  # cheaper than get_nowait() raising Empty 100 times a second
            self._run(jobs.get_nowait())
            self.run_later()
        if not timers:
            return
        now = time.monotonic()
        while self._timers and self._timers[0][0] <= now:
            _, _, job = heapq.heappop(self._timers)
            self._run(job)
            self.run_later()

    def run_later(self) -> None:
        """Run the deferred jobs, including those they defer in turn."""
        while self._later:
            jobs, self._later = self._later, []
            while jobs:  # pop, so each closure (and the pjsua2 object it holds) dies right away
                self._run(jobs.pop(0))

    def clear(self) -> None:
        """Forget deferred jobs and timers (teardown)."""
        self._later.clear()
        self._timers.clear()

    def close(self) -> None:
        """Stop waking the engine thread."""
        waker, self._waker = self._waker, None
        if waker is not None:
            waker.close()

    def _run(self, job: Job) -> None:
        try:
            job()
        except Exception as exc:
            log.exception("engine job failed")
            self._on_error(exc)
