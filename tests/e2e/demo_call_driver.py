"""Drives the real main window in its own process: click Dial, reach Connected on the
built-in demo line, hang up, then a busy number. Prints one JSON line per call.

Run by tests/e2e/test_demo_call.py in a subprocess, because pjsua2 allows one endpoint
per process and the engine integration tests own this process's.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from dialer_app.app import create_call_service, create_main_window, open_context, start_calls
from dialer_app.domain.line_status import LineState
from dialer_app.engine.events import CallState
from dialer_app.paths import AppPaths
from dialer_app.services.calls import FinishedCall
from dialer_app.ui.event_wait import wait_until as wait_for

TIMEOUT_MS = 15_000


def wait_until(condition: Callable[[], bool], what: str) -> None:
    if not wait_for(condition, TIMEOUT_MS):
        raise SystemExit(f"timed out waiting for {what}")


def main() -> int:
    app = QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as data_dir:
        context = open_context(AppPaths.resolve(data_dir), demo=True)
        calls = create_call_service(context)
        window = create_main_window(context, calls)
        window.show()
        finished: list[FinishedCall] = []
        calls.call_finished.connect(finished.append)
        start_calls(context, calls, demo=True)
        wait_until(lambda: calls.line_status.state is LineState.DEMO, "the demo line")
        for number, hang_up in (("4045550100", True), ("4045550486", False)):
            window.dial_pad.clear()
            QTest.keyClicks(window.dial_pad.number_edit, number)
            QTest.mouseClick(window.dial_pad.dial_button, Qt.MouseButton.LeftButton)
            seen = len(finished)
            state_text = ""
            if hang_up:
                wait_until(
                    lambda: (
                        calls.active_call is not None
                        and calls.active_call.state is CallState.CONNECTED
                    ),
                    "Connected",
                )
                state_text = window.call_panel.state_label.text()
                QTest.mouseClick(window.call_panel.hangup_button, Qt.MouseButton.LeftButton)
            wait_until(lambda seen=seen: len(finished) > seen, "the end of the call")
            done = finished[-1]
            print(
                json.dumps(
                    {
                        "number": number,
                        "call_id": done.call.call_id,
                        "outcome": done.end.outcome.value,
                        "suggested": done.end.suggested_disposition,
                        "duration_s": done.duration_s,
                        "panel_while_connected": state_text,
                        "panel_after": window.call_panel.state_label.text(),
                    }
                ),
                flush=True,
            )
        calls.shutdown()
        window.close()
        context.close()
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
