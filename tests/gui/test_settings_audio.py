"""Settings → Audio and Voicemail on the real dialog (fake engine devices)."""

from __future__ import annotations

import array
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from dialer_app.app import AppContext, create_call_service
from dialer_app.domain.line_status import LineState
from dialer_app.secrets import SecretStore
from dialer_app.services.calls import CallService
from dialer_app.ui import settings_audio
from dialer_app.ui.settings_dialog import SettingsDialog
from tests.gui.fake_engine import FakeEngine


@pytest.fixture
def calls(qtbot: QtBot, context: AppContext) -> Iterator[CallService]:
    FakeEngine.instances.clear()
    service = create_call_service(context)
    service._engine_factory = FakeEngine  # type: ignore[assignment]
    service.start([], "")
    qtbot.waitUntil(lambda: service.line_status.state is LineState.DEMO)
    yield service
    service.shutdown()


@pytest.fixture
def dialog(
    qtbot: QtBot, context: AppContext, calls: CallService, monkeypatch: pytest.MonkeyPatch
) -> SettingsDialog:
    monkeypatch.setattr(settings_audio, "ringer_device_names", lambda: ["Desk Speakers"])
    dlg = SettingsDialog(context.settings, SecretStore(), calls=calls)
    qtbot.addWidget(dlg)
    return dlg


def test_devices_are_listed_and_switched_at_once(dialog: SettingsDialog) -> None:
    page = dialog.audio_page
    mics = [page.microphone_combo.itemText(i) for i in range(page.microphone_combo.count())]
    speakers = [page.speaker_combo.itemText(i) for i in range(page.speaker_combo.count())]
    assert mics == ["System default", "USB Headset", "Webcam Mic"]
    assert speakers == ["System default", "USB Headset", "Laptop Speakers"]
    page.microphone_combo.setCurrentIndex(2)
    page.speaker_combo.setCurrentIndex(2)
    engine = FakeEngine.instances[0]
    assert engine.last("set_audio_devices") == ("set_audio_devices", 2, 1)
    assert page.ringer_combo.itemText(0) == "Same as speaker"
    page.ringer_combo.setCurrentIndex(1)
    chosen = dialog.result_settings()
    assert (chosen.microphone, chosen.speaker, chosen.ringer) == (
        "Webcam Mic",
        "Laptop Speakers",
        "Desk Speakers",
    )


def test_microphone_meter_moves(qtbot: QtBot, dialog: SettingsDialog) -> None:
    page = dialog.audio_page
    qtbot.mouseClick(page.test_mic_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.level_bar.value() == 42)
    qtbot.mouseClick(page.test_mic_button, Qt.MouseButton.LeftButton)
    assert page.level_bar.value() == 0


def test_greeting_import_record_and_listen(
    qtbot: QtBot, dialog: SettingsDialog, calls: CallService, tmp_path: Path
) -> None:
    page = dialog.voicemail_page
    assert page is not None
    assert "No greeting yet" in page.status_label.text()
    assert not page.play_button.isEnabled()
    source = tmp_path / "hello.wav"
    with wave.open(str(source), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(array.array("h", [1000, -1000] * 8000).tobytes())
    assert page.import_file(source)
    assert "Imported hello.wav (2.0 s)" in page.status_label.text()
    assert calls.voicemail_greeting == calls.greeting_file
    qtbot.mouseClick(page.play_button, Qt.MouseButton.LeftButton)
    engine = FakeEngine.instances[0]
    assert engine.last("play_to_speaker")[1] == str(calls.greeting_file)
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    assert engine.last("start_greeting_recording")[1] == str(calls.greeting_file)
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    assert engine.last("stop_greeting_recording")


def test_a_bad_greeting_file_is_explained(dialog: SettingsDialog, tmp_path: Path) -> None:
    page = dialog.voicemail_page
    assert page is not None
    bad = tmp_path / "song.wav"
    bad.write_bytes(b"not audio")
    assert not page.import_file(bad)
    assert "not a WAV recording" in page.status_label.text()
