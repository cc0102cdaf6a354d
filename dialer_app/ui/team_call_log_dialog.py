"""Team call log settings: the admin's dispositions, sentiments and custom call fields.

Every button applies at once through :class:`TeamOptionsService` (which holds the rules);
this module only shows the lists and puts the service's refusals in a red label on the tab,
never in a modal box. Names are typed inline (not QInputDialog) so the flow is scriptable.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dialer_app.db.models import CustomFieldType
from dialer_app.services.team_options import (
    FieldRow,
    OptionKind,
    OptionRow,
    TeamOptionError,
    TeamOptionsService,
)

FIELD_TYPE_LABELS: dict[CustomFieldType, str] = {
    CustomFieldType.TEXT: "Text",
    CustomFieldType.NUMBER: "Number",
    CustomFieldType.DATE: "Date",
    CustomFieldType.CHOICE: "Single choice",
    CustomFieldType.CHECKBOX: "Checkbox",
}
ERROR_STYLE = "color: #c62828;"
ID_ROLE = Qt.ItemDataRole.UserRole


def _button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAutoDefault(False)  # Enter in a line edit must not press a dialog button
    return button


def _error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def _show_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


class _DeleteKeyFilter(QObject):
    """Delete on a list archives its selection (a filter, so it needs no focus dance)."""

    pressed = Signal()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Delete
        ):
            self.pressed.emit()
            return True
        return super().eventFilter(watched, event)


def _fill_list(
    widget: QListWidget, rows: list[tuple[int, str, bool]], selected: int | None
) -> None:
    """Rows are (id, text, archived); archived ones are greyed and say so."""
    grey = widget.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    widget.blockSignals(True)
    widget.clear()
    for row_id, text, archived in rows:
        item = QListWidgetItem(f"{text} (archived)" if archived else text)
        item.setData(ID_ROLE, row_id)
        if archived:
            item.setForeground(grey)
        widget.addItem(item)
        if row_id == selected:
            widget.setCurrentItem(item)
    widget.blockSignals(False)


def _current_id(widget: QListWidget) -> int | None:
    item = widget.currentItem()
    return None if item is None else int(item.data(ID_ROLE))


class OptionsPage(QWidget):
    """One list of dispositions or sentiments with its inline name field and buttons."""

    changed = Signal()

    def __init__(
        self, service: TeamOptionsService, kind: OptionKind, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._kind = kind
        prefix = kind.value
        self._options: dict[int, OptionRow] = {}
        self.error_label = _error_label(f"{prefix}Error")

        self.list = QListWidget()
        self.list.setObjectName(f"{prefix}List")
        self.list.currentRowChanged.connect(self._update_buttons)
        self.list.itemDoubleClicked.connect(self._edit_name)
        self._delete_filter = _DeleteKeyFilter(self)
        self._delete_filter.pressed.connect(self.archive_selected)
        self.list.installEventFilter(self._delete_filter)

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName(f"{prefix}NameEdit")
        self.name_edit.setPlaceholderText(
            f"New {prefix} name: Enter adds it, Rename renames the selected one"
        )
        self.name_edit.returnPressed.connect(self.add)
        self.name_edit.textEdited.connect(lambda _text: _show_error(self.error_label, ""))
        self.add_button = _button("Add", f"{prefix}Add")
        self.add_button.clicked.connect(self.add)
        self.rename_button = _button("Rename", f"{prefix}Rename")
        self.rename_button.clicked.connect(self.rename)
        name_row = QHBoxLayout()
        name_row.addWidget(self.name_edit, 1)
        name_row.addWidget(self.add_button)
        name_row.addWidget(self.rename_button)

        self.up_button = _button("Move up", f"{prefix}MoveUp")
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button = _button("Move down", f"{prefix}MoveDown")
        self.down_button.clicked.connect(lambda: self._move(1))
        self.archive_button = _button("Archive", f"{prefix}Archive")
        self.archive_button.clicked.connect(self.toggle_archived)
        buttons = QHBoxLayout()
        for button in (self.up_button, self.down_button, self.archive_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.required_check = QCheckBox("Required on every call log")
        self.required_check.setObjectName(f"{prefix}Required")
        self.required_check.setChecked(service.is_required(kind))
        self.required_check.toggled.connect(self._set_required)

        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(name_row)
        layout.addLayout(buttons)
        layout.addWidget(self.required_check)
        layout.addWidget(self.error_label)
        self.reload()

    def reload(self, selected: int | None = None) -> None:
        options = self._service.list_options(self._kind)
        self._options = {o.id: o for o in options}
        _fill_list(self.list, [(o.id, o.name, o.archived) for o in options], selected)
        self._update_buttons()

    def add(self) -> None:
        self._apply(lambda: self._service.add_option(self._kind, self.name_edit.text()).id)

    def rename(self) -> None:
        selected = _current_id(self.list)
        if selected is not None:
            text = self.name_edit.text()
            self._apply(lambda: self._service.rename_option(self._kind, selected, text).id)

    def toggle_archived(self) -> None:
        selected = _current_id(self.list)
        if selected is not None:
            archived = not self._options[selected].archived
            self._apply(
                lambda: self._service.set_archived(self._kind, selected, archived).id,
                keep_name=True,
            )

    def archive_selected(self) -> None:
        selected = _current_id(self.list)
        if selected is not None and not self._options[selected].archived:
            self.toggle_archived()

    def _move(self, step: int) -> None:
        selected = _current_id(self.list)
        if selected is None:
            return
        new_index = self.list.currentRow() + step

        def move() -> int:
            self._service.move_option(self._kind, selected, new_index)
            return selected

        self._apply(move, keep_name=True)

    def _apply(self, change: Callable[[], int], *, keep_name: bool = False) -> None:
        """Run one service call; ``change`` returns the id to keep selected."""
        try:
            selected = change()
        except TeamOptionError as error:
            _show_error(self.error_label, str(error))
            return
        _show_error(self.error_label, "")
        if not keep_name:
            self.name_edit.clear()
        self.reload(selected)
        self.changed.emit()

    def _set_required(self, required: bool) -> None:
        self._service.set_required(self._kind, required)
        self.changed.emit()

    def _edit_name(self, item: QListWidgetItem) -> None:
        self.name_edit.setText(self._options[int(item.data(ID_ROLE))].name)
        self.name_edit.setFocus()

    def _update_buttons(self) -> None:
        row = self.list.currentRow()
        selected = _current_id(self.list)
        self.rename_button.setEnabled(selected is not None)
        self.up_button.setEnabled(selected is not None and row > 0)
        self.down_button.setEnabled(selected is not None and row < self.list.count() - 1)
        self.archive_button.setEnabled(selected is not None)
        archived = selected is not None and self._options[selected].archived
        self.archive_button.setText("Unarchive" if archived else "Archive")


class FieldsPage(QWidget):
    """Custom call fields: a list and a form; the type is fixed once a field exists."""

    changed = Signal()

    def __init__(self, service: TeamOptionsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._fields: dict[int, FieldRow] = {}

        self.list = QListWidget()
        self.list.setObjectName("fieldList")
        self.list.currentRowChanged.connect(self._selection_changed)
        self._delete_filter = _DeleteKeyFilter(self)
        self._delete_filter.pressed.connect(self.archive_selected)
        self.list.installEventFilter(self._delete_filter)

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("fieldNameEdit")
        self.type_combo = QComboBox()
        self.type_combo.setObjectName("fieldTypeCombo")
        for field_type, label in FIELD_TYPE_LABELS.items():
            self.type_combo.addItem(label, field_type)
        self.type_combo.currentIndexChanged.connect(self._show_choices)
        self.choices_edit = QPlainTextEdit()
        self.choices_edit.setObjectName("fieldChoicesEdit")
        self.choices_edit.setPlaceholderText("One choice per line")
        self.choices_edit.setTabChangesFocus(True)
        self.required_check = QCheckBox("Required on every call log")
        self.required_check.setObjectName("fieldRequired")
        self.form = QFormLayout()
        self.form.addRow("Name", self.name_edit)
        self.form.addRow("Type", self.type_combo)
        self.form.addRow("Choices", self.choices_edit)
        self.form.addRow("", self.required_check)

        self.new_button = _button("New field", "newField")
        self.new_button.clicked.connect(self.new_field)
        self.add_button = _button("Add", "addField")
        self.add_button.clicked.connect(self.add)
        self.save_button = _button("Save changes", "saveField")
        self.save_button.clicked.connect(self.save)
        self.up_button = _button("Move up", "fieldMoveUp")
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button = _button("Move down", "fieldMoveDown")
        self.down_button.clicked.connect(lambda: self._move(1))
        self.archive_button = _button("Archive", "fieldArchive")
        self.archive_button.clicked.connect(self.toggle_archived)
        buttons = QHBoxLayout()
        for button in (
            self.new_button,
            self.add_button,
            self.save_button,
            self.up_button,
            self.down_button,
            self.archive_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.error_label = _error_label("fieldError")
        self.name_edit.textEdited.connect(lambda _text: _show_error(self.error_label, ""))

        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        layout.addWidget(self.error_label)
        self.reload()
        self._selection_changed()

    def reload(self, selected: int | None = None) -> None:
        fields = self._service.list_fields()
        self._fields = {f.id: f for f in fields}
        rows = []
        for f in fields:
            details = FIELD_TYPE_LABELS[f.field_type] + (", required" if f.required else "")
            rows.append((f.id, f"{f.name} ({details})", f.archived))
        _fill_list(self.list, rows, selected)
        self._update_buttons()

    def new_field(self) -> None:
        """Clear the selection so the form describes a field to add (any type)."""
        self.list.setCurrentRow(-1)
        self._selection_changed()
        self.name_edit.setFocus()

    def add(self) -> None:
        field_type = CustomFieldType(self.type_combo.currentData())
        self._apply(
            lambda: (
                self._service.add_field(
                    self.name_edit.text(),
                    field_type,
                    required=self.required_check.isChecked(),
                    choices=self._choices() if field_type is CustomFieldType.CHOICE else (),
                ).id
            )
        )

    def save(self) -> None:
        selected = _current_id(self.list)
        if selected is None:
            return
        is_choice = self._fields[selected].field_type is CustomFieldType.CHOICE
        self._apply(
            lambda: (
                self._service.update_field(
                    selected,
                    name=self.name_edit.text(),
                    required=self.required_check.isChecked(),
                    choices=self._choices() if is_choice else None,
                ).id
            )
        )

    def toggle_archived(self) -> None:
        selected = _current_id(self.list)
        if selected is not None:
            archived = not self._fields[selected].archived
            self._apply(lambda: self._service.set_field_archived(selected, archived).id)

    def archive_selected(self) -> None:
        selected = _current_id(self.list)
        if selected is not None and not self._fields[selected].archived:
            self.toggle_archived()

    def _move(self, step: int) -> None:
        selected = _current_id(self.list)
        if selected is None:
            return
        new_index = self.list.currentRow() + step

        def move() -> int:
            self._service.move_field(selected, new_index)
            return selected

        self._apply(move)

    def _apply(self, change: Callable[[], int]) -> None:
        """Run one service call; ``change`` returns the id to keep selected."""
        try:
            selected = change()
        except TeamOptionError as error:
            _show_error(self.error_label, str(error))
            return
        _show_error(self.error_label, "")
        self.reload(selected)
        self._selection_changed()
        self.changed.emit()

    def _choices(self) -> list[str]:
        return self.choices_edit.toPlainText().splitlines()

    def _selection_changed(self) -> None:
        selected = _current_id(self.list)
        field = None if selected is None else self._fields.get(selected)
        self.type_combo.setEnabled(field is None)
        if field is None:
            self.name_edit.clear()
            self.type_combo.setCurrentIndex(0)
            self.choices_edit.clear()
            self.required_check.setChecked(False)
        else:
            self.name_edit.setText(field.name)
            self.type_combo.setCurrentIndex(self.type_combo.findData(field.field_type))
            self.choices_edit.setPlainText("\n".join(field.choices))
            self.required_check.setChecked(field.required)
        _show_error(self.error_label, "")
        self._show_choices()
        self._update_buttons()

    def _show_choices(self) -> None:
        is_choice = self.type_combo.currentData() == CustomFieldType.CHOICE
        self.form.setRowVisible(self.choices_edit, is_choice)

    def _update_buttons(self) -> None:
        row = self.list.currentRow()
        selected = _current_id(self.list)
        field = None if selected is None else self._fields.get(selected)
        self.add_button.setEnabled(field is None)
        self.save_button.setEnabled(field is not None)
        self.up_button.setEnabled(field is not None and row > 0)
        self.down_button.setEnabled(field is not None and row < self.list.count() - 1)
        self.archive_button.setEnabled(field is not None)
        self.archive_button.setText("Unarchive" if field and field.archived else "Archive")


class TeamCallLogDialog(QDialog):
    """Admin settings for what reps pick when they log a call; changes apply immediately."""

    changed = Signal()
    """Something was saved: an open call logger may reload its options."""

    def __init__(self, service: TeamOptionsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Team call log settings")
        self.setObjectName("teamCallLogDialog")
        self.dispositions = OptionsPage(service, OptionKind.DISPOSITION)
        self.sentiments = OptionsPage(service, OptionKind.SENTIMENT)
        self.fields = FieldsPage(service)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("teamCallLogTabs")
        self.tabs.addTab(self.dispositions, "Dispositions")
        self.tabs.addTab(self.sentiments, "Sentiments")
        self.tabs.addTab(self.fields, "Custom call fields")
        for page in (self.dispositions, self.sentiments, self.fields):
            page.changed.connect(self.changed)

        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        close = box.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("closeButton")
        close.setAutoDefault(False)

        self.managed_label = QLabel("")
        self.managed_label.setObjectName("managedLabel")
        self.managed_label.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.managed_label)
        layout.addWidget(self.tabs)
        layout.addWidget(box)
        self.resize(520, 560)

    def set_read_only(self, reason: str) -> None:
        """Show the lists without letting them change (a rep's come from the team server)."""
        self.managed_label.setText(reason)
        self.managed_label.setVisible(True)
        for page in (self.dispositions, self.sentiments, self.fields):
            page.setEnabled(False)
