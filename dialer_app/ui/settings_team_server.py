"""Settings → Team server: the address, the API token (kept in the keyring) and Test
connection (``GET /me`` on a worker thread)."""

from __future__ import annotations

import threading

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from dialer_app.secrets import API_TOKEN, SecretStore
from dialer_app.services.team_server import check_team_server
from dialer_app.settings import Settings


class TeamServerPage(QWidget):
    tested = Signal(bool, str)  # from the test thread; queued to the GUI thread

    def __init__(
        self, settings: Settings, secrets: SecretStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("teamServerSettings")
        self._secrets = secrets
        self._allow_insecure_http = settings.allow_insecure_http
        self.url_edit = QLineEdit(settings.team_server_url)
        self.url_edit.setObjectName("teamServerUrl")
        self.url_edit.setPlaceholderText("https://dialer.example.com")
        self.token_edit = QLineEdit()
        self.token_edit.setObjectName("teamServerToken")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        has_token = bool(secrets.get(API_TOKEN))
        self.token_edit.setPlaceholderText(
            "stored in the keyring" if has_token else "paste your API token (dlr_…)"
        )
        self.keyring_label = QLabel(secrets.status().message)
        self.keyring_label.setWordWrap(True)
        self.test_button = QPushButton("Test connection")
        self.test_button.setObjectName("teamServerTest")
        self.test_button.clicked.connect(self.test)
        self.result_label = QLabel("")
        self.result_label.setObjectName("teamServerResult")
        self.result_label.setWordWrap(True)
        self.tested.connect(self._show_result)
        form = QFormLayout(self)
        form.addRow("Team server", self.url_edit)
        form.addRow("API token", self.token_edit)
        form.addRow("", self.keyring_label)
        form.addRow("", self.test_button)
        form.addRow("", self.result_label)

    def test(self) -> threading.Thread:
        url = self.url_edit.text().strip()
        token = self.token_edit.text().strip() or self._secrets.get(API_TOKEN) or ""
        self.test_button.setEnabled(False)
        self.result_label.setText("Connecting…")
        thread = threading.Thread(
            target=lambda: self.tested.emit(
                *check_team_server(url, token, allow_insecure_http=self._allow_insecure_http)
            ),
            name="team-server-test",
            daemon=True,
        )
        thread.start()
        return thread

    def _show_result(self, ok: bool, text: str) -> None:
        self.test_button.setEnabled(True)
        self.result_label.setText(text)
        self.result_label.setStyleSheet("" if ok else "color: #c0392b;")
