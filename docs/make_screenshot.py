"""Refresh the README pictures: the real windows on the demo team, rendered offscreen.

docs/main-window.png: the main window on the demo line, a person on the dial pad.
docs/call-logger.png: the popped-out call logger during a demo call.
docs/cadences.png: the Cadences tab and the cadence side panel running a step.
Usage: .venv/bin/python docs/make_screenshot.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).parent


def main() -> int:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from dialer_app.app import create_call_service, create_main_window, open_context, start_session
    from dialer_app.engine.events import CallState
    from dialer_app.paths import AppPaths
    from dialer_app.ui.event_wait import wait_until

    app = QApplication(sys.argv)

    with tempfile.TemporaryDirectory() as data_dir:
        context = open_context(AppPaths.resolve(data_dir), demo=True)
        calls = create_call_service(context)
        window = create_main_window(context, calls)
        window.resize(1000, 600)
        window.show()
        start_session(context, window, calls, demo=True)
        wait_until(lambda: calls.line_status.can_dial)
        window.people_panel.search_edit.setText("acme")
        window.people_panel.search_now()
        window.people_panel.table.selectRow(0)
        window.load_selected_person()
        app.processEvents()
        window.grab().save(str(HERE / "main-window.png"))

        window.dial_pad.request_dial()
        wait_until(
            lambda: calls.active_call is not None and calls.active_call.state is CallState.CONNECTED
        )
        logger_window = window.logger_window
        if logger_window is not None:
            QTest.keyClicks(
                logger_window.panel.notes, "Owns outbound calling. Wants pricing for 12 reps."
            )
            wait_until(lambda: "MOS" in window.call_panel.quality_label.text())
            QTest.qWait(1100)  # one more tick of the call timer
            logger_window.grab().save(str(HERE / "call-logger.png"))
            window.grab().save(str(HERE / "in-call.png"))
        calls.hangup()
        wait_until(lambda: calls.active_call is None)

        window.resize(1300, 700)  # the Cadences tab, and the side panel running a step
        if window.cadences_tab is not None:
            window.right_tabs.setCurrentWidget(window.cadences_tab)
        window.actions_by_name["cadence_todo"].trigger()
        dock = window.cadence_dock
        if dock is not None and dock.panel.todo.rows:
            dock.panel.run(dock.panel.todo.rows[0])
        QTest.qWait(300)
        window.grab().save(str(HERE / "cadences.png"))
        calls.shutdown()
        context.close()
    print("saved docs/main-window.png, in-call.png, call-logger.png and cadences.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
