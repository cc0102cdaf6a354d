"""Run the Qt event loop until something is true (scripts driving the real windows:
benchmarks, the screenshot script, end-to-end drivers). Tests use qtbot.waitUntil."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QTimer


def wait_until(
    condition: Callable[[], object], timeout_ms: int = 15_000, poll_ms: int = 10
) -> bool:
    """True once ``condition()`` holds, False if ``timeout_ms`` passed first."""
    if condition():
        return True
    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: loop.quit() if condition() else None)
    poll.start(poll_ms)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    poll.stop()
    return bool(condition())
