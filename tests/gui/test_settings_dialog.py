from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from dialer_app.secrets import API_TOKEN, SecretStore
from dialer_app.settings import Settings
from dialer_app.ui import settings_dialog
from dialer_app.ui.settings_dialog import SettingsDialog


def _dialog(qtbot: QtBot, store: SecretStore) -> SettingsDialog:
    dialog = SettingsDialog(Settings(default_region="GB"), store)
    qtbot.addWidget(dialog)
    return dialog


def test_token_goes_to_the_keyring(
    qtbot: QtBot, memory_keyring: dict[tuple[str, str], str]
) -> None:
    store = SecretStore()
    dialog = _dialog(qtbot, store)
    assert dialog.region_combo.currentData() == "GB"
    qtbot.keyClicks(dialog.token_edit, "tok-123")
    dialog.accept()
    assert memory_keyring[("dialer_app", API_TOKEN)] == "tok-123"
    assert "tok-123" not in repr(dialog.result_settings())


@pytest.mark.usefixtures("no_keyring")
def test_no_keyring_offers_session_only(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def keep(_parent: object, message: str) -> bool:
        asked.append(message)
        return True

    monkeypatch.setattr(settings_dialog, "ask_keep_secret_for_session", keep)
    store = SecretStore()
    dialog = _dialog(qtbot, store)
    qtbot.keyClicks(dialog.token_edit, "tok-456")
    dialog.accept()
    assert asked and "session only" in asked[0]
    assert store.session_only
    assert store.get(API_TOKEN) == "tok-456"


@pytest.mark.usefixtures("no_keyring")
def test_no_keyring_and_cancel_keeps_the_dialog_open(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings_dialog, "ask_keep_secret_for_session", lambda *_: False)
    store = SecretStore()
    dialog = _dialog(qtbot, store)
    dialog.show()
    qtbot.keyClicks(dialog.token_edit, "tok-789")
    dialog.accept()
    assert dialog.isVisible()
    assert store.get(API_TOKEN) is None


def test_rep_time_zone_and_auto_dial_are_checked_and_saved(
    qtbot: QtBot, memory_keyring: dict[tuple[str, str], str]
) -> None:
    dialog = _dialog(qtbot, SecretStore())
    assert dialog.zone_edit.text() == "" and not dialog.auto_dial_check.isChecked()
    qtbot.keyClicks(dialog.zone_edit, "Europe/Londn")
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted  # refused, the text kept
    assert "is not a time zone" in dialog.zone_error.text()
    assert dialog.zone_edit.text() == "Europe/Londn"
    dialog.zone_edit.setText("Europe/London")
    dialog.auto_dial_check.setChecked(True)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    chosen = dialog.result_settings()
    assert (chosen.time_zone, chosen.auto_dial) == ("Europe/London", True)
