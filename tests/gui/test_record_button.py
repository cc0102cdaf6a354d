"""The dialer's record icon: each state's look, hover text and click; wired to the service."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from dialer_app.app import AppContext, create_main_window
from dialer_app.domain.recording_indicator import IndicatorState, RecordingIndicator
from dialer_app.ui.main_window import MainWindow
from dialer_app.ui.record_button import AMBER, GREY, RED, RecordingControl
from tests.gui.fake_recordings import (
    ARMED,
    DISABLED,
    OFF,
    PAUSED,
    RECORDING,
    FakeRecordingService,
)


@pytest.mark.parametrize(
    ("indicator", "colour", "label"),
    [
        (ARMED, RED, "Record next call"),
        (OFF, GREY, "Not recording"),
        (DISABLED, GREY, "Not recording"),
        (RECORDING, RED, "● Recording"),
        (PAUSED, AMBER, "❚❚ Recording paused"),
    ],
)
def test_each_state_has_its_colour_words_and_hover_text(
    qtbot: QtBot, indicator: RecordingIndicator, colour: object, label: str
) -> None:
    control = RecordingControl()
    qtbot.addWidget(control)
    control.show_indicator(indicator)
    button = control.button
    assert button.colour == colour
    assert button.property("indicatorState") == indicator.state.value
    assert button.toolTip() == indicator.tooltip
    assert button.isEnabled() is indicator.clickable
    assert button.accessibleName() == (indicator.action or "Call recording")
    assert control.state_label.text() == label


def test_a_click_reaches_the_service_only_when_clickable(qtbot: QtBot) -> None:
    control = RecordingControl()
    qtbot.addWidget(control)
    control.show()
    clicks: list[bool] = []
    control.clicked.connect(lambda: clicks.append(True))
    control.show_indicator(ARMED)
    qtbot.mouseClick(control.button, Qt.MouseButton.LeftButton)
    control.show_indicator(DISABLED)
    qtbot.mouseClick(control.button, Qt.MouseButton.LeftButton)
    assert clicks == [True]


def test_a_disabled_icon_still_explains_why_on_hover(qtbot: QtBot) -> None:
    control = RecordingControl()
    qtbot.addWidget(control)
    control.show()
    qtbot.waitExposed(control)
    control.show_indicator(DISABLED)
    button = control.button
    centre = QPoint(button.width() // 2, button.height() // 2)
    QApplication.sendEvent(
        button, QHelpEvent(QEvent.Type.ToolTip, centre, button.mapToGlobal(centre))
    )
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == "Only calls to people in your database are recorded."
    QToolTip.hideText()


def test_notices_show_for_a_while(qtbot: QtBot) -> None:
    control = RecordingControl()
    qtbot.addWidget(control)
    control.show()
    control.show_notice("Recording stopped: the disk is full")
    assert control.notice_label.isVisible()
    assert control.notice_label.text() == "Recording stopped: the disk is full"
    control._notice_timer.setInterval(10)
    control._notice_timer.start()
    qtbot.waitUntil(lambda: not control.notice_label.isVisible())


@pytest.fixture
def service() -> FakeRecordingService:
    return FakeRecordingService()


@pytest.fixture
def window(qtbot: QtBot, context: AppContext, service: FakeRecordingService) -> MainWindow:
    main = create_main_window(context, recordings=service)  # type: ignore[arg-type]
    qtbot.addWidget(main)
    main.show()
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)  # window shortcuts need the active window
    return main


def test_the_icon_sits_top_left_of_the_dialer_and_follows_the_service(
    qtbot: QtBot, window: MainWindow, service: FakeRecordingService
) -> None:
    control = window.recording_control
    dialer = window.left_tabs.widget(0)
    assert dialer.isAncestorOf(control)
    assert control.mapTo(dialer, QPoint(0, 0)).y() < window.dial_pad.mapTo(dialer, QPoint(0, 0)).y()
    assert control.button.indicator == OFF  # the service's, from the start
    service.set_indicator(ARMED)
    assert control.button.indicator.state is IndicatorState.ARMED
    assert window.actions_by_name["record"].text() == "Don't record next call"
    qtbot.mouseClick(control.button, Qt.MouseButton.LeftButton)
    assert ("click", None) in service.calls


def test_ctrl_r_clicks_the_icon_when_it_can_be_clicked(
    qtbot: QtBot, window: MainWindow, service: FakeRecordingService
) -> None:
    service.set_indicator(RECORDING)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert service.calls.count(("click", None)) == 1
    service.set_indicator(DISABLED)
    assert not window.actions_by_name["record"].isEnabled()
    window.click_record()
    assert service.calls.count(("click", None)) == 1


def test_the_dial_pad_previews_the_next_call(
    qtbot: QtBot, window: MainWindow, service: FakeRecordingService
) -> None:
    window.people_panel.search_edit.setText("ava")
    window.people_panel.search_now()
    window.people_panel.table.selectRow(0)
    window.load_selected_person()
    qtbot.waitUntil(lambda: any(c[0] == "preview" and c[1][1] for c in service.calls))
    number, person_id = next(c[1] for c in reversed(service.calls) if c[0] == "preview")
    assert person_id == window.dial_pad.person_id
    assert number == window.dial_pad.number_text
    service.calls.clear()
    window.dial_pad.clear()
    qtbot.waitUntil(lambda: ("preview", ("", None)) in service.calls)


def test_a_notice_shows_on_the_dialer_and_in_the_status_bar(
    window: MainWindow, service: FakeRecordingService
) -> None:
    service.notice.emit("Recording started")
    assert window.recording_control.notice_label.text() == "Recording started"
    assert window.statusBar().currentMessage() == "Recording started"
