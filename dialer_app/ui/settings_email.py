"""Settings → Email: the rep's name and address on cadence emails, their SMTP account, and
Test connection (on a worker thread: a mail server may take 30 s to time out)."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from dialer_app.secrets import SecretStore, smtp_password_key
from dialer_app.services.smtp_client import SECURITY_CHOICES, SmtpAccount, check_connection
from dialer_app.settings import Settings

DEFAULT_PORTS = {"starttls": 587, "tls": 465}


class EmailPage(QWidget):
    tested = Signal(bool, str)  # from the test thread; queued to the GUI thread

    def __init__(
        self, settings: Settings, secrets: SecretStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("emailSettings")
        self._secrets = secrets
        self.name_edit = QLineEdit(settings.sender_name)
        self.name_edit.setObjectName("senderName")
        self.address_edit = QLineEdit(settings.sender_email)
        self.address_edit.setObjectName("senderEmail")
        self.host_edit = QLineEdit(settings.smtp_host)
        self.host_edit.setObjectName("smtpHost")
        self.host_edit.setPlaceholderText("smtp.gmail.com, smtp.office365.com…")
        self.port_spin = QSpinBox()
        self.port_spin.setObjectName("smtpPort")
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(settings.smtp_port)
        self.security_combo = QComboBox()
        self.security_combo.setObjectName("smtpSecurity")
        for value, label in SECURITY_CHOICES:
            self.security_combo.addItem(label, value)
        self.security_combo.setCurrentIndex(
            max(0, self.security_combo.findData(settings.smtp_security))
        )
        self.username_edit = QLineEdit(settings.smtp_username)
        self.username_edit.setObjectName("smtpUsername")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("smtpPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        stored = bool(
            settings.smtp_username and secrets.get(smtp_password_key(settings.smtp_username))
        )
        self.password_edit.setPlaceholderText(
            "stored in the keyring" if stored else "your SMTP or app password"
        )
        self.ca_edit = QLineEdit(settings.smtp_ca_file)
        self.ca_edit.setObjectName("smtpCaFile")
        self.ca_edit.setPlaceholderText("optional: your company's CA certificate file")
        self.test_button = QPushButton("Test connection")
        self.test_button.setObjectName("smtpTest")
        self.result_label = QLabel("")
        self.result_label.setObjectName("smtpResult")
        self.result_label.setWordWrap(True)

        form = QFormLayout(self)
        form.addRow("Your name (From, {{sender_name}})", self.name_edit)
        form.addRow("Your email (From, {{sender_email}})", self.address_edit)
        form.addRow("SMTP server", self.host_edit)
        form.addRow("Port", self.port_spin)
        form.addRow("Security", self.security_combo)
        form.addRow("Username", self.username_edit)
        form.addRow("Password", self.password_edit)
        form.addRow("CA file", self.ca_edit)
        form.addRow("", self.test_button)
        form.addRow("", self.result_label)

        self.security_combo.currentIndexChanged.connect(lambda _i: self._default_port())
        self.test_button.clicked.connect(self.test)
        self.tested.connect(self._show_result)

    def _default_port(self) -> None:
        port = DEFAULT_PORTS.get(str(self.security_combo.currentData()))
        if port is not None and self.port_spin.value() in {587, 465, 25}:
            self.port_spin.setValue(port)

    def chosen(self) -> dict[str, Any]:
        return {
            "sender_name": self.name_edit.text().strip(),
            "sender_email": self.address_edit.text().strip(),
            "smtp_host": self.host_edit.text().strip(),
            "smtp_port": self.port_spin.value(),
            "smtp_security": str(self.security_combo.currentData()),
            "smtp_username": self.username_edit.text().strip(),
            "smtp_ca_file": self.ca_edit.text().strip(),
        }

    def account(self) -> SmtpAccount:
        chosen = self.chosen()
        return SmtpAccount(
            host=chosen["smtp_host"],
            port=chosen["smtp_port"],
            security=chosen["smtp_security"],
            username=chosen["smtp_username"],
            from_address=chosen["sender_email"],
            from_name=chosen["sender_name"],
            ca_file=chosen["smtp_ca_file"],
        )

    def password(self) -> str | None:
        """What was typed, else the keyring's (for the test; saving stores the typed one)."""
        typed = self.password_edit.text()
        username = self.username_edit.text().strip()
        return typed or (self._secrets.get(smtp_password_key(username)) if username else None)

    def test(self) -> threading.Thread:
        account, password = self.account(), self.password()
        self.test_button.setEnabled(False)
        self.result_label.setStyleSheet("")
        self.result_label.setText(f"Connecting to {account.host or '…'}…")
        thread = threading.Thread(
            target=lambda: self.tested.emit(*check_connection(account, password)),
            name="smtp-test",
            daemon=True,
        )
        thread.start()
        return thread

    def _show_result(self, ok: bool, text: str) -> None:
        self.test_button.setEnabled(True)
        self.result_label.setStyleSheet("" if ok else "color: #b00020")
        self.result_label.setText(text)
