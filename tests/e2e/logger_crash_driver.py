"""The app in its own process for the crash test (tests/e2e/test_logger_crash.py).

``type DATA_DIR``: start like `dialer-app --demo`, call the demo prospect, type notes into
the popped-out logger, print ``draft-saved`` once autosave wrote them, then wait to be
killed. ``recover DATA_DIR``: start again and print the notes the reopened logger shows.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from dialer_app.app import (
    create_call_service,
    create_main_window,
    open_context,
    start_session,
)
from dialer_app.paths import AppPaths

NOTES = "Budget approved for Q3. Call back Tuesday 10am, ask for the CFO."


def main(mode: str, data_dir: str) -> int:
    app = QApplication(sys.argv)
    context = open_context(AppPaths.resolve(data_dir), demo=True)
    calls = create_call_service(context)
    window = create_main_window(context, calls)
    window.show()
    logger = window._deps.logger
    assert logger is not None
    start_session(context, window, calls, demo=True)

    if mode == "type":

        def dial_when_ready() -> None:
            if not calls.line_status.can_dial:
                QTimer.singleShot(20, dial_when_ready)
                return
            window.dial_pad.set_number("+14045550100", person="Ava Thompson")
            window.dial_pad.request_dial()

        def type_notes(_session: object) -> None:
            assert window.logger_window is not None
            QTest.keyClicks(window.logger_window.panel.notes, NOTES)

        logger.session_opened.connect(type_notes)
        logger.draft_saved.connect(
            lambda call_uuid: print(json.dumps({"draft_saved": call_uuid}), flush=True)
        )
        QTimer.singleShot(0, dial_when_ready)
    else:

        def report() -> None:
            session = logger.session
            panel = window.logger_window.panel if window.logger_window else None
            print(
                json.dumps(
                    {
                        "recovered": session is not None and session.recovered,
                        "call_uuid": session.call_uuid if session else None,
                        "notes": panel.notes.toPlainText() if panel else None,
                        "visible": bool(window.logger_window and window.logger_window.isVisible()),
                    }
                ),
                flush=True,
            )
            app.quit()

        logger.session_opened.connect(lambda _s: QTimer.singleShot(0, report))
        QTimer.singleShot(10_000, report)  # nothing reopened: report that instead of hanging
    try:
        return app.exec()
    finally:
        calls.shutdown()
        context.close()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
