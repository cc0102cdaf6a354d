"""Team recording rules (admin): allow recording, record by default, retention, and the
rules by region (country, state/province, area code) with their mode and a note.

Nothing is saved until Save; ``RecordingGovernanceStore.save`` validates (its
GovernanceError sentence shows next to the table, everything typed stays), then the
service reloads the rules for the next call. Reset to defaults asks first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dialer_app.domain.recording_rules import (
    GovernanceError,
    GovernanceSettings,
    RecordingMode,
    RecordingRule,
    scope_label,
)

if TYPE_CHECKING:
    from dialer_app.db.recording_governance_store import RecordingGovernanceStore

ERROR_STYLE = "color: #c62828;"
SCOPE, REGION, MODE, NOTE = range(4)
MODES = tuple(RecordingMode)


def region_text(scope: str) -> str:
    """The Region column: "California", or what is wrong with the scope typed."""
    if not scope.strip():
        return ""
    try:
        return scope_label(scope.strip().upper())
    except GovernanceError:
        return "⚠ unknown region"


class RecordingRulesDialog(QDialog):
    def __init__(
        self,
        store: RecordingGovernanceStore,
        parent: QWidget | None = None,
        *,
        on_saved: Callable[[GovernanceSettings], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recordingRulesDialog")
        self.setWindowTitle("Team recording rules")
        self.resize(760, 560)
        self._store = store
        self._on_saved = on_saved
        self._read_only = False

        intro = QLabel(
            "These rules apply to every rep on the team and always override the rep's choice. "
            "The shipped rules are a starting point, not legal advice: ask your own counsel."
        )
        intro.setWordWrap(True)
        self.allowed_check = QCheckBox("Allow call recording")
        self.allowed_check.setObjectName("recordingAllowed")
        self.allowed_check.setToolTip("Off: nobody on the team records any call.")
        self.default_check = QCheckBox("Record calls by default")
        self.default_check.setObjectName("recordByDefault")
        self.default_check.setToolTip(
            "The record icon starts red for calls to people; reps may still turn it off "
            "where the rules allow."
        )
        self.allowed_check.toggled.connect(self.default_check.setEnabled)
        self.retention_edit = QLineEdit()
        self.retention_edit.setObjectName("retentionDays")
        self.retention_edit.setPlaceholderText("empty: keep recordings")
        self.retention_edit.setMaximumWidth(160)
        self.retention_edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"\d{0,5}"), self)
        )
        retention = QHBoxLayout()
        retention.addWidget(QLabel("Delete recordings older than"))
        retention.addWidget(self.retention_edit)
        retention.addWidget(QLabel("days"))
        retention.addStretch(1)
        switches = QFormLayout()
        switches.addRow(self.allowed_check)
        switches.addRow(self.default_check)
        switches.addRow(retention)

        self.table = QTableWidget(0, 4)
        self.table.setObjectName("recordingRules")
        self.table.setHorizontalHeaderLabels(["Scope", "Region", "Mode", "Note"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemChanged.connect(self._on_item_changed)
        scope_help = QLabel(
            "Scope: a country (DE), a US state or Canadian province (US-CA, CA-QC) or a North "
            "American area code (415). The most specific rule wins."
        )
        scope_help.setWordWrap(True)
        scope_help.setStyleSheet("color: #555;")
        self.error_label = QLabel("")
        self.error_label.setObjectName("recordingRulesError")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.status_label = QLabel("")
        self.status_label.setObjectName("recordingRulesStatus")

        self.add_button = _button("Add rule", "addRecordingRule")
        self.add_button.clicked.connect(lambda _checked=False: self.add_rule())
        self.remove_button = _button("Remove rule", "removeRecordingRule")
        self.remove_button.clicked.connect(self.remove_selected)
        self.reset_button = _button("Reset to defaults…", "resetRecordingRules")
        self.reset_button.clicked.connect(self.reset_to_defaults)
        self.save_button = _button("Save", "saveRecordingRules")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.close_button = _button("Close", "closeRecordingRules")
        self.close_button.clicked.connect(self.reject)
        rule_buttons = QHBoxLayout()
        rule_buttons.addWidget(self.add_button)
        rule_buttons.addWidget(self.remove_button)
        rule_buttons.addStretch(1)
        rule_buttons.addWidget(self.reset_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(switches)
        layout.addWidget(QLabel("<b>Rules by region</b>"))
        layout.addWidget(scope_help)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error_label)
        layout.addLayout(rule_buttons)
        layout.addLayout(bottom)
        self.show_settings(store.load())

    # -- showing -------------------------------------------------------------------------
    def show_settings(self, settings: GovernanceSettings) -> None:
        self.allowed_check.setChecked(settings.recording_allowed)
        self.default_check.setChecked(settings.record_by_default)
        self.default_check.setEnabled(settings.recording_allowed)
        days = settings.retention_days
        self.retention_edit.setText("" if days is None else str(days))
        self.table.setRowCount(0)
        for rule in settings.rules:
            self.add_rule(rule, focus=False)
        self._show_error("")

    def add_rule(self, rule: RecordingRule | None = None, *, focus: bool = True) -> int:
        """A row for ``rule`` (an empty one to type into by default); returns its index."""
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        scope = rule.scope if rule else ""
        self.table.setItem(row, SCOPE, QTableWidgetItem(scope))
        region = QTableWidgetItem(region_text(scope))
        region.setFlags(region.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(row, REGION, region)
        combo = QComboBox()
        combo.setObjectName("ruleMode")
        combo.setAccessibleName("Recording mode")
        for mode in MODES:
            combo.addItem(mode.label, mode.value)
        combo.setCurrentIndex(MODES.index(rule.mode) if rule else 0)
        self.table.setCellWidget(row, MODE, combo)
        self.table.setItem(row, NOTE, QTableWidgetItem(rule.note if rule else ""))
        self.table.blockSignals(False)
        if focus:
            self.table.setCurrentCell(row, SCOPE)
            item = self.table.item(row, SCOPE)
            if item is not None:
                self.table.editItem(item)
        return row

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == SCOPE:
            region = self.table.item(item.row(), REGION)
            if region is not None:
                region.setText(region_text(item.text()))

    # -- reading the form ----------------------------------------------------------------
    def rules(self) -> list[RecordingRule]:
        """The rows as typed (empty rows skipped); validation is the store's."""
        rules = []
        for row in range(self.table.rowCount()):
            scope_item, note_item = self.table.item(row, SCOPE), self.table.item(row, NOTE)
            scope = scope_item.text() if scope_item else ""
            note = note_item.text() if note_item else ""
            if not scope.strip() and not note.strip():
                continue
            combo = self.table.cellWidget(row, MODE)
            value = combo.currentData() if isinstance(combo, QComboBox) else MODES[0].value
            rules.append(RecordingRule(scope, RecordingMode(value), note))
        return rules

    def settings(self) -> GovernanceSettings:
        """The form as settings (the validator lets only digits into the retention field)."""
        text = self.retention_edit.text().strip()
        days = int(text) if text else None
        return GovernanceSettings(
            record_by_default=self.default_check.isChecked(),
            rules=tuple(self.rules()),
            recording_allowed=self.allowed_check.isChecked(),
            retention_days=days,
        )

    # -- actions -------------------------------------------------------------------------
    def set_read_only(self, reason: str) -> None:
        """Show the rules without letting them change (a rep's come from the team server)."""
        self.status_label.setText(reason)
        for widget in (
            self.allowed_check,
            self.default_check,
            self.retention_edit,
            self.table,
            self.add_button,
            self.remove_button,
            self.reset_button,
            self.save_button,
        ):
            widget.setEnabled(False)
        self._read_only = True

    def save(self) -> bool:
        if self._read_only:
            return False
        try:
            saved = self._store.save(self.settings())
        except GovernanceError as exc:
            self._show_error(f"Not saved: {exc}")
            self.status_label.clear()
            return False
        self.show_settings(saved)  # cleaned: scopes upper-cased, notes trimmed
        self.status_label.setText("Saved. The rules apply from the next call.")
        if self._on_saved is not None:
            self._on_saved(saved)
        return True

    def reset_to_defaults(self) -> bool:
        answer = QMessageBox.question(
            self,
            "Reset recording rules?",
            "Replace the team's recording switches, retention and every rule with the shipped "
            "defaults (recording off by default, one-sided in all-party-consent states)?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        saved = self._store.reset_to_defaults()
        self.show_settings(saved)
        self.status_label.setText("Reset to the defaults and saved.")
        if self._on_saved is not None:
            self._on_saved(saved)
        return True

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))


def _button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAutoDefault(False)  # Enter in the table must not press a dialog button
    return button
