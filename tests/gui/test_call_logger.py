"""The call logger on the real windows (fake engine for the call, real SQLite for the log)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from dialer_app.app import AppContext
from dialer_app.db.call_log_store import CallLogStore
from dialer_app.db.models import (
    CadenceMembership,
    Call,
    CustomCallField,
    CustomFieldType,
    Disposition,
    LogState,
    MembershipState,
    StepCompletion,
    TeamSetting,
)
from dialer_app.engine.events import CallEnded, CallState, CallStateChanged
from dialer_app.services.calls import CallService
from dialer_app.ui.call_logger import FREQUENTLY_USED
from dialer_app.ui.main_window import MainWindow
from tests.gui.fake_engine import FakeEngine

Phone = tuple[MainWindow, CallService, FakeEngine]


def _dial(qtbot: QtBot, window: MainWindow, engine: FakeEngine, text: str) -> str:
    window.dial_pad.clear()
    qtbot.keyClicks(window.dial_pad.number_edit, text)
    qtbot.keyClick(window.dial_pad.number_edit, Qt.Key.Key_Return)
    return str(engine.last("dial")[1])


def _dial_person(qtbot: QtBot, window: MainWindow, engine: FakeEngine, query: str) -> str:
    panel = window.people_panel
    panel.search_edit.clear()
    qtbot.keyClicks(panel.search_edit, query)
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    qtbot.mouseClick(window.dial_pad.dial_button, Qt.MouseButton.LeftButton)
    return str(engine.last("dial")[1])


def _end(qtbot: QtBot, calls: CallService, engine: FakeEngine, event: CallEnded) -> None:
    with qtbot.waitSignal(calls.call_finished):
        engine.on_event(event)


def _call_row(context: AppContext, call_id: str) -> Call:
    with context.database.sessions() as session:
        return session.scalars(select(Call).where(Call.uuid == call_id)).one()


def test_popped_out_logger_appears_titled_and_live(qtbot: QtBot, phone: Phone) -> None:
    window, calls, engine = phone
    assert window.logger_window is None  # built when the first call starts
    call_id = _dial_person(qtbot, window, engine, "ava")
    logger = window.logger_window
    assert logger is not None
    assert logger.isVisible()
    assert logger.windowTitle() == "Ava Thompson"
    assert logger.live_label.isVisible()
    assert logger.panel.main_button.text() == "Log"
    _end(qtbot, calls, engine, CallEnded(call_id, 200, "OK", 30.0, True, True))
    assert not logger.live_label.isVisible()


def test_notes_autosave_and_log(qtbot: QtBot, phone: Phone, context: AppContext) -> None:
    window, calls, engine = phone
    call_id = _dial_person(qtbot, window, engine, "ava")
    panel = window.logger_window.panel  # type: ignore[union-attr]
    qtbot.keyClicks(panel.notes, "Wants a demo next week")
    logger = window._deps.logger
    assert logger is not None
    with qtbot.waitSignal(logger.draft_saved, timeout=5000):
        pass  # the 3 s autosave tick
    row = _call_row(context, call_id)
    assert row.notes == "Wants a demo next week"
    assert row.log_state == LogState.OPEN
    _end(qtbot, calls, engine, CallEnded(call_id, 200, "OK", 42.0, True, True))
    panel.disposition.setCurrentIndex(panel.disposition.findText("Connected"))
    panel.sentiment.setCurrentIndex(panel.sentiment.findText("Demo Scheduled"))
    with qtbot.waitSignal(logger.logged) as logged:
        qtbot.mouseClick(panel.main_button, Qt.MouseButton.LeftButton)
    assert logged.args[0].call_uuid == call_id
    row = _call_row(context, call_id)
    assert row.log_state == LogState.LOGGED and row.logged_at is not None
    assert row.notes == "Wants a demo next week"
    assert row.disposition_id is not None and row.sentiment_id is not None
    assert not window.logger_window.isVisible()  # type: ignore[union-attr]


def test_focus_change_saves_at_once(qtbot: QtBot, phone: Phone, context: AppContext) -> None:
    window, _calls, engine = phone
    call_id = _dial(qtbot, window, engine, "4045550100")
    logger_window = window.logger_window
    assert logger_window is not None
    logger_window.activateWindow()
    qtbot.waitUntil(logger_window.isActiveWindow)
    panel = logger_window.panel
    panel.notes.setFocus()
    qtbot.keyClicks(panel.notes, "gatekeeper said call back")
    logger = window._deps.logger
    assert logger is not None
    assert logger.dirty
    with qtbot.waitSignal(logger.draft_saved, timeout=1000):  # well before the 3 s tick
        panel.first_name.setFocus()
    assert _call_row(context, call_id).notes == "gatekeeper said call back"


def test_required_fields_block_logging_with_a_message(
    qtbot: QtBot, phone: Phone, context: AppContext
) -> None:
    with context.database.sessions.begin() as session:
        session.add(TeamSetting(key="disposition_required", value="1"))
        session.add(
            CustomCallField(name="Budget", field_type=CustomFieldType.NUMBER, required=True)
        )
        session.add(
            CustomCallField(
                name="Next step", field_type=CustomFieldType.CHOICE, choices='["Demo", "Trial"]'
            )
        )
    window, calls, engine = phone
    call_id = _dial_person(qtbot, window, engine, "ava")
    panel = window.logger_window.panel  # type: ignore[union-attr]
    assert "*" in panel.disposition_label.text()
    assert "*" not in panel.sentiment_label.text()
    _end(qtbot, calls, engine, CallEnded(call_id, 200, "OK", 5.0, True, True))
    qtbot.mouseClick(panel.main_button, Qt.MouseButton.LeftButton)
    assert "Choose a disposition" in panel.message.text()
    assert "Fill in “Budget”" in panel.message.text()
    assert _call_row(context, call_id).log_state == LogState.OPEN
    panel.disposition.setCurrentIndex(panel.disposition.findText("Connected"))
    editors = list(panel.custom.editors.values())
    qtbot.keyClicks(editors[0], "12000")
    editors[1].setCurrentIndex(2)  # type: ignore[attr-defined]
    qtbot.mouseClick(panel.main_button, Qt.MouseButton.LeftButton)
    row = _call_row(context, call_id)
    assert row.log_state == LogState.LOGGED
    assert sorted(json.loads(row.custom_values).values()) == ["12000", "Trial"]


def test_busy_call_suggests_busy(qtbot: QtBot, phone: Phone) -> None:
    window, calls, engine = phone
    call_id = _dial_person(qtbot, window, engine, "ben")
    _end(qtbot, calls, engine, CallEnded(call_id, 486, "Busy Here", None, True, False))
    panel = window.logger_window.panel  # type: ignore[union-attr]
    assert panel.disposition.currentText() == "Busy"
    assert "Suggested disposition: Busy" in panel.message.text()


def test_edited_dispositions_get_no_suggestion(
    qtbot: QtBot, phone: Phone, context: AppContext
) -> None:
    with context.database.sessions.begin() as session:
        busy = session.scalars(select(Disposition).where(Disposition.default_key == "busy")).one()
        busy.name = "Line Busy"
    window, calls, engine = phone
    call_id = _dial_person(qtbot, window, engine, "ben")
    _end(qtbot, calls, engine, CallEnded(call_id, 486, "Busy Here", None, True, False))
    panel = window.logger_window.panel  # type: ignore[union-attr]
    assert panel.disposition.currentData() is None


def test_frequently_used_dispositions_come_first(
    qtbot: QtBot, phone: Phone, context: AppContext
) -> None:
    with context.database.sessions.begin() as session:
        gatekeeper = session.scalars(
            select(Disposition).where(Disposition.name == "Gatekeeper")
        ).one()
        for n in range(5):
            session.add(
                Call(
                    uuid=f"old-{n}",
                    number_e164="+14045550100",
                    line_name="Demo line",
                    log_state=LogState.LOGGED,
                    disposition_id=gatekeeper.id,
                )
            )
    window, _calls, engine = phone
    _dial_person(qtbot, window, engine, "ava")
    names = window.logger_window.panel.disposition.names()  # type: ignore[union-attr]
    assert names[1] == FREQUENTLY_USED
    assert names[2].strip() == "Gatekeeper"
    rest = [n for n in names[4:] if n]
    assert rest == sorted(rest, key=str.casefold)
    assert "Gatekeeper" not in rest


def test_unknown_number_must_become_a_person_or_be_discarded(
    qtbot: QtBot, phone: Phone, context: AppContext
) -> None:
    window, calls, engine = phone
    call_id = _dial(qtbot, window, engine, "+44 20 7946 0999")
    logger_window = window.logger_window
    assert logger_window is not None
    assert logger_window.windowTitle() == ""
    panel = logger_window.panel
    assert panel.person_box.isVisible()
    _end(qtbot, calls, engine, CallEnded(call_id, 200, "OK", 3.0, True, True))
    qtbot.mouseClick(panel.main_button, Qt.MouseButton.LeftButton)
    assert "logged only to people" in panel.message.text()
    qtbot.keyClicks(panel.first_name, "Nora")
    qtbot.keyClicks(panel.last_name, "Quinn")
    qtbot.mouseClick(panel.create_person_button, Qt.MouseButton.LeftButton)
    assert logger_window.windowTitle() == "Nora Quinn"
    assert not panel.person_box.isVisible()
    qtbot.mouseClick(panel.main_button, Qt.MouseButton.LeftButton)
    row = _call_row(context, call_id)
    assert row.log_state == LogState.LOGGED and row.person_id is not None
    window.people_panel.search_edit.setText("nora")
    window.people_panel.search_now()
    assert window.people_model.rowCount() == 1

    other = _dial(qtbot, window, engine, "+44 20 7946 0998")
    _end(qtbot, calls, engine, CallEnded(other, 486, "Busy", None, True, False))
    qtbot.mouseClick(panel.discard_button, Qt.MouseButton.LeftButton)
    assert _call_row(context, other).log_state == LogState.DISCARDED


def test_a_person_made_from_a_call_is_known_to_the_dial_pad_and_the_list(
    qtbot: QtBot, phone: Phone, context: AppContext
) -> None:
    window, calls, engine = phone
    pad = window.dial_pad
    call_id = _dial(qtbot, window, engine, "+44 20 7946 0999")
    assert pad.person_label.text() == "Unknown number"
    _end(qtbot, calls, engine, CallEnded(call_id, 200, "OK", 3.0, True, True))
    panel = window.logger_window.panel  # type: ignore[union-attr]
    qtbot.keyClicks(panel.first_name, "Nora")
    qtbot.keyClicks(panel.last_name, "Quinn")
    qtbot.mouseClick(panel.create_person_button, Qt.MouseButton.LeftButton)
    nora = _call_row(context, call_id).person_id
    assert nora is not None
    assert (pad.person_label.text(), pad.person_id) == ("Nora Quinn", nora)  # redial is hers
    model = window.people_model
    assert "Nora Quinn" in [model.person_at(row).name for row in range(model.rowCount())]  # type: ignore[union-attr]
    qtbot.mouseClick(panel.main_button, Qt.MouseButton.LeftButton)

    again = _dial(qtbot, window, engine, "+44 20 7946 0999")  # typed again: hers too
    assert _call_row(context, again).person_id == nora


def _start_step(window: MainWindow, context: AppContext, person: str) -> int:
    with context.database.sessions() as session:
        membership = session.scalars(
            select(CadenceMembership)
            .join(CadenceMembership.person)
            .where(CadenceMembership.person.has(first_name=person))
        ).first()
        assert membership is not None
        membership_id = membership.id
    logger = window._deps.logger
    assert logger is not None
    logger.prepare_step(CallLogStore(context.database.sessions).step_info(membership_id))
    return membership_id


@pytest.mark.parametrize(
    ("action", "logged_state", "completed", "success"),
    [
        ("main", LogState.LOGGED, True, False),
        ("Log Only", LogState.LOGGED, False, False),
        ("Complete Only", LogState.DISCARDED, True, False),
        ("Success", LogState.LOGGED, True, True),
    ],
)
def test_cadence_phone_step_buttons(
    qtbot: QtBot,
    phone: Phone,
    context: AppContext,
    action: str,
    logged_state: LogState,
    completed: bool,
    success: bool,
) -> None:
    window, calls, engine = phone
    membership_id = _start_step(window, context, "Ava")
    call_id = _dial_person(qtbot, window, engine, "ava")
    panel = window.logger_window.panel  # type: ignore[union-attr]
    assert panel.main_button.text() == "Log and Complete"
    assert set(panel.menu_actions) == {a for a in panel.menu_actions}  # Log Only, Complete Only
    assert [a.text() for a in panel.more_menu.actions()] == ["Log Only", "Complete Only"]
    assert "Introduce yourself" in panel.instructions.toPlainText()
    engine.on_event(CallStateChanged(call_id, CallState.CONNECTED, 200, "OK"))
    _end(qtbot, calls, engine, CallEnded(call_id, 200, "OK", 20.0, True, True))
    logger = window._deps.logger
    assert logger is not None
    with qtbot.waitSignal(logger.logged) as logged:
        if action == "main":
            qtbot.mouseClick(panel.main_button, Qt.MouseButton.LeftButton)
        elif action == "Success":
            qtbot.mouseClick(panel.success_button, Qt.MouseButton.LeftButton)
        else:
            next(a for a in panel.more_menu.actions() if a.text() == action).trigger()
    result = logged.args[0]
    assert result.next_person is True
    assert result.completed_step is completed
    row = _call_row(context, call_id)
    assert row.log_state == logged_state
    assert row.success is success
    with context.database.sessions() as session:
        membership = session.get(CadenceMembership, membership_id)
        assert membership is not None
        done = session.scalars(
            select(StepCompletion).where(StepCompletion.membership_id == membership_id)
        ).all()
        assert len(done) == (1 if completed else 0)
        outcome = {"main": "log_and_complete", "Complete Only": "complete_only"}
        assert [d.outcome for d in done] == ([outcome.get(action, "success")] if completed else [])
        assert (membership.current_step is not None and membership.current_step.name) == (
            "Intro Email" if completed else "Intro Call"
        )
        assert membership.state == MembershipState.ACTIVE


def test_call_quick_action_turns_a_step_into_a_one_off(
    qtbot: QtBot, phone: Phone, context: AppContext
) -> None:
    window, _calls, engine = phone
    _start_step(window, context, "Ava")
    _dial_person(qtbot, window, engine, "ava")
    panel = window.logger_window.panel  # type: ignore[union-attr]
    logger = window._deps.logger
    assert logger is not None
    logger.set_one_off(True)
    assert panel.main_button.text() == "Log"
    assert panel.more_menu.actions() == []
    logger.set_one_off(False)
    assert panel.main_button.text() == "Log and Complete"


def test_log_tab_when_not_popped_out(qtbot: QtBot, phone: Phone, context: AppContext) -> None:
    window, _calls, engine = phone
    window.apply_settings(context.settings.with_changes(use_popped_out_logger=False))
    assert window.logger_window is None
    assert window.log_panel is not None
    assert window.left_tabs.tabText(1) == "Log"
    _dial_person(qtbot, window, engine, "ava")
    assert window.left_tabs.currentWidget() is window.log_panel
    assert window.log_panel.main_button.text() == "Log"


def test_log_tab_from_the_start(qtbot: QtBot, context: AppContext) -> None:
    from dialer_app.app import create_main_window

    context.settings = context.settings.with_changes(use_popped_out_logger=False)
    window = create_main_window(context)
    qtbot.addWidget(window)
    assert window.log_panel is not None
    assert window.logger_window is None
    assert [window.left_tabs.tabText(i) for i in range(window.left_tabs.count())] == [
        "Dialer",
        "Log",
    ]


def test_logged_call_shows_in_history_and_person_activity(
    qtbot: QtBot, phone: Phone, context: AppContext
) -> None:
    window, calls, engine = phone
    call_id = _dial_person(qtbot, window, engine, "ava")
    panel = window.logger_window.panel  # type: ignore[union-attr]
    qtbot.keyClicks(panel.notes, "Sent pricing")
    _end(qtbot, calls, engine, CallEnded(call_id, 200, "OK", 75.0, True, True))
    panel.disposition.setCurrentIndex(panel.disposition.findText("Connected"))
    panel.sentiment.setCurrentIndex(panel.sentiment.findText("Interested"))
    qtbot.mouseClick(panel.main_button, Qt.MouseButton.LeftButton)

    qtbot.keyClick(
        window,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    page = window.calls_page
    assert page is not None and window.right_tabs.currentWidget() is page
    assert page.filter_label.text() == "Calls with Ava Thompson"
    model = page.model
    assert model.rowCount() == 1
    cells = [model.index(0, c).data() for c in range(model.columnCount())]
    assert cells[1:] == [
        "Ava Thompson",
        "+14045550100",
        "01:15",
        "answered",
        "Connected",
        "Interested",
        "Sent pricing",
        "No Recording",
        "logged",
        "Waiting",
    ]
    qtbot.mouseClick(page.all_button, Qt.MouseButton.LeftButton)
    assert page.filter_label.text() == "All calls"


def test_calls_model_is_a_well_behaved_qt_model(qtmodeltester: object, phone: Phone) -> None:
    window, _calls, _engine = phone
    window.show_calls()
    assert window.calls_page is not None
    qtmodeltester.check(window.calls_page.model)  # type: ignore[attr-defined]
