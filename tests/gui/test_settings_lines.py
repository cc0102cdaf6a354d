"""Settings → Lines on the real dialog: add a Twilio line, validate, test it, save it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from dialer_app.app import AppContext, create_call_service
from dialer_app.domain.line_status import LineState
from dialer_app.secrets import SecretStore
from dialer_app.services.calls import CallService
from dialer_app.services.lines import line_config_from_dict
from dialer_app.ui.settings_dialog import SettingsDialog
from tests.gui.fake_engine import FakeEngine, PingingFakeEngine


@pytest.fixture
def calls(qtbot: QtBot, context: AppContext) -> Iterator[CallService]:
    FakeEngine.instances.clear()
    service = create_call_service(context)
    service._engine_factory = PingingFakeEngine  # type: ignore[assignment]
    service._engine_config = type(service._engine_config)(
        bind_address=""
    )  # a real trunk may be reached
    service.start([], "")
    qtbot.waitUntil(lambda: service.line_status.state is LineState.DEMO)
    yield service
    service.shutdown()


def _fill_twilio_line(qtbot: QtBot, dialog: SettingsDialog) -> None:
    page = dialog.lines_page
    dialog.tabs.setCurrentWidget(page)
    qtbot.mouseClick(page.findChild(type(page.test_button), "addLine"), Qt.MouseButton.LeftButton)
    page.name_edit.setText("Acme trunk")
    page.domain_edit.setText("acme.pstn.twilio.com")
    page.edge_combo.setCurrentIndex(page.edge_combo.findData("frankfurt"))
    page.username_edit.setText("rep1")
    qtbot.keyClicks(page.password_edit, "s3cret!")
    page.caller_id_edit.setText("(404) 555-0100")


def test_add_test_and_save_a_twilio_line(
    qtbot: QtBot,
    context: AppContext,
    calls: CallService,
    memory_keyring: dict[tuple[str, str], str],
) -> None:
    dialog = SettingsDialog(context.settings, SecretStore(), calls=calls)
    qtbot.addWidget(dialog)
    _fill_twilio_line(qtbot, dialog)
    page = dialog.lines_page

    with qtbot.waitSignal(calls.line_tested):
        qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    assert "answered 200 OK in 23 ms over TLS (certificate verified" in page.result_label.text()
    engine = FakeEngine.instances[0]
    assert engine.last("add_line")[1] == "Acme trunk"

    dialog.accept()
    settings = dialog.result_settings()
    assert settings.default_line == "Acme trunk"
    (line,) = settings.lines
    config = line_config_from_dict(line)
    assert config.host == "acme.pstn.frankfurt.twilio.com"
    assert config.caller_id == "+14045550100"
    assert config.transport == "tls" and config.effective_port == 5061
    assert config.secure_media and config.verify_server
    assert memory_keyring[("dialer_app", "sip-password:Acme trunk")] == "s3cret!"
    assert "s3cret!" not in repr(settings)


def test_invalid_line_blocks_saving_with_a_reason(
    qtbot: QtBot, context: AppContext, calls: CallService, memory_keyring: object
) -> None:
    dialog = SettingsDialog(context.settings, SecretStore(), calls=calls)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill_twilio_line(qtbot, dialog)
    dialog.lines_page.caller_id_edit.setText("call me")
    dialog.accept()
    assert dialog.isVisible()
    assert "caller ID must be E.164" in dialog.lines_page.result_label.text()


def test_edge_needs_a_twilio_domain(qtbot: QtBot, context: AppContext, calls: CallService) -> None:
    dialog = SettingsDialog(context.settings, SecretStore(), calls=calls)
    qtbot.addWidget(dialog)
    _fill_twilio_line(qtbot, dialog)
    dialog.lines_page.domain_edit.setText("sip.example.com")
    qtbot.mouseClick(dialog.lines_page.test_button, Qt.MouseButton.LeftButton)
    assert "edge only applies" in dialog.lines_page.result_label.text()
