"""The call logger: a Log panel (tab or popped-out window) for notes, disposition,
sentiment and the team's custom fields, with the log buttons of seed 000."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QDate, Qt, QTime, Signal
from PySide6.QtGui import QCloseEvent, QDoubleValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dialer_app.domain.call_log import CustomField, LogAction, LogFields, OrderedOptions
from dialer_app.services.call_logger import CallLoggerService, LogSession

ACTION_LABELS = {
    LogAction.LOG: "Log",
    LogAction.LOG_AND_COMPLETE: "Log and Complete",
    LogAction.LOG_ONLY: "Log Only",
    LogAction.COMPLETE_ONLY: "Complete Only",
    LogAction.SUCCESS: "Success",
}
FREQUENTLY_USED = "Frequently used"
_REQUIRED = '<span style="color:#c0392b">*</span> '


class OptionCombo(QComboBox):
    """Disposition/sentiment: 'Frequently used' on top, then the rest alphabetically."""

    def fill(self, ordered: OrderedOptions, selected: int | None) -> None:
        self.blockSignals(True)
        self.clear()
        self.addItem("— choose —", None)
        if ordered.frequent:
            self.addItem(FREQUENTLY_USED, None)
            header = self.model().index(self.count() - 1, 0)
            self.model().setData(header, 0, Qt.ItemDataRole.UserRole - 1)  # not selectable
            for option in ordered.frequent:
                self.addItem(f"  {option.name}", option.id)
            self.insertSeparator(self.count())
        for option in ordered.rest:
            self.addItem(option.name, option.id)
        self.select(selected)
        self.blockSignals(False)

    def select(self, option_id: int | None) -> None:
        index = self.findData(option_id) if option_id is not None else 0
        self.setCurrentIndex(max(0, index))

    def names(self) -> list[str]:
        return [self.itemText(i) for i in range(self.count())]


class CustomFieldsForm(QWidget):
    """One editor per admin-defined field; values keyed by the field's uuid."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._readers: dict[str, Callable[[], Any]] = {}
        self.editors: dict[str, QWidget] = {}

    def build(self, fields: list[CustomField], values: dict[str, Any]) -> None:
        while self._layout.rowCount():
            self._layout.removeRow(0)
        self._readers.clear()
        self.editors.clear()
        for custom in fields:
            editor, reader = self._editor(custom, values.get(custom.uuid))
            editor.setObjectName(f"custom_{custom.uuid}")
            label = QLabel((_REQUIRED if custom.required else "") + custom.name)
            self._layout.addRow(label, editor)
            self._readers[custom.uuid] = reader
            self.editors[custom.uuid] = editor

    def values(self) -> dict[str, Any]:
        return {uuid: read() for uuid, read in self._readers.items() if read() not in (None, "")}

    def _editor(self, custom: CustomField, value: Any) -> tuple[QWidget, Callable[[], Any]]:
        if custom.field_type == "checkbox":
            check = QCheckBox()
            check.setChecked(bool(value))
            check.toggled.connect(self.changed)
            return check, check.isChecked
        if custom.field_type == "choice":
            combo = QComboBox()
            combo.addItem("", None)
            for choice in custom.choices:
                combo.addItem(choice, choice)
            combo.setCurrentIndex(max(0, combo.findData(value)) if value else 0)
            combo.currentIndexChanged.connect(self.changed)
            return combo, combo.currentData
        if custom.field_type == "date":
            date = QDateEdit()
            date.setCalendarPopup(True)
            date.setSpecialValueText(" ")
            date.setMinimumDate(QDate(1900, 1, 1))
            date.setDate(
                QDate.fromString(value, Qt.DateFormat.ISODate) if value else date.minimumDate()
            )
            date.dateChanged.connect(self.changed)
            return (
                date,
                lambda: (
                    None
                    if date.date() == date.minimumDate()
                    else date.date().toString(Qt.DateFormat.ISODate)
                ),
            )
        edit = QLineEdit("" if value is None else str(value))
        if custom.field_type == "number":
            edit.setValidator(QDoubleValidator(edit))
        edit.textChanged.connect(self.changed)
        return edit, lambda: edit.text().strip()


class CallLogPanel(QWidget):
    """The Log tab's content; reports every edit to the logger service."""

    def __init__(self, logger: CallLoggerService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callLogPanel")
        self._logger = logger
        self._loading = False

        self.instructions = QPlainTextEdit()
        self.instructions.setObjectName("callInstructions")
        self.instructions.setReadOnly(True)
        self.instructions.setMaximumHeight(80)
        self.instructions_label = QLabel("Call instructions")
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("callNotes")
        self.notes.setPlaceholderText("Call notes")
        self.notes.textChanged.connect(self._edited)
        self.disposition = OptionCombo()
        self.disposition.setObjectName("dispositionCombo")
        self.disposition.currentIndexChanged.connect(self._edited)
        self.sentiment = OptionCombo()
        self.sentiment.setObjectName("sentimentCombo")
        self.sentiment.currentIndexChanged.connect(self._edited)
        self.disposition_label = QLabel("Disposition")
        self.sentiment_label = QLabel("Sentiment")
        self.custom = CustomFieldsForm()
        self.custom.changed.connect(self._edited)

        # calls to numbers that are not a person (seed 000: only people are logged)
        self.person_box = QWidget()
        self.person_box.setObjectName("unknownNumberBox")
        self.first_name = QLineEdit()
        self.first_name.setObjectName("newFirstName")
        self.first_name.setPlaceholderText("First name")
        self.last_name = QLineEdit()
        self.last_name.setObjectName("newLastName")
        self.last_name.setPlaceholderText("Last name")
        self.create_person_button = QPushButton("Create person from this number")
        self.create_person_button.setObjectName("createPerson")
        self.create_person_button.clicked.connect(
            lambda: logger.create_person(self.first_name.text(), self.last_name.text())
        )
        self.discard_button = QPushButton("Discard")
        self.discard_button.setObjectName("discardLog")
        self.discard_button.clicked.connect(logger.discard)
        box = QVBoxLayout(self.person_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(QLabel("This number is not a person yet. Calls are logged only to people."))
        names = QHBoxLayout()
        names.addWidget(self.first_name)
        names.addWidget(self.last_name)
        box.addLayout(names)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_person_button)
        buttons.addWidget(self.discard_button)
        box.addLayout(buttons)

        self.message = QLabel("")
        self.message.setObjectName("logMessage")
        self.message.setWordWrap(True)
        self.saved_label = QLabel("")
        self.saved_label.setObjectName("autosaveLabel")
        self.saved_label.setStyleSheet("color: #888; font-size: 11px;")
        self._main_action: LogAction = LogAction.LOG
        self.main_button = QToolButton()
        self.main_button.setObjectName("logButton")
        self.main_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.main_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.main_button.setMinimumHeight(30)
        self.main_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.main_button.clicked.connect(lambda: self._perform(self._main_action))
        self.more_menu = QMenu(self)
        self.success_button = QPushButton("Success")
        self.success_button.setObjectName("successButton")
        self.success_button.setToolTip("Log this call as a successful touch")
        self.success_button.clicked.connect(lambda: self._perform(LogAction.SUCCESS))
        self.menu_actions: dict[LogAction, Any] = {}

        form = QFormLayout()
        form.addRow(self.disposition_label, self.disposition)
        form.addRow(self.sentiment_label, self.sentiment)
        actions = QHBoxLayout()
        actions.addWidget(self.main_button, 1)
        actions.addWidget(self.success_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.instructions_label)
        layout.addWidget(self.instructions)
        layout.addWidget(self.notes, 1)
        layout.addLayout(form)
        layout.addWidget(self.custom)
        layout.addWidget(self.person_box)
        layout.addWidget(self.message)
        layout.addWidget(self.saved_label)
        layout.addLayout(actions)

        logger.session_opened.connect(self.load)
        logger.session_changed.connect(self._show_session)
        logger.disposition_suggested.connect(self._on_suggested)
        logger.refused.connect(self._show_refusal)
        logger.draft_saved.connect(self._on_saved)

    # -- loading -----------------------------------------------------------------------
    def load(self, session: LogSession) -> None:
        self._loading = True
        fields = self._logger.fields
        self.notes.setPlainText(fields.notes)
        self.disposition.fill(self._logger.ordered("disposition"), fields.disposition_id)
        self.sentiment.fill(self._logger.ordered("sentiment"), fields.sentiment_id)
        self.disposition_label.setText(
            (_REQUIRED if self._logger.required("disposition") else "") + "Disposition"
        )
        self.sentiment_label.setText(
            (_REQUIRED if self._logger.required("sentiment") else "") + "Sentiment"
        )
        self.custom.build(self._logger.custom_fields(), fields.custom_values)
        self.first_name.clear()
        self.last_name.clear()
        self.message.clear()
        self.saved_label.clear()
        if session.recovered:
            self._show_info("Recovered the log you were writing before the app closed.")
        self._loading = False
        self._show_session(session)

    def _show_session(self, session: LogSession) -> None:
        step = session.step
        self.instructions.setPlainText(step.instructions if step else "")
        self.instructions.setVisible(bool(step and step.instructions))
        self.instructions_label.setVisible(bool(step and step.instructions))
        self.person_box.setVisible(session.person_id is None)
        actions = session.actions
        self._main_action = actions[0]
        self.main_button.setText(ACTION_LABELS[self._main_action])
        self.more_menu.clear()
        self.menu_actions = {}
        for action in actions[1:]:
            if action is LogAction.SUCCESS:
                continue
            qaction = self.more_menu.addAction(ACTION_LABELS[action])
            qaction.triggered.connect(lambda _=False, a=action: self._perform(a))
            self.menu_actions[action] = qaction
        # the drop-down arrow only where there is a drop-down (cadence phone steps)
        self.main_button.setMenu(self.more_menu if self.menu_actions else None)  # type: ignore[arg-type]
        self.main_button.setPopupMode(
            QToolButton.ToolButtonPopupMode.MenuButtonPopup
            if self.menu_actions
            else QToolButton.ToolButtonPopupMode.DelayedPopup
        )

    # -- editing -----------------------------------------------------------------------
    def current_fields(self) -> LogFields:
        return LogFields(
            notes=self.notes.toPlainText(),
            disposition_id=self.disposition.currentData(),
            sentiment_id=self.sentiment.currentData(),
            custom_values=self.custom.values(),
        )

    def _edited(self) -> None:
        if not self._loading:
            self._logger.update(self.current_fields())

    def _on_suggested(self, option_id: int) -> None:
        self._loading = True
        self.disposition.select(option_id)
        self._loading = False
        self._show_info(f"Suggested disposition: {self.disposition.currentText().strip()}")

    def _perform(self, action: LogAction) -> None:
        self._logger.update(self.current_fields())
        self._logger.perform(action)

    def _on_saved(self, _call_uuid: str) -> None:
        self.saved_label.setText(f"Draft saved {QTime.currentTime().toString('HH:mm:ss')}")

    def _show_refusal(self, text: str) -> None:
        self.message.setStyleSheet("color: #c0392b;")
        self.message.setText(text)

    def _show_info(self, text: str) -> None:
        self.message.setStyleSheet("color: #555;")
        self.message.setText(text)


class LoggerWindow(QWidget):
    """The popped-out logger: its own top-level window, titled with the person's name,
    with a Live badge while the call is on; remembers where it was."""

    geometry_changed = Signal(str)
    on_top_changed = Signal(bool)

    def __init__(
        self,
        logger: CallLoggerService,
        parent: QWidget | None = None,
        *,
        geometry: str = "",
        on_top: bool = False,
    ) -> None:
        # A top-level window (Qt.Window) owned by the main window, so both go together.
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("loggerWindow")
        self._logger = logger
        self.panel = CallLogPanel(logger)
        self.live_label = QLabel("● Live")
        self.live_label.setObjectName("liveIndicator")
        self.live_label.setStyleSheet("color: white; background: #c0392b; padding: 1px 6px;")
        self.on_top_check = QCheckBox("Stay on top")
        self.on_top_check.setObjectName("stayOnTop")
        self.on_top_check.setChecked(on_top)
        self.on_top_check.toggled.connect(self._set_on_top)
        top = QHBoxLayout()
        top.addWidget(self.live_label)
        top.addStretch(1)
        top.addWidget(self.on_top_check)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.panel, 1)
        self.resize(380, 520)
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
        if on_top:
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        logger.session_opened.connect(self.show_session)
        logger.session_changed.connect(self.show_session)
        logger.session_closed.connect(self._closed_by_logging)
        self._closing_after_log = False

    def show_session(self, session: LogSession) -> None:
        self.setWindowTitle(session.person_name)  # blank for a number with no person
        self.live_label.setVisible(session.live)
        if not self.isVisible():
            self.show()
        self.raise_()

    def _set_on_top(self, on: bool) -> None:
        visible = self.isVisible()
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on)
        if visible:
            self.show()
        self.on_top_changed.emit(on)

    def _closed_by_logging(self) -> None:
        self._closing_after_log = True
        self.close()
        self._closing_after_log = False

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing_after_log and self._logger.session is not None:
            self._logger.update(self.panel.current_fields())
            answer = QMessageBox.question(
                self,
                "Close the call log?",
                "This call is not logged yet. Keep the log for later (your notes are saved), "
                "or discard it?",
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Discard:
                self._logger.discard()
            else:
                self._logger.save_draft()
        self.geometry_changed.emit(bytes(self.saveGeometry().toBase64().data()).decode())
        event.accept()
