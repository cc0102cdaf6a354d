"""The team call log settings dialog, driven like an admin would, on the real service and DB."""

from __future__ import annotations

from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from dialer_app.app import AppContext
from dialer_app.db.models import CustomFieldType
from dialer_app.domain.call_log_defaults import DEFAULT_DISPOSITIONS
from dialer_app.services.team_options import OptionKind, TeamOptionsService
from dialer_app.ui.team_call_log_dialog import TeamCallLogDialog

D = OptionKind.DISPOSITION
W = TypeVar("W", bound=QWidget)


@pytest.fixture
def service(context: AppContext) -> TeamOptionsService:
    return TeamOptionsService(context.database.sessions)


def _open(qtbot: QtBot, service: TeamOptionsService) -> TeamCallLogDialog:
    dialog = TeamCallLogDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _find(dialog: TeamCallLogDialog, kind: type[W], name: str) -> W:
    widget = dialog.findChild(kind, name)
    assert widget is not None, name
    return widget


def _texts(widget: QListWidget) -> list[str]:
    return [widget.item(row).text() for row in range(widget.count())]


def _select(widget: QListWidget, text: str) -> None:
    widget.setCurrentRow(_texts(widget).index(text))


def test_tabs_and_defaults(qtbot: QtBot, service: TeamOptionsService) -> None:
    dialog = _open(qtbot, service)
    assert dialog.windowTitle() == "Team call log settings"
    tabs = _find(dialog, QTabWidget, "teamCallLogTabs")
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Dispositions",
        "Sentiments",
        "Custom call fields",
    ]
    assert _texts(_find(dialog, QListWidget, "dispositionList")) == [
        d.name for d in DEFAULT_DISPOSITIONS
    ]


def test_add_rename_move_and_archive_a_disposition(
    qtbot: QtBot, service: TeamOptionsService
) -> None:
    dialog = _open(qtbot, service)
    options = _find(dialog, QListWidget, "dispositionList")
    name_edit = _find(dialog, QLineEdit, "dispositionNameEdit")

    with qtbot.waitSignal(dialog.changed):
        qtbot.keyClicks(name_edit, "Meeting Booked")
        qtbot.keyClick(name_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()  # Enter adds; it does not close the dialog
    assert _texts(options)[-1] == "Meeting Booked"
    assert options.currentItem().text() == "Meeting Booked"
    assert name_edit.text() == ""

    qtbot.keyClicks(name_edit, "Demo Booked")
    qtbot.mouseClick(_find(dialog, QPushButton, "dispositionRename"), Qt.MouseButton.LeftButton)
    assert _texts(options)[-1] == "Demo Booked"
    assert [o.name for o in service.list_options(D)][-1] == "Demo Booked"

    up = _find(dialog, QPushButton, "dispositionMoveUp")
    down = _find(dialog, QPushButton, "dispositionMoveDown")
    assert not down.isEnabled()
    qtbot.mouseClick(up, Qt.MouseButton.LeftButton)
    assert _texts(options)[-2:] == ["Demo Booked", DEFAULT_DISPOSITIONS[-1].name]
    assert options.currentItem().text() == "Demo Booked"
    assert down.isEnabled()

    archive = _find(dialog, QPushButton, "dispositionArchive")
    _select(options, "Busy")
    assert archive.text() == "Archive"
    qtbot.mouseClick(archive, Qt.MouseButton.LeftButton)
    assert "Busy (archived)" in _texts(options)
    assert archive.text() == "Unarchive"
    assert "Busy" not in [o.name for o in service.list_options(D, include_archived=False)]
    qtbot.mouseClick(archive, Qt.MouseButton.LeftButton)
    assert "Busy" in _texts(options)


def test_delete_key_archives(qtbot: QtBot, service: TeamOptionsService) -> None:
    dialog = _open(qtbot, service)
    options = _find(dialog, QListWidget, "dispositionList")
    _select(options, "Gatekeeper")
    qtbot.keyClick(options, Qt.Key.Key_Delete)
    assert "Gatekeeper (archived)" in _texts(options)


def test_duplicate_name_shows_the_error_on_the_tab(
    qtbot: QtBot, service: TeamOptionsService
) -> None:
    dialog = _open(qtbot, service)
    name_edit = _find(dialog, QLineEdit, "dispositionNameEdit")
    error = _find(dialog, QLabel, "dispositionError")
    qtbot.keyClicks(name_edit, "no answer")
    qtbot.keyClick(name_edit, Qt.Key.Key_Return)
    assert error.isVisible()
    assert error.text() == 'There is already a disposition named "No Answer".'
    assert "color" in error.styleSheet()
    assert len(service.list_options(D)) == len(DEFAULT_DISPOSITIONS)
    assert name_edit.text() == "no answer"  # kept so the admin can fix it
    qtbot.keyClicks(name_edit, " (old)")
    assert not error.isVisible()


def test_required_checkbox_persists(qtbot: QtBot, service: TeamOptionsService) -> None:
    dialog = _open(qtbot, service)
    required = _find(dialog, QCheckBox, "sentimentRequired")
    assert not required.isChecked()
    required.click()
    dialog.close()
    assert service.is_required(OptionKind.SENTIMENT)

    again = _open(qtbot, service)
    assert _find(again, QCheckBox, "sentimentRequired").isChecked()
    assert not _find(again, QCheckBox, "dispositionRequired").isChecked()


def test_add_a_single_choice_field(qtbot: QtBot, service: TeamOptionsService) -> None:
    dialog = _open(qtbot, service)
    _find(dialog, QTabWidget, "teamCallLogTabs").setCurrentIndex(2)
    fields = _find(dialog, QListWidget, "fieldList")
    type_combo = _find(dialog, QComboBox, "fieldTypeCombo")
    choices = _find(dialog, QPlainTextEdit, "fieldChoicesEdit")
    assert type_combo.isEnabled()
    assert not choices.isVisible()

    qtbot.keyClicks(_find(dialog, QLineEdit, "fieldNameEdit"), "Budget")
    type_combo.setCurrentIndex(type_combo.findText("Single choice"))
    assert choices.isVisible()
    choices.setPlainText("Under 10k\n\n10k-50k\nOver 50k")
    _find(dialog, QCheckBox, "fieldRequired").setChecked(True)
    qtbot.mouseClick(_find(dialog, QPushButton, "addField"), Qt.MouseButton.LeftButton)

    assert _texts(fields) == ["Budget (Single choice, required)"]
    [field] = service.list_fields()
    assert field.field_type is CustomFieldType.CHOICE
    assert field.choices == ("Under 10k", "10k-50k", "Over 50k")
    # The new field is selected: its type can no longer change.
    assert fields.currentRow() == 0
    assert not type_combo.isEnabled()


def test_field_form_follows_the_selection(qtbot: QtBot, service: TeamOptionsService) -> None:
    service.add_field("Next step", CustomFieldType.TEXT)
    service.add_field("Budget", CustomFieldType.CHOICE, choices=["Low", "High"])
    dialog = _open(qtbot, service)
    _find(dialog, QTabWidget, "teamCallLogTabs").setCurrentIndex(2)
    fields = _find(dialog, QListWidget, "fieldList")
    type_combo = _find(dialog, QComboBox, "fieldTypeCombo")
    name_edit = _find(dialog, QLineEdit, "fieldNameEdit")
    error = _find(dialog, QLabel, "fieldError")

    fields.setCurrentRow(1)
    assert not type_combo.isEnabled()
    assert type_combo.currentText() == "Single choice"
    assert _find(dialog, QPlainTextEdit, "fieldChoicesEdit").toPlainText() == "Low\nHigh"

    name_edit.setText("next STEP")
    qtbot.mouseClick(_find(dialog, QPushButton, "saveField"), Qt.MouseButton.LeftButton)
    assert error.text() == 'There is already a field named "Next step".'

    name_edit.setText("Budget range")
    qtbot.mouseClick(_find(dialog, QPushButton, "saveField"), Qt.MouseButton.LeftButton)
    assert not error.isVisible()
    assert _texts(fields)[1] == "Budget range (Single choice)"

    qtbot.mouseClick(_find(dialog, QPushButton, "fieldMoveUp"), Qt.MouseButton.LeftButton)
    assert [f.name for f in service.list_fields()] == ["Budget range", "Next step"]

    qtbot.mouseClick(_find(dialog, QPushButton, "fieldArchive"), Qt.MouseButton.LeftButton)
    assert _texts(fields)[0] == "Budget range (Single choice) (archived)"
    assert _find(dialog, QPushButton, "fieldArchive").text() == "Unarchive"

    qtbot.mouseClick(_find(dialog, QPushButton, "newField"), Qt.MouseButton.LeftButton)
    assert type_combo.isEnabled()
    assert name_edit.text() == ""
