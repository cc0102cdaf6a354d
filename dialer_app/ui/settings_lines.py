"""Settings → Lines: Twilio Elastic SIP Trunking lines, their passwords, and Test line."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dialer_app.domain.phone import PhoneNumberError, parse_number
from dialer_app.engine.config import TWILIO_EDGES, LineConfig
from dialer_app.engine.events import OptionsResult
from dialer_app.services.lines import line_config_from_dict

EDGES = ("ashburn", "umatilla", "dublin", "frankfurt", "singapore", "tokyo", "sao-paulo", "sydney")
assert set(EDGES) == TWILIO_EDGES
TRANSPORTS = (
    ("TLS (secure, port 5061)", "tls"),
    ("TCP (port 5060)", "tcp"),
    ("UDP (port 5060)", "udp"),
)


def describe_options_result(result: OptionsResult) -> tuple[bool, str]:
    """Test line result in words: (ok, text)."""
    if result.ok:
        rtt = f" in {result.rtt_ms:.0f} ms" if result.rtt_ms is not None else ""
        if result.tls:
            verified = "certificate verified" if result.tls_verified else "certificate NOT verified"
            cipher = f", {result.tls_cipher}" if result.tls_cipher else ""
            tls = f" over TLS ({verified}{cipher})"
        else:
            tls = " (not encrypted)"
        return True, f"✓ The trunk answered {result.status} {result.reason}{rtt}{tls}."
    if result.error_code is not None and "CERT" in result.reason.upper():
        return False, (
            f"✗ The trunk's TLS certificate is not trusted ({result.reason}): "
            "install the CA or pick the right CA file."
        )
    return False, (
        f"✗ No good answer from the trunk ({result.status} {result.reason}): "
        "check the domain, the transport and port, and your network."
    )


def _as_e164(text: str, region: str) -> str:
    """Caller IDs may be typed in any format; the trunk needs E.164 (else kept as typed)."""
    try:
        return parse_number(text, region).e164
    except PhoneNumberError:
        return text


class LinesPage(QWidget):
    """Edits a list of line dicts (engine.LineConfig fields); passwords are kept apart."""

    test_requested = Signal(object, str)  # LineConfig, password ("" = use the keyring's)

    def __init__(
        self,
        lines: list[dict[str, Any]],
        default_line: str,
        region: str = "US",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._lines: list[dict[str, Any]] = [dict(line) for line in lines]
        self.passwords: dict[str, str] = {}
        """Passwords typed in this dialog, by line name (saved to the keyring on Save)."""
        self.default_line = default_line
        self.region = region
        self._current = -1

        self.line_list = QListWidget()
        self.line_list.setObjectName("lineList")
        self.line_list.currentRowChanged.connect(self._select)
        add = QPushButton("Add line")
        add.setObjectName("addLine")
        add.clicked.connect(self.add_line)
        remove = QPushButton("Remove")
        remove.setObjectName("removeLine")
        remove.clicked.connect(self.remove_line)
        make_default = QPushButton("Make default")
        make_default.setObjectName("makeDefault")
        make_default.clicked.connect(self.make_default)
        list_buttons = QHBoxLayout()
        for button in (add, remove, make_default):
            list_buttons.addWidget(button)

        self.name_edit = QLineEdit()
        self.domain_edit = QLineEdit()
        self.domain_edit.setPlaceholderText("acme.pstn.twilio.com")
        self.edge_combo = QComboBox()
        self.edge_combo.addItem("Automatic", "")
        for edge in EDGES:
            self.edge_combo.addItem(edge, edge)
        self.transport_combo = QComboBox()
        for label, value in TRANSPORTS:
            self.transport_combo.addItem(label, value)
        self.port_spin = QSpinBox()
        self.port_spin.setRange(0, 65535)
        self.port_spin.setSpecialValueText("default")
        self.secure_check = QCheckBox("Secure trunking: SRTP mandatory (needs TLS)")
        self.verify_check = QCheckBox("Verify the trunk's certificate")
        self.ca_edit = QLineEdit()
        self.ca_edit.setPlaceholderText("system CA store")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_edit, 1)
        ca_row.addWidget(browse)
        self.username_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("kept in the keyring")
        self.caller_id_edit = QLineEdit()
        self.caller_id_edit.setPlaceholderText("+14045551234 (a Twilio or verified number)")

        self.test_button = QPushButton("Test line")
        self.test_button.setObjectName("testLine")
        self.test_button.clicked.connect(self._request_test)
        self.result_label = QLabel("")
        self.result_label.setObjectName("lineTestResult")
        self.result_label.setWordWrap(True)

        self.form = QWidget()
        form = QFormLayout(self.form)
        form.addRow("Name", self.name_edit)
        form.addRow("Termination domain", self.domain_edit)
        form.addRow("Edge", self.edge_combo)
        form.addRow("Transport", self.transport_combo)
        form.addRow("Port", self.port_spin)
        form.addRow("", self.secure_check)
        form.addRow("", self.verify_check)
        form.addRow("CA file", ca_row)
        form.addRow("Credential username", self.username_edit)
        form.addRow("Password", self.password_edit)
        form.addRow("Caller ID", self.caller_id_edit)
        form.addRow(self.test_button, self.result_label)

        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        left.addWidget(self.line_list, 1)
        left.addLayout(list_buttons)
        layout.addLayout(left, 1)
        layout.addWidget(self.form, 2)
        self._refresh_list()
        if self._lines:
            self.line_list.setCurrentRow(0)
        else:
            self.form.setEnabled(False)

    # -- list ----------------------------------------------------------------------------
    def lines(self) -> list[dict[str, Any]]:
        self._store_form()
        return [dict(line) for line in self._lines]

    def add_line(self) -> None:
        self._store_form()
        names = {line["name"] for line in self._lines}
        name = next(f"Line {n}" for n in range(1, 100) if f"Line {n}" not in names)
        self._lines.append(
            {
                "name": name,
                "domain": "",
                "transport": "tls",
                "secure_media": True,
                "verify_server": True,
                "username": "",
                "caller_id": "",
            }
        )
        if not self.default_line:
            self.default_line = name
        self._refresh_list()
        self.line_list.setCurrentRow(len(self._lines) - 1)
        self.name_edit.setFocus()

    def remove_line(self) -> None:
        row = self.line_list.currentRow()
        if row < 0:
            return
        removed = self._lines.pop(row)
        self._current = -1
        if removed["name"] == self.default_line:
            self.default_line = self._lines[0]["name"] if self._lines else ""
        self._refresh_list()
        if self._lines:
            self.line_list.setCurrentRow(min(row, len(self._lines) - 1))
        else:
            self.form.setEnabled(False)

    def make_default(self) -> None:
        self._store_form()
        row = self.line_list.currentRow()
        if row >= 0:
            self.default_line = self._lines[row]["name"]
            self._refresh_list()

    def _refresh_list(self) -> None:
        current = self.line_list.currentRow()
        self.line_list.blockSignals(True)
        self.line_list.clear()
        for line in self._lines:
            suffix = "  (default)" if line["name"] == self.default_line else ""
            self.line_list.addItem(f"{line['name']}{suffix}")
        self.line_list.blockSignals(False)
        if 0 <= current < len(self._lines):
            self.line_list.setCurrentRow(current)

    # -- form ----------------------------------------------------------------------------
    def _select(self, row: int) -> None:
        self._store_form()
        self._current = row
        if not 0 <= row < len(self._lines):
            return
        self.form.setEnabled(True)
        line = self._lines[row]
        self.name_edit.setText(line.get("name", ""))
        self.domain_edit.setText(line.get("domain", ""))
        self.edge_combo.setCurrentIndex(max(0, self.edge_combo.findData(line.get("edge") or "")))
        self.transport_combo.setCurrentIndex(
            max(0, self.transport_combo.findData(line.get("transport", "tls")))
        )
        self.port_spin.setValue(int(line.get("port") or 0))
        self.secure_check.setChecked(bool(line.get("secure_media", False)))
        self.verify_check.setChecked(bool(line.get("verify_server", True)))
        self.ca_edit.setText(line.get("ca_file") or "")
        self.username_edit.setText(line.get("username", ""))
        self.password_edit.setText(self.passwords.get(line.get("name", ""), ""))
        self.caller_id_edit.setText(line.get("caller_id", ""))
        self.result_label.clear()

    def _store_form(self) -> None:
        row = self._current
        if not 0 <= row < len(self._lines):
            return
        old_name = self._lines[row]["name"]
        name = self.name_edit.text().strip() or old_name
        self._lines[row] = {
            "name": name,
            "domain": self.domain_edit.text().strip(),
            "edge": self.edge_combo.currentData() or None,
            "transport": self.transport_combo.currentData(),
            "port": self.port_spin.value() or None,
            "secure_media": self.secure_check.isChecked(),
            "verify_server": self.verify_check.isChecked(),
            "ca_file": self.ca_edit.text().strip() or None,
            "username": self.username_edit.text().strip(),
            "caller_id": _as_e164(self.caller_id_edit.text().strip(), self.region),
        }
        if self.password_edit.text():
            self.passwords[name] = self.password_edit.text()
            if old_name != name:
                self.passwords.pop(old_name, None)
        if old_name == self.default_line:
            self.default_line = name
        if old_name != name:
            self._refresh_list()

    def current_config(self) -> LineConfig:
        """The line being edited as an engine config; ValueError says what is wrong."""
        self._store_form()
        if not 0 <= self._current < len(self._lines):
            raise ValueError("Add a line first.")
        return line_config_from_dict(self._lines[self._current])

    def _request_test(self) -> None:
        try:
            config = self.current_config()
        except (TypeError, ValueError) as exc:
            self.show_test_result(False, f"✗ {exc}")
            return
        self.result_label.setStyleSheet("")
        self.result_label.setText("Testing…")
        self.test_requested.emit(config, self.password_edit.text())

    def show_test_result(self, ok: bool, text: str) -> None:
        self.result_label.setStyleSheet("color: #1e8449;" if ok else "color: #c0392b;")
        self.result_label.setText(text)

    def _browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "CA certificate", "", "Certificates (*.crt *.pem)"
        )
        if path:
            self.ca_edit.setText(path)
