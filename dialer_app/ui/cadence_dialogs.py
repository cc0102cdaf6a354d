"""Dialogs of the Cadences tab: a step's fields (seed 003's Create Step box), and adding
people to a cadence with the refusals shown in words."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dialer_app.domain.cadences import DAY_MAX, STEP_TYPES, CadenceRuleError
from dialer_app.domain.email_templates import FIELDS, suggestion, unknown_fields
from dialer_app.ui.cadence_models import step_type_text


@dataclass(frozen=True)
class StepFields:
    step_type: str
    day: int
    name: str
    instructions: str
    email_subject: str = ""
    email_body: str = ""


class StepDialog(QDialog):
    """Type, day, name and instructions (a script may go there). ``submit`` saves them and
    raises ``CadenceRuleError`` to keep the dialog open with the reason shown."""

    def __init__(
        self,
        submit: Callable[[StepFields], object],
        parent: QWidget | None = None,
        initial: StepFields | None = None,
        type_locked: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("stepDialog")
        self.setWindowTitle("Edit step" if initial else "Add step")
        self._submit = submit
        self.type_combo = QComboBox()
        for step_type in STEP_TYPES:
            self.type_combo.addItem(step_type_text(step_type), step_type)
        self.day_spin = QSpinBox()
        self.day_spin.setRange(1, DAY_MAX)
        self.day_spin.setPrefix("Day ")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Intro Call, Follow up with a Voicemail…")
        self.instructions_edit = QPlainTextEdit()
        self.instructions_edit.setPlaceholderText("What to do, or the call script")
        self.email_box = self._build_email_template()
        self.error_label = QLabel("")
        self.error_label.setObjectName("stepError")
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.setWordWrap(True)
        if initial is not None:
            self.type_combo.setCurrentIndex(max(0, self.type_combo.findData(initial.step_type)))
            self.day_spin.setValue(initial.day)
            self.name_edit.setText(initial.name)
            self.instructions_edit.setPlainText(initial.instructions)
            self.subject_edit.setText(initial.email_subject)
            self.body_edit.setPlainText(initial.email_body)
        self.type_combo.setEnabled(not type_locked)
        form = QFormLayout()
        form.addRow("Type", self.type_combo)
        form.addRow("Day", self.day_spin)
        form.addRow("Name", self.name_edit)
        form.addRow("Instructions", self.instructions_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.email_box)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.type_combo.currentIndexChanged.connect(lambda _i: self._type_changed())
        self._type_changed()

    def _build_email_template(self) -> QWidget:
        """Email steps: the template, with an Insert field menu and a typo warning."""
        box = QWidget()
        box.setObjectName("emailTemplate")
        self.subject_edit = QLineEdit()
        self.subject_edit.setObjectName("templateSubject")
        self.subject_edit.setPlaceholderText("Quick question, {{first_name}}")
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("templateBody")
        self.body_edit.setPlaceholderText(
            "Hi {{first_name}},\n\n…at {{account}}…\n\n{{sender_first_name}}"
        )
        self.field_combo = QComboBox()
        self.field_combo.setObjectName("insertField")
        self.field_combo.addItem("Insert merge field…", "")
        for name, label in FIELDS.items():
            self.field_combo.addItem(f"{label}  {{{{{name}}}}}", name)
        self.field_combo.activated.connect(self._insert_field)
        self.template_warning = QLabel("")
        self.template_warning.setObjectName("templateWarning")
        self.template_warning.setStyleSheet("color: #b00020")
        self.template_warning.setWordWrap(True)
        form = QFormLayout(box)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Subject", self.subject_edit)
        form.addRow("Body", self.body_edit)
        form.addRow("", self.field_combo)
        form.addRow("", self.template_warning)
        self.subject_edit.textChanged.connect(lambda _t: self._check_template())
        self.body_edit.textChanged.connect(self._check_template)
        return box

    def _type_changed(self) -> None:
        self.email_box.setVisible(self.type_combo.currentData() == "email")

    def _insert_field(self, index: int) -> None:
        name = self.field_combo.itemData(index)
        if name:
            self.body_edit.insertPlainText(f"{{{{{name}}}}}")
            self.body_edit.setFocus()
        self.field_combo.setCurrentIndex(0)

    def _check_template(self) -> None:
        """Unknown field names are typos: say so while the rep types (each person's
        missing values are shown in the email window, per person)."""
        unknown = unknown_fields(self.subject_edit.text() + "\n" + self.body_edit.toPlainText())
        hints = []
        for name in unknown:
            close = suggestion(name)
            hints.append(f"{{{{{name}}}}}" + (f" (did you mean {{{{{close}}}}}?)" if close else ""))
        self.template_warning.setText(f"Unknown merge field {', '.join(hints)}." if hints else "")

    def fields(self) -> StepFields:
        return StepFields(
            str(self.type_combo.currentData()),
            self.day_spin.value(),
            self.name_edit.text(),
            self.instructions_edit.toPlainText(),
            self.subject_edit.text(),
            self.body_edit.toPlainText(),
        )

    def save(self) -> None:
        try:
            self._submit(self.fields())
        except CadenceRuleError as exc:
            self.error_label.setText(str(exc))
            return
        self.accept()


class AddToCadenceDialog(QDialog):
    """Pick a cadence for a person or several (``who``: "Ava Stone", "3 people"); the result
    (added, skipped, or refused with the reason, e.g. do not contact) stays on screen until
    the rep closes it."""

    def __init__(
        self,
        who: str,
        cadences: Sequence[tuple[int, str]],
        add: Callable[[int], tuple[bool, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("addToCadenceDialog")
        self.setWindowTitle(f"Add {who} to a cadence")
        self._add = add
        self.cadence_combo = QComboBox()
        for cadence_id, name in cadences:
            self.cadence_combo.addItem(name, cadence_id)
        self.add_button = QPushButton("Add")
        self.add_button.setDefault(True)
        self.add_button.setEnabled(bool(cadences))
        self.add_button.clicked.connect(self.add)
        self.result_label = QLabel("" if cadences else "There is no cadence yet: create one.")
        self.result_label.setObjectName("addResult")
        self.result_label.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Cadence", self.cadence_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.add_button)
        layout.addWidget(self.result_label)
        layout.addWidget(close)

    def add(self) -> None:
        cadence_id = self.cadence_combo.currentData()
        if cadence_id is None:
            return
        ok, message = self._add(int(cadence_id))
        self.result_label.setStyleSheet("" if ok else "color: #b00020")
        self.result_label.setText(message)
