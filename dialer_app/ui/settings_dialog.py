"""Settings: dialling region, call logger placement, team server and its API token."""

from __future__ import annotations

import phonenumbers
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from dialer_app.secrets import API_TOKEN, SecretStorageUnavailable, SecretStore
from dialer_app.settings import Settings


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
    def __init__(self, settings: Settings, secrets: SecretStore, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        self._secrets = secrets
        self._settings = settings

        self.region_combo = QComboBox()
        self.region_combo.setObjectName("regionCombo")
        regions = sorted(phonenumbers.SUPPORTED_REGIONS)
        for region in regions:
            code = phonenumbers.country_code_for_region(region)
            self.region_combo.addItem(f"{region}  (+{code})", region)
        self.region_combo.setCurrentIndex(
            max(
                0,
                regions.index(settings.default_region) if settings.default_region in regions else 0,
            )
        )
        self.logger_check = QCheckBox("Use popped-out call logger")
        self.logger_check.setChecked(settings.use_popped_out_logger)
        self.server_edit = QLineEdit(settings.team_server_url)
        self.server_edit.setPlaceholderText("https://dialer.example.com")
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        has_token = bool(secrets.get(API_TOKEN))
        self.token_edit.setPlaceholderText(
            "stored in the keyring" if has_token else "paste your API token"
        )
        status = secrets.status()
        self.keyring_label = QLabel(status.message)
        self.keyring_label.setWordWrap(True)

        form = QFormLayout(self)
        form.addRow("Default region for numbers", self.region_combo)
        form.addRow("", self.logger_check)
        form.addRow("Team server", self.server_edit)
        form.addRow("API token", self.token_edit)
        form.addRow("", self.keyring_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def result_settings(self) -> Settings:
        return self._settings.with_changes(
            default_region=str(self.region_combo.currentData()),
            use_popped_out_logger=self.logger_check.isChecked(),
            team_server_url=self.server_edit.text().strip(),
        )

    def accept(self) -> None:
        token = self.token_edit.text().strip()
        if token and not store_secret(self, self._secrets, API_TOKEN, token):
            return
        super().accept()
