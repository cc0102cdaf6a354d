"""Settings: general options, trunk lines (with Test line), team server and its API token."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dialer_app.domain.person_profile import is_time_zone
from dialer_app.engine.config import LineConfig
from dialer_app.engine.events import OptionsResult
from dialer_app.secrets import (
    API_TOKEN,
    SecretStorageUnavailable,
    SecretStore,
    sip_password_key,
    smtp_password_key,
)
from dialer_app.services.calls import CallService, LineSetup
from dialer_app.services.lines import line_config_from_dict
from dialer_app.settings import Settings
from dialer_app.ui.region_combo import region_combo
from dialer_app.ui.settings_audio import AudioPage, VoicemailPage
from dialer_app.ui.settings_email import EmailPage
from dialer_app.ui.settings_lines import LinesPage, describe_options_result
from dialer_app.ui.settings_team_server import TeamServerPage
from dialer_app.ui.time_zones import time_zone_completer


def ask_keep_secret_for_session(parent: QWidget | None, message: str) -> bool:
    """The keyring is unusable: ask whether to keep the secret in memory until quitting."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("No secure password storage")
    box.setText(message)
    keep = box.addButton("Keep for this session only", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is keep


def store_secret(parent: QWidget | None, store: SecretStore, name: str, value: str) -> bool:
    """Save a secret, offering session-only storage when the keyring is missing."""
    try:
        store.set(name, value)
    except SecretStorageUnavailable as exc:
        if not ask_keep_secret_for_session(parent, str(exc)):
            return False
        store.keep_for_session_only()
        store.set(name, value)
    return True


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        secrets: SecretStore,
        parent: QWidget | None = None,
        *,
        calls: CallService | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        self.resize(760, 480)
        self._secrets = secrets
        self._settings = settings
        self._calls = calls
        self._testing: str | None = None

        self.tabs = QTabWidget()
        self.tabs.addTab(self._general_page(settings, secrets), "General")
        self.lines_page = LinesPage(settings.lines, settings.default_line, settings.default_region)
        self.lines_page.test_requested.connect(self._test_line)
        self.tabs.addTab(self.lines_page, "Lines")
        self.email_page = EmailPage(settings, secrets)
        self.tabs.addTab(self.email_page, "Email")
        self.audio_page = AudioPage(settings, calls)
        self.tabs.addTab(self.audio_page, "Audio")
        self.team_server_page = TeamServerPage(settings, secrets)
        self.server_edit = self.team_server_page.url_edit
        self.token_edit = self.team_server_page.token_edit
        self.tabs.addTab(self.team_server_page, "Team server")
        self.voicemail_page: VoicemailPage | None = None
        if calls is not None and calls.greeting_file is not None:
            self.voicemail_page = VoicemailPage(calls.greeting_file, calls)
            self.tabs.addTab(self.voicemail_page, "Voicemail")
        if calls is not None:
            calls.line_tested.connect(self._on_line_tested)
        self.finished.connect(lambda _result: self.audio_page.stop())

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    def _general_page(self, settings: Settings, secrets: SecretStore) -> QWidget:
        page = QWidget()
        self.region_combo = region_combo(settings.default_region)
        self.logger_check = QCheckBox("Use popped-out call logger")
        self.logger_check.setChecked(settings.use_popped_out_logger)
        self.ring_spin = QSpinBox()
        self.ring_spin.setRange(10, 120)
        self.ring_spin.setSuffix(" s")
        self.ring_spin.setValue(settings.ring_timeout_s)
        self.zone_edit = QLineEdit(settings.time_zone)
        self.zone_edit.setObjectName("repTimeZone")
        self.zone_edit.setPlaceholderText("this computer's time zone")
        self.zone_edit.setCompleter(time_zone_completer(self))
        self.zone_error = QLabel("")
        self.zone_error.setStyleSheet("color: #c0392b;")
        self.auto_dial_check = QCheckBox("Cadence phone steps: dial the next person by itself")
        self.auto_dial_check.setChecked(settings.auto_dial)
        form = QFormLayout(page)
        form.addRow("Default region for numbers", self.region_combo)
        form.addRow("Your time zone (steps fall due at your midnight)", self.zone_edit)
        form.addRow("", self.zone_error)
        form.addRow("", self.logger_check)
        form.addRow("", self.auto_dial_check)
        form.addRow("Stop ringing after", self.ring_spin)
        return page

    # -- Test line -----------------------------------------------------------------------
    def _password_for(self, name: str, typed: str) -> str | None:
        return typed or self._secrets.get(sip_password_key(name))

    def _test_line(self, config: LineConfig, typed_password: str) -> None:
        if self._calls is None:
            self.lines_page.show_test_result(False, "✗ The phone engine is not running.")
            return
        password = self._password_for(config.name, typed_password)
        if not password:
            self.lines_page.show_test_result(False, "✗ Enter the line's password first.")
            return
        self._testing = config.name
        self._calls.test_line_config(LineSetup(config, password))

    def _on_line_tested(self, result: OptionsResult) -> None:
        if result.line_name != self._testing:
            return
        ok, text = describe_options_result(result)
        self.lines_page.show_test_result(ok, text)

    # -- saving --------------------------------------------------------------------------
    def result_settings(self) -> Settings:
        return self._settings.with_changes(
            default_region=str(self.region_combo.currentData()),
            use_popped_out_logger=self.logger_check.isChecked(),
            ring_timeout_s=self.ring_spin.value(),
            time_zone=self.zone_edit.text().strip(),
            auto_dial=self.auto_dial_check.isChecked(),
            team_server_url=self.server_edit.text().strip(),
            lines=self.lines_page.lines(),
            default_line=self.lines_page.default_line,
            **self.audio_page.chosen(),
            **self.email_page.chosen(),
        )

    def _line_problems(self) -> list[str]:
        problems = []
        names: set[str] = set()
        for raw in self.lines_page.lines():
            name = raw.get("name", "?")
            if name in names:
                problems.append(f"Two lines are called “{name}”: give each line its own name.")
            names.add(name)
            try:
                line_config_from_dict(raw)
            except (TypeError, ValueError) as exc:
                problems.append(f"Line “{name}”: {exc}")
        return problems

    def accept(self) -> None:
        zone = self.zone_edit.text().strip()
        if zone and not is_time_zone(zone):
            self.tabs.setCurrentIndex(0)
            self.zone_error.setText(
                f"“{zone}” is not a time zone: use a name such as Europe/London, or leave it "
                "empty for this computer's."
            )
            self.zone_edit.setFocus()
            return
        problems = self._line_problems()
        if problems:
            self.tabs.setCurrentWidget(self.lines_page)
            self.lines_page.show_test_result(False, "✗ " + " ".join(problems))
            return
        token = self.token_edit.text().strip()
        if token and not store_secret(self, self._secrets, API_TOKEN, token):
            return
        smtp_password = self.email_page.password_edit.text()
        smtp_user = self.email_page.username_edit.text().strip()
        if smtp_password and smtp_user:
            key = smtp_password_key(smtp_user)
            if not store_secret(self, self._secrets, key, smtp_password):
                return
        for name, password in self.lines_page.passwords.items():
            if not store_secret(self, self._secrets, sip_password_key(name), password):
                return
        super().accept()
