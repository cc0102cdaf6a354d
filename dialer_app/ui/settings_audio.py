"""Settings → Audio and Voicemail: devices (switchable mid-call), a microphone level meter,
and the voicemail greeting (record, import, listen)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dialer_app.services.calls import CallService
from dialer_app.services.voicemail import GreetingError, describe_greeting, import_greeting
from dialer_app.settings import Settings
from dialer_app.ui.ringer import ringer_device_names

SYSTEM_DEFAULT = ""


class AudioPage(QWidget):
    def __init__(
        self, settings: Settings, calls: CallService | None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self._calls = calls
        devices = calls.audio_devices() if calls is not None else []
        inputs = [d.name for d in devices if d.input_count > 0]
        outputs = [d.name for d in devices if d.output_count > 0]
        self.microphone_combo = self._combo("microphoneCombo", inputs, settings.microphone)
        self.speaker_combo = self._combo("speakerCombo", outputs, settings.speaker)
        self.ringer_combo = self._combo("ringerCombo", ringer_device_names(), settings.ringer)
        self.ringer_combo.setItemText(0, "Same as speaker")
        self.ringer_combo.setToolTip("Where the ringback tone plays while a call rings")
        self.microphone_combo.currentIndexChanged.connect(self._apply_devices)
        self.speaker_combo.currentIndexChanged.connect(self._apply_devices)

        self.level_bar = QProgressBar()
        self.level_bar.setObjectName("micLevel")
        self.level_bar.setRange(0, 100)
        self.level_bar.setTextVisible(False)
        self.test_mic_button = QPushButton("Test microphone")
        self.test_mic_button.setObjectName("testMic")
        self.test_mic_button.setCheckable(True)
        self.test_mic_button.toggled.connect(self._toggle_meter)
        self._meter = QTimer(self)
        self._meter.setInterval(100)
        self._meter.timeout.connect(self._read_level)
        meter_row = QHBoxLayout()
        meter_row.addWidget(self.test_mic_button)
        meter_row.addWidget(self.level_bar, 1)

        self.note_label = QLabel(
            "No sound devices found: calls work but are silent (null device)."
            if not devices
            else "Changes apply at once, also during a call."
        )
        self.note_label.setObjectName("audioNote")
        self.note_label.setWordWrap(True)

        form = QFormLayout(self)
        form.addRow("Microphone", self.microphone_combo)
        form.addRow("Speaker", self.speaker_combo)
        form.addRow("Ringer", self.ringer_combo)
        form.addRow("", meter_row)
        form.addRow("", self.note_label)

    @staticmethod
    def _combo(name: str, devices: list[str], current: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem("System default", SYSTEM_DEFAULT)
        for device in devices:
            combo.addItem(device, device)
        if current and combo.findData(current) < 0:
            combo.addItem(f"{current} (not connected)", current)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        return combo

    def chosen(self) -> dict[str, str]:
        return {
            "microphone": str(self.microphone_combo.currentData()),
            "speaker": str(self.speaker_combo.currentData()),
            "ringer": str(self.ringer_combo.currentData()),
        }

    def _apply_devices(self) -> None:
        if self._calls is not None:
            choice = self.chosen()
            self._calls.use_audio_devices(choice["microphone"], choice["speaker"])

    def _toggle_meter(self, on: bool) -> None:
        self.test_mic_button.setText("Stop test" if on else "Test microphone")
        if on:
            self._meter.start()
        else:
            self._meter.stop()
            self.level_bar.setValue(0)

    def _read_level(self) -> None:
        level = self._calls.microphone_level() if self._calls is not None else 0.0
        self.level_bar.setValue(round(level * 100))

    def stop(self) -> None:
        self.test_mic_button.setChecked(False)


class VoicemailPage(QWidget):
    """Record or import the greeting that "Drop voicemail" plays into a call."""

    def __init__(
        self, greeting_path: Path, calls: CallService | None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self._path = greeting_path
        self._calls = calls
        self.status_label = QLabel("")
        self.status_label.setObjectName("greetingStatus")
        self.status_label.setWordWrap(True)
        self.record_button = QPushButton("Record greeting")
        self.record_button.setObjectName("recordGreeting")
        self.record_button.setCheckable(True)
        self.record_button.toggled.connect(self._toggle_recording)
        self.import_button = QPushButton("Import WAV…")
        self.import_button.setObjectName("importGreeting")
        self.import_button.clicked.connect(self._choose_file)
        self.play_button = QPushButton("Listen")
        self.play_button.setObjectName("playGreeting")
        self.play_button.clicked.connect(self._play)
        buttons = QHBoxLayout()
        for button in (self.record_button, self.import_button, self.play_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "When a call reaches voicemail, click Drop voicemail: the greeting plays into the "
                "call, the app hangs up when it ends, and you can dial the next person at once."
            )
        )
        layout.addLayout(buttons)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        self.refresh()

    def refresh(self, message: str = "", *, error: bool = False) -> None:
        if message:
            self.status_label.setStyleSheet("color: #c0392b;" if error else "")
            self.status_label.setText(message)
        elif self._path.is_file():
            try:
                info = describe_greeting(self._path)
                self.status_label.setText(f"Your greeting: {info.seconds:.1f} s.")
            except GreetingError as exc:
                self.status_label.setText(str(exc))
        else:
            self.status_label.setText("No greeting yet: record one or import a WAV file.")
        self.play_button.setEnabled(self._path.is_file())

    def import_file(self, source: Path) -> bool:
        try:
            info = import_greeting(source, self._path)
        except GreetingError as exc:
            self.refresh(str(exc), error=True)
            return False
        self.refresh(f"Imported {source.name} ({info.seconds:.1f} s) as your greeting.")
        return True

    def _choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Voicemail greeting", "", "WAV audio (*.wav)")
        if name:
            self.import_file(Path(name))

    def _toggle_recording(self, on: bool) -> None:
        if self._calls is None:
            self.refresh("The phone engine is not running.", error=True)
            return
        if on:
            self.record_button.setText("Stop recording")
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._calls.start_greeting_recording(self._path)
            self.status_label.setText("Recording… speak your greeting, then click Stop.")
        else:
            self.record_button.setText("Record greeting")
            self._calls.stop_greeting_recording()
            self.status_label.setText("Saved.")
            QTimer.singleShot(300, self.refresh)

    def _play(self) -> None:
        if self._calls is not None and self._path.is_file():
            self._calls.play_to_speaker(self._path)
