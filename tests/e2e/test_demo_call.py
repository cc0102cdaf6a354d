"""Click Dial in the real window and talk to the built-in demo line (real pjsua2, loopback).

One test, several calls: pjsua2 is a process-wide singleton, so one engine serves them all.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from dialer_app.app import AppContext, create_call_service, create_main_window, start_calls
from dialer_app.db.models import Call
from dialer_app.domain.line_status import LineState
from dialer_app.engine.events import CallState
from dialer_app.services.calls import CallService, FinishedCall
from dialer_app.ui.main_window import MainWindow

TIMEOUT_MS = 15_000


def _call(
    qtbot: QtBot, window: MainWindow, calls: CallService, number: str, *, hang_up: bool
) -> FinishedCall:
    window.dial_pad.clear()
    qtbot.keyClicks(window.dial_pad.number_edit, number)
    with qtbot.waitSignal(calls.call_finished, timeout=TIMEOUT_MS) as finished:
        qtbot.mouseClick(window.dial_pad.dial_button, Qt.MouseButton.LeftButton)
        if hang_up:
            qtbot.waitUntil(
                lambda: (
                    calls.active_call is not None and calls.active_call.state is CallState.CONNECTED
                ),
                timeout=TIMEOUT_MS,
            )
            assert window.call_panel.state_label.text().startswith("Connected")
            qtbot.mouseClick(window.call_panel.hangup_button, Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert isinstance(result, FinishedCall)
    return result


def test_dial_button_reaches_the_demo_prospect(qtbot: QtBot, context: AppContext) -> None:
    calls = create_call_service(context)
    window = create_main_window(context, calls)
    window.show()
    try:
        start_calls(context, calls, demo=True)
        qtbot.waitUntil(lambda: calls.line_status.state is LineState.DEMO, timeout=TIMEOUT_MS)

        answered = _call(qtbot, window, calls, "4045550100", hang_up=True)
        assert answered.end.outcome.value == "answered"
        assert answered.duration_s is not None
        assert window.call_panel.state_label.text().startswith("Call ended")

        busy = _call(qtbot, window, calls, "4045550486", hang_up=False)
        assert busy.end.outcome.value == "busy"
        assert busy.end.suggested_disposition == "Busy"

        with context.database.sessions() as session:
            rows = {row.uuid: row for row in session.scalars(select(Call))}
        assert rows[answered.call.call_id].outcome == "answered"
        assert rows[answered.call.call_id].codec
        assert rows[busy.call.call_id].outcome == "busy"
        assert rows[busy.call.call_id].sip_status == 486
    finally:
        calls.shutdown()
        window.close()
        window.deleteLater()
