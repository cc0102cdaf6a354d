"""Team recording rules (admin): add a rule, a wrong scope explained, save, reset."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox
from pytestqt.qtbot import QtBot

from dialer_app.app import AppContext, create_main_window
from dialer_app.db.recording_governance_store import RecordingGovernanceStore
from dialer_app.domain.recording_defaults import DEFAULT_GOVERNANCE
from dialer_app.domain.recording_rules import RecordingMode, RecordingRule
from dialer_app.ui.recording_rules_dialog import MODE, NOTE, REGION, SCOPE, RecordingRulesDialog
from tests.gui.fake_recordings import FakeRecordingService


@pytest.fixture
def store(context: AppContext) -> RecordingGovernanceStore:
    return RecordingGovernanceStore(context.database.sessions)


def _type_rule(
    qtbot: QtBot, dialog: RecordingRulesDialog, scope: str, mode: RecordingMode, note: str
) -> int:
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    row = dialog.table.rowCount() - 1
    dialog.table.item(row, SCOPE).setText(scope)  # type: ignore[union-attr]
    dialog.table.item(row, NOTE).setText(note)  # type: ignore[union-attr]
    combo = dialog.table.cellWidget(row, MODE)
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(mode.value))
    return row


def test_shows_the_defaults(qtbot: QtBot, store: RecordingGovernanceStore) -> None:
    dialog = RecordingRulesDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.allowed_check.isChecked()
    assert not dialog.default_check.isChecked()
    assert dialog.retention_edit.text() == ""
    assert dialog.table.rowCount() == len(DEFAULT_GOVERNANCE.rules)
    scopes = [dialog.table.item(r, SCOPE).text() for r in range(dialog.table.rowCount())]  # type: ignore[union-attr]
    california = scopes.index("US-CA")
    assert dialog.table.item(california, REGION).text() == "California"  # type: ignore[union-attr]
    combo = dialog.table.cellWidget(california, MODE)
    assert isinstance(combo, QComboBox) and combo.currentText() == "One-Sided Recording"


def test_add_a_rule_and_save(qtbot: QtBot, store: RecordingGovernanceStore) -> None:
    saved = []
    dialog = RecordingRulesDialog(store, on_saved=saved.append)
    qtbot.addWidget(dialog)
    row = _type_rule(qtbot, dialog, " 415 ", RecordingMode.DO_NOT_RECORD, "  team   choice ")
    assert dialog.table.item(row, REGION).text() == "area code 415 (California)"  # type: ignore[union-attr]
    dialog.default_check.setChecked(True)
    qtbot.keyClicks(dialog.retention_edit, "90x")  # letters are refused by the field
    assert dialog.retention_edit.text() == "90"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    loaded = store.load()
    assert loaded.retention_days == 90 and loaded.record_by_default
    assert RecordingRule("415", RecordingMode.DO_NOT_RECORD, "team choice") in loaded.rules
    assert saved == [loaded]
    assert dialog.table.item(row, SCOPE).text() == "415"  # type: ignore[union-attr]
    assert dialog.status_label.text().startswith("Saved.")


def test_a_wrong_scope_is_explained_and_nothing_typed_is_lost(
    qtbot: QtBot, store: RecordingGovernanceStore
) -> None:
    dialog = RecordingRulesDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    row = _type_rule(qtbot, dialog, "XX1", RecordingMode.RECORD, "typo")
    assert dialog.table.item(row, REGION).text() == "⚠ unknown region"  # type: ignore[union-attr]
    dialog.retention_edit.setText("30")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text().startswith('Not saved: "XX1" is not a region the rules know')
    assert dialog.table.item(row, SCOPE).text() == "XX1"  # type: ignore[union-attr]
    assert dialog.retention_edit.text() == "30"
    assert store.load() == DEFAULT_GOVERNANCE
    dialog.retention_edit.setText("0")
    dialog.table.item(row, SCOPE).setText("US-NY")  # type: ignore[union-attr]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Keep recordings for 1 to" in dialog.error_label.text()


def test_team_switch_off_greys_the_default(qtbot: QtBot, store: RecordingGovernanceStore) -> None:
    dialog = RecordingRulesDialog(store)
    qtbot.addWidget(dialog)
    dialog.allowed_check.setChecked(False)
    assert not dialog.default_check.isEnabled()
    assert dialog.save()
    assert not store.load().recording_allowed


def test_remove_and_reset_to_defaults_after_asking(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, store: RecordingGovernanceStore
) -> None:
    dialog = RecordingRulesDialog(store)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.save()
    assert len(store.load().rules) == len(DEFAULT_GOVERNANCE.rules) - 1
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.No)
    assert not dialog.reset_to_defaults()
    assert len(store.load().rules) == len(DEFAULT_GOVERNANCE.rules) - 1
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.reset_button, Qt.MouseButton.LeftButton)
    assert store.load() == DEFAULT_GOVERNANCE
    assert dialog.table.rowCount() == len(DEFAULT_GOVERNANCE.rules)


def test_the_file_menu_opens_it_and_saving_reloads_the_service(
    qtbot: QtBot, context: AppContext
) -> None:
    service = FakeRecordingService()
    window = create_main_window(context, recordings=service)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(
        window,
        Qt.Key.Key_G,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = window.recording_rules_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.save()
    assert ("reload_governance", None) in service.calls
    dialog.close()


def test_a_rep_with_a_team_server_sees_the_rules_read_only(
    qtbot: QtBot, context: AppContext
) -> None:
    context.settings = context.settings.with_changes(team_server_url="https://dialer.example")
    service = FakeRecordingService()
    window = create_main_window(context, recordings=service)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    dialog = window.open_recording_rules()
    assert dialog is not None
    assert dialog.status_label.text() == "Managed by your team server"
    assert not dialog.save_button.isEnabled() and not dialog.table.isEnabled()
    assert not dialog.save()
    assert ("reload_governance", None) not in service.calls
    dialog.close()
