"""The call controls in the real main window, driven by engine events (fake engine)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from dialer_app.app import AppContext
from dialer_app.db.models import Call
from dialer_app.engine.events import (
    CallEnded,
    CallMediaChanged,
    CallQuality,
    CallState,
    CallStateChanged,
)
from dialer_app.services.calls import CallService
from dialer_app.ui.main_window import MainWindow
from tests.gui.fake_engine import FakeEngine


def _dial_ava(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.people_panel.search_edit, "ava")
    qtbot.keyClick(window.people_panel.search_edit, Qt.Key.Key_Return)
    qtbot.keyClick(window.people_panel.table, Qt.Key.Key_Return)
    qtbot.mouseClick(window.dial_pad.dial_button, Qt.MouseButton.LeftButton)


def _play(qtbot: QtBot, calls: CallService, engine: FakeEngine, event: object) -> None:
    with qtbot.waitSignal(
        calls.call_changed if not isinstance(event, CallEnded) else calls.call_finished
    ):
        engine.on_event(event)  # type: ignore[arg-type]


def test_status_bar_shows_the_demo_line(phone: tuple[MainWindow, CallService, FakeEngine]) -> None:
    window, _calls, _engine = phone
    assert "Demo line" in window.line_indicator.text()


def test_a_whole_call_from_dial_to_hang_up(
    qtbot: QtBot, phone: tuple[MainWindow, CallService, FakeEngine], context: AppContext
) -> None:
    window, calls, engine = phone
    _dial_ava(qtbot, window)
    _, call_id, line, e164 = engine.last("dial")
    assert (line, e164) == ("Demo line", "+14045550100")
    panel = window.call_panel
    assert panel.state_label.text().startswith("Calling…")
    assert "Ava Thompson" in panel.state_label.text()
    assert "In call" in window.line_indicator.text()

    _play(qtbot, calls, engine, CallStateChanged(call_id, CallState.RINGING, 180, "Ringing"))
    assert panel.state_label.text().startswith("Ringing…")
    assert not panel.mute_button.isEnabled()

    _play(qtbot, calls, engine, CallStateChanged(call_id, CallState.CONNECTED, 200, "OK"))
    _play(qtbot, calls, engine, CallMediaChanged(call_id, True, False, True, "PCMU"))
    assert panel.state_label.text().startswith("Connected 00:0")
    assert panel.mute_button.isEnabled()
    assert panel.extension_button.isVisible()
    assert panel.extension_button.text() == "Dial extension 204"

    with qtbot.waitSignal(calls.quality_changed):
        engine.on_event(CallQuality(call_id, "PCMU", True, 45.0, 4.0, 20.0, 3.1))
    quality = panel.quality_label.text()
    assert "PCMU" in quality and "SRTP" in quality and "MOS 3.1" in quality
    assert "Poor audio quality" in quality and "High jitter" in quality and "Packet loss" in quality

    # keyboard: mute, hold, keypad tones, extension
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert engine.last("set_mute")[2] is True
    assert "muted" in panel.state_label.text()
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert engine.last("hold")[1] == call_id
    _play(qtbot, calls, engine, CallMediaChanged(call_id, True, True, True, "PCMU", muted=True))
    assert panel.state_label.text().startswith("On hold")
    assert panel.hold_button.text() == "Resume"
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert engine.last("resume")[1] == call_id
    qtbot.mouseClick(window.dial_pad.key_buttons["5"], Qt.MouseButton.LeftButton)
    assert engine.last("send_dtmf")[2] == "5"
    window.dial_pad.number_edit.setFocus()
    qtbot.keyClick(window.dial_pad.number_edit, Qt.Key.Key_NumberSign)
    assert engine.last("send_dtmf")[2] == "#"
    assert window.dial_pad.number_edit.text() == "+1 404-555-0100"  # not edited by tones
    qtbot.keyClick(
        window,
        Qt.Key.Key_X,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert engine.last("send_dtmf")[2] == "204"

    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert engine.last("hangup")[1] == call_id
    _play(
        qtbot,
        calls,
        engine,
        CallEnded(
            call_id,
            200,
            "Normal call clearing",
            12.5,
            True,
            True,
            stats=CallQuality(call_id, "PCMU", True, 12.0, 0.5, 20.0, 4.3),
        ),
    )
    assert panel.state_label.text() == "Call ended (00:12): The call was answered."
    assert window.dial_pad.dial_button.isVisible()
    assert "Demo line" in window.line_indicator.text()

    with context.database.sessions() as session:
        row = session.scalars(select(Call).where(Call.uuid == call_id)).one()
    assert row.person_id is not None
    assert row.number_e164 == "+14045550100"
    assert row.extension == "204"
    assert row.outcome == "answered"
    assert row.duration_s == pytest.approx(12.5)
    assert row.mos == pytest.approx(4.3)
    assert row.srtp is True


@pytest.mark.parametrize(
    ("status", "ringing", "by_rep", "outcome", "message"),
    [
        (486, True, False, "busy", "The line was busy."),
        (487, True, True, "no_answer", "No answer."),
        (403, False, False, "caller_id_rejected", "verified caller ID"),
        (407, False, False, "rejected_auth", "credentials"),
        (484, False, False, "invalid_number", "not a valid phone number"),
    ],
)
def test_endings_are_told_in_words(
    qtbot: QtBot,
    phone: tuple[MainWindow, CallService, FakeEngine],
    context: AppContext,
    status: int,
    ringing: bool,
    by_rep: bool,
    outcome: str,
    message: str,
) -> None:
    window, calls, engine = phone
    qtbot.keyClicks(window.dial_pad.number_edit, "4045550486")
    qtbot.keyClick(window.dial_pad.number_edit, Qt.Key.Key_Return)
    call_id = engine.last("dial")[1]
    with qtbot.waitSignal(calls.call_finished) as finished:
        engine.on_event(CallEnded(call_id, status, "x", None, ringing, by_rep))
    assert finished.args[0].end.outcome.value == outcome
    assert message in window.call_panel.state_label.text()
    with context.database.sessions() as session:
        assert session.scalars(select(Call.outcome).where(Call.uuid == call_id)).one() == outcome


def test_voicemail_drop_on_the_demo_line(
    qtbot: QtBot, phone: tuple[MainWindow, CallService, FakeEngine]
) -> None:
    window, calls, engine = phone
    qtbot.keyClicks(window.dial_pad.number_edit, "4045550199")
    qtbot.keyClick(window.dial_pad.number_edit, Qt.Key.Key_Return)
    call_id = engine.last("dial")[1]
    _play(qtbot, calls, engine, CallStateChanged(call_id, CallState.CONNECTED, 200, "OK"))
    assert window.call_panel.voicemail_button.isEnabled()
    qtbot.keyClick(
        window,
        Qt.Key.Key_V,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert engine.last("drop_voicemail")[2].endswith("greeting.wav")
    assert window.call_panel.state_label.text().startswith("Leaving voicemail")
    with qtbot.waitSignal(calls.call_finished) as finished:
        engine.on_event(CallEnded(call_id, 200, "OK", 6.0, True, True, voicemail_dropped=True))
    end = finished.args[0].end
    assert end.outcome.value == "left_voicemail"
    assert end.suggested_disposition == "Left Voicemail"


def test_a_second_dial_during_a_call_is_refused(
    qtbot: QtBot, phone: tuple[MainWindow, CallService, FakeEngine]
) -> None:
    window, calls, engine = phone
    qtbot.keyClicks(window.dial_pad.number_edit, "4045550100")
    qtbot.keyClick(window.dial_pad.number_edit, Qt.Key.Key_Return)
    with qtbot.waitSignal(calls.dial_refused) as refused:
        calls.dial("+442071838750")
    assert "current call" in refused.args[0]
    assert len([c for c in engine.commands if c[0] == "dial"]) == 1


def test_non_e164_is_refused_before_dialling(
    qtbot: QtBot, phone: tuple[MainWindow, CallService, FakeEngine]
) -> None:
    _window, calls, engine = phone
    with qtbot.waitSignal(calls.dial_refused) as refused:
        calls.dial("555 12")
    assert "too short" in refused.args[0]
    assert not [c for c in engine.commands if c[0] == "dial"]


def test_ringer_device_plays_the_ringback_instead_of_the_engine(
    qtbot: QtBot, phone: tuple[MainWindow, CallService, FakeEngine], context: AppContext
) -> None:
    window, calls, engine = phone
    assert not [c for c in engine.commands if c[0] == "set_ringback"]  # no ringer: engine rings
    window.apply_settings(context.settings.with_changes(ringer="Desk Speakers"))
    assert engine.last("set_ringback") == ("set_ringback", False)
    qtbot.keyClicks(window.dial_pad.number_edit, "4045550100")
    qtbot.keyClick(window.dial_pad.number_edit, Qt.Key.Key_Return)
    call_id = engine.last("dial")[1]
    _play(qtbot, calls, engine, CallStateChanged(call_id, CallState.RINGING, 180, "Ringing"))
    assert window.ringer.is_ringing
    _play(qtbot, calls, engine, CallStateChanged(call_id, CallState.CONNECTED, 200, "OK"))
    assert not window.ringer.is_ringing
