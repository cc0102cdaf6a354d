"""pjsua's hard limits, checked before they are hit.

pjlib guards its fixed-size tables with ``pj_assert``, which aborts the whole
process (the rep's unsaved notes included) instead of returning an error. The
engine therefore counts for itself and refuses or delays the request.
"""

from __future__ import annotations

import time
from collections import deque

MAX_ACCOUNTS = 8
"""PJSUA_MAX_ACC of the pjsua2 wheel (the demo line takes two: prospect + rep side)."""

MAX_LEGS_PER_WINDOW = 12
LEG_WINDOW_S = 0.5


class LegBudget:
    """Spaces out call legs so the media ioqueue never runs out of keys.

    Each call leg opens an RTP and an RTCP socket; a closed socket's ioqueue key
    is only reusable 500 ms later (PJ_IOQUEUE_KEY_FREE_DELAY), and past 64 keys
    pjlib asserts. Back-to-back failing calls (a cadence running through bad
    numbers) can get there, so at most 12 legs may start per half second; a
    demo call counts two (both legs live in this process).
    """

    def __init__(self, max_legs: int = MAX_LEGS_PER_WINDOW, window_s: float = LEG_WINDOW_S) -> None:
        self._max = max_legs
        self._window = window_s
        self._recent: deque[tuple[float, int]] = deque()

    def delay(self, legs: int, now: float | None = None) -> float:
        """0.0 (and the legs are booked) if they may start now, else seconds to wait."""
        now = time.monotonic() if now is None else now
        while self._recent and self._recent[0][0] <= now - self._window:
            self._recent.popleft()
        if sum(n for _, n in self._recent) + legs <= self._max:
            self._recent.append((now, legs))
            return 0.0
        return self._recent[0][0] + self._window - now + 0.001
