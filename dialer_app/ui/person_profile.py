"""The person profile window: details, numbers, do-not-contact, cadences, custom fields,
and the activity panel (Calls and Emails tabs). Non-modal, one per person (the main window
keeps them).

The rules live elsewhere: validation and local time in domain/person_profile.py, loading
and saving in services/person_profile.py, the do-not-contact block in CallService.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dialer_app.db.calls_reader import CallsReader
from dialer_app.db.people_reader import PersonRow
from dialer_app.domain.person_profile import (
    PHONE_KINDS,
    Field,
    FieldError,
    PersonDraft,
    PhoneDraft,
    local_time,
)
from dialer_app.ui.calls_page import CallsPage, CallsTableModel
from dialer_app.ui.profile_emails import ProfileEmailsPage
from dialer_app.ui.time_zones import time_zone_completer

if TYPE_CHECKING:  # the service imports SQLAlchemy: loaded when a profile opens
    from dialer_app.services.person_profile import (
        PersonProfile,
        PersonProfileService,
        ProfileCadence,
    )
    from dialer_app.ui.recording_actions import RecordingActions
    from dialer_app.ui.recording_player import RecordingPlayer

ERROR_STYLE = "color: #c0392b;"
DO_NOT_CONTACT_STYLE = "QCheckBox { font-weight: bold; color: #c0392b; }"
_TEXT_FIELDS: tuple[tuple[str, str, Field], ...] = (
    # (draft attribute, label, where its errors show)
    ("first_name", "First name", Field.NAME),
    ("last_name", "Last name", Field.NAME),
    ("title", "Title", Field.TITLE),
    ("account", "Account", Field.ACCOUNT),
    ("email", "Email", Field.EMAIL),
    ("time_zone", "Time zone", Field.TIME_ZONE),
    ("city", "City", Field.CITY),
    ("state", "State", Field.STATE),
    ("country", "Country", Field.COUNTRY),
)


def _error_label(name: str) -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def _show_error(label: QLabel, messages: list[str]) -> None:
    label.setText("\n".join(messages))
    label.setVisible(bool(messages))


class ProfileCallsModel(CallsTableModel):
    """The person's calls for the activity panel: no Person column (it is always them),
    and the Recording column ("Listen to Recording", "No Recording", "Recording deleted")."""

    columns: tuple[str, ...] = (
        "When",
        "Number",
        "Duration",
        "Outcome",
        "Disposition",
        "Sentiment",
        "Notes",
        "Recording",
        "Log",
    )


class PhoneRow(QWidget):
    """One number: kind, the number as typed, extension, remove; its error shows below."""

    remove_requested = Signal(object)  # PhoneRow
    call_requested = Signal(str)  # the saved E.164 of this row

    def __init__(self, phone: PhoneDraft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.known_e164 = phone.known_e164
        self.kind = QComboBox()
        self.kind.setObjectName("phoneKind")
        self.kind.addItems(list(PHONE_KINDS))
        self.kind.setCurrentText(phone.kind)
        self.kind.setAccessibleName("Kind of number")
        self.number = QLineEdit(phone.text)
        self.number.setObjectName("phoneNumber")
        self.number.setPlaceholderText("Number, e.g. +1 404 555 0100")
        self.number.setAccessibleName("Phone number")
        self.number.setMinimumWidth(170)
        self.extension = QLineEdit(phone.extension)
        self.extension.setObjectName("phoneExtension")
        self.extension.setPlaceholderText("Ext.")
        self.extension.setAccessibleName("Extension")
        self.extension.setMaximumWidth(70)
        self.call_button = QPushButton("Call")
        self.call_button.setObjectName("callThisNumber")
        self.call_button.setToolTip("Put this number on the dial pad")
        self.call_button.setEnabled(bool(phone.known_e164))  # saved numbers only
        self.call_button.clicked.connect(lambda: self.call_requested.emit(self.known_e164))
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removePhone")
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        self.error = _error_label("phoneError")
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.kind)
        line.addWidget(self.number, 1)
        line.addWidget(self.extension)
        for button in (self.call_button, self.remove_button):
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            line.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(line)
        layout.addWidget(self.error)

    def draft(self) -> PhoneDraft:
        return PhoneDraft(
            self.kind.currentText(), self.number.text(), self.extension.text(), self.known_e164
        )


class PersonProfileWindow(QWidget):
    """Emits ``saved(PersonProfile)`` after a save and ``call_requested(PersonRow)`` for
    the Call button (the main window puts that number on the dial pad)."""

    saved = Signal(object)
    call_requested = Signal(object)
    closed = Signal(int)  # the person id, once the window really closes

    def __init__(
        self,
        service: PersonProfileService,
        calls_reader: CallsReader,
        person_id: int,
        region: Callable[[], str],
        parent: QWidget | None = None,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        rep_zone: Callable[[], str] = lambda: "",
        unschedule_email: Callable[[int], str] | None = None,
        recordings: RecordingActions | None = None,
    ) -> None:
        """``recordings``: plays a selected call's recording under the calls list."""
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("personProfile")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._service = service
        self._region = region
        self._now = now
        self.person_id = person_id
        self.profile: PersonProfile = service.load(person_id)
        self._loaded: PersonDraft = self.profile.draft()

        self.name_label = QLabel("")
        self.name_label.setObjectName("profileName")
        self.name_label.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.do_not_contact = QCheckBox("Do not contact (dialling is blocked)")
        self.do_not_contact.setObjectName("doNotContact")
        self.do_not_contact.setStyleSheet(DO_NOT_CONTACT_STYLE)
        self.local_time_label = QLabel("")
        self.local_time_label.setObjectName("localTime")
        self.time_zone_label = QLabel("")
        self.time_zone_label.setObjectName("timeZoneLabel")
        self.time_zone_label.setStyleSheet("color: #555;")

        self.edits: dict[str, QLineEdit] = {}
        self.field_errors: dict[Field, QLabel] = {}
        form = QFormLayout()
        for attribute, label, where in _TEXT_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"profile_{attribute}")
            edit.setAccessibleName(label)
            self.edits[attribute] = edit
            form.addRow(f"{label}:", edit)
            if attribute != "first_name":  # one name message, under both name fields
                self.field_errors[where] = _error_label(f"error_{where.value}")
                form.addRow("", self.field_errors[where])
        self.edits["time_zone"].setPlaceholderText("e.g. America/New_York; empty: from the number")
        self.edits["time_zone"].setCompleter(time_zone_completer(self))
        self.edits["time_zone"].textChanged.connect(lambda _text: self.refresh_clock())

        self.phone_rows: list[PhoneRow] = []
        self.phones_box = QVBoxLayout()
        self.add_phone_button = QPushButton("Add number")
        self.add_phone_button.setObjectName("addPhone")
        self.add_phone_button.clicked.connect(lambda _checked=False: self.add_phone())
        numbers = QGroupBox("Phone numbers")
        numbers_layout = QVBoxLayout(numbers)
        numbers_layout.addLayout(self.phones_box)
        numbers_layout.addWidget(self.add_phone_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.cadences = _read_only_table("profileCadences", ("Cadence", "Current step", "State"))
        cadences_box = QGroupBox("Cadences")
        QVBoxLayout(cadences_box).addWidget(self.cadences)
        self.custom_fields = _read_only_table("profileCustomFields", ("Field", "Value"))
        custom_box = QGroupBox("Custom fields")
        QVBoxLayout(custom_box).addWidget(self.custom_fields)

        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.addLayout(form)
        details_layout.addWidget(numbers)
        details_layout.addWidget(cadences_box)
        details_layout.addWidget(custom_box)
        details_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(details)

        self.calls_page = CallsPage(calls_reader, model_class=ProfileCallsModel, person_only=True)
        self.calls_page.setObjectName("profileCalls")
        self._recordings = recordings
        self.player: RecordingPlayer | None = None
        calls_tab = QWidget()
        calls_layout = QVBoxLayout(calls_tab)
        calls_layout.setContentsMargins(0, 0, 0, 0)
        calls_layout.addWidget(self.calls_page, 2)
        if recordings is not None:
            self.player = recordings.embedded_player(calls_tab)
            self.player.setObjectName("profilePlayer")
            self.player.hide()
            calls_layout.addWidget(self.player, 1)
            self.calls_page.table.selectionModel().currentRowChanged.connect(
                lambda _current, _previous: self.show_selected_recording()
            )
            self.calls_page.listen_requested.connect(lambda _uuid: self.play_selected_recording())
        self.activity = QTabWidget()
        self.activity.setObjectName("profileActivity")
        self.activity.addTab(calls_tab, "Calls")
        self.emails_page = ProfileEmailsPage(
            lambda: service.emails(person_id), rep_zone, unschedule_email
        )
        self.activity.addTab(self.emails_page, "Emails")
        activity_box = QGroupBox("Activity")
        QVBoxLayout(activity_box).addWidget(self.activity)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(activity_box)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 520])

        self.message = QLabel("")
        self.message.setObjectName("profileMessage")
        self.message.setWordWrap(True)
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("saveProfile")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.call_button = QPushButton("Call")
        self.call_button.setObjectName("callPerson")
        self.call_button.setToolTip("Put the first number on the dial pad")
        self.call_button.clicked.connect(lambda _checked=False: self.request_call())
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("closeProfile")
        self.close_button.clicked.connect(self.close)

        header = QHBoxLayout()
        header.addWidget(self.name_label, 1)
        clock = QVBoxLayout()
        clock.addWidget(self.local_time_label, 0, Qt.AlignmentFlag.AlignRight)
        clock.addWidget(self.time_zone_label, 0, Qt.AlignmentFlag.AlignRight)
        header.addLayout(clock)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.call_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.do_not_contact)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self.resize(1080, 680)

        self.clock_timer = QTimer(self)
        self.clock_timer.setSingleShot(True)
        self.clock_timer.timeout.connect(self.refresh_clock)
        self._show_profile(self.profile)
        self.calls_page.show_person(person_id, self.profile.full_name)
        self.emails_page.refresh()

    # -- the form ------------------------------------------------------------------------
    def draft(self) -> PersonDraft:
        """What the form holds now, exactly as typed."""
        text = {name: edit.text() for name, edit in self.edits.items()}
        return PersonDraft(
            first_name=text["first_name"],
            last_name=text["last_name"],
            title=text["title"],
            account=text["account"],
            email=text["email"],
            time_zone=text["time_zone"],
            city=text["city"],
            state=text["state"],
            country=text["country"],
            do_not_contact=self.do_not_contact.isChecked(),
            phones=tuple(row.draft() for row in self.phone_rows),
        )

    @property
    def has_unsaved_changes(self) -> bool:
        return self.draft() != self._loaded

    def add_phone(self, phone: PhoneDraft | None = None) -> PhoneRow:
        row = PhoneRow(phone or PhoneDraft())
        row.remove_requested.connect(self._remove_phone)
        row.call_requested.connect(self.request_call)
        self.phones_box.addWidget(row)
        self.phone_rows.append(row)
        if phone is None:  # a new, empty row: ready for typing
            row.show()
            row.number.setFocus()
        return row

    def _remove_phone(self, row: PhoneRow) -> None:
        self.phone_rows.remove(row)
        self.phones_box.removeWidget(row)
        row.deleteLater()
        self.refresh_clock()

    def _show_profile(self, profile: PersonProfile) -> None:
        self.profile = profile
        self._loaded = profile.draft()
        self.setWindowTitle(f"{profile.full_name} — Profile")
        self.name_label.setText(profile.full_name)
        for name, edit in self.edits.items():
            with QSignalBlocker(edit):
                edit.setText(str(getattr(self._loaded, name)))
        self.do_not_contact.setChecked(profile.do_not_contact)
        for row in list(self.phone_rows):
            self._remove_phone(row)
        for phone in self._loaded.phones:
            self.add_phone(phone)
        _fill(self.cadences, [_cadence_cells(c) for c in profile.cadences])
        _fill(self.custom_fields, [list(pair) for pair in profile.custom_fields])
        self.show_errors([])
        self.refresh_clock()

    def show_errors(self, errors: list[FieldError]) -> None:
        """Each message next to its field; every other field's message cleared."""
        for where, label in self.field_errors.items():
            _show_error(label, [e.message for e in errors if e.field is where and e.row is None])
        for index, row in enumerate(self.phone_rows):
            _show_error(row.error, [e.message for e in errors if e.row == index])

    # -- actions -------------------------------------------------------------------------
    def save(self) -> bool:
        """Save what the form holds; refused (with the messages, text kept) when invalid."""
        try:
            result = self._service.save(self.person_id, self.draft(), self._region())
        except LookupError as exc:  # deleted elsewhere while the window was open
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(f"Not saved: {exc}")
            return False
        if result.errors:
            self.show_errors(list(result.errors))
            count = len(result.errors)
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(
                f"Not saved: fix the {count} problem{'s' if count != 1 else ''} shown."
            )
            return False
        assert result.profile is not None
        self._show_profile(result.profile)
        self.message.setStyleSheet("color: #555;")
        self.message.setText("Saved." if result.changed else "No changes to save.")
        self.saved.emit(result.profile)
        return True

    def request_call(self, e164: str = "") -> None:
        """A saved number (``e164``, else the first) goes to the dial pad."""
        numbers = self.profile.numbers
        chosen = next((n for n in numbers if n.e164 == e164), numbers[0] if numbers else None)
        profile = self.profile
        self.call_requested.emit(
            PersonRow(
                id=profile.id,
                name=profile.full_name,
                title=profile.title,
                account=profile.account,
                email=profile.email,
                phone_e164=chosen.e164 if chosen else "",
                phone_extension=chosen.extension if chosen else None,
                do_not_contact=profile.do_not_contact,
            )
        )

    def refresh_clock(self) -> None:
        """The person's local time from the form's zone (or their first number's); the
        timer fires again at the next minute."""
        shown = local_time(
            self.edits["time_zone"].text(),
            [row.known_e164 for row in self.phone_rows if row.known_e164],
            self._now(),
        )
        if shown is None:
            self.local_time_label.setText("Local time unknown")
            self.time_zone_label.setText("Add a time zone or a number")
        else:
            self.local_time_label.setText(f"Local time {shown.clock}")
            self.time_zone_label.setText(shown.zone_label)
        seconds = self._now().second
        self.clock_timer.start((60 - seconds) * 1000)

    def refresh_calls(self) -> None:
        self.calls_page.refresh()
        self.show_selected_recording()

    # -- the recording inline --------------------------------------------------------------
    def show_selected_recording(self) -> bool:
        """The selected call's recording in the player under the list (hidden without one)."""
        player, recordings = self.player, self._recordings
        if player is None or recordings is None:
            return False
        call = self.calls_page.selected_call()
        row = recordings.row(call.uuid) if call is not None and call.has_recording else None
        if row is None:
            player.unload()
            player.hide()
            return False
        if player.row is not None and player.row.call_uuid == row.call_uuid:
            player.show()
            return True
        shown = recordings.load_into(player, row)
        player.show()
        return shown

    def play_selected_recording(self) -> None:
        """Enter, double-click or Listen on a call: play it here, under the list."""
        if self.show_selected_recording() and self.player is not None and not self.player.playing:
            self.player.toggle_play()

    def refresh_activity(self) -> None:
        """Calls and emails (an email was scheduled, sent, failed or unscheduled)."""
        self.calls_page.refresh()
        self.emails_page.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.has_unsaved_changes:
            answer = QMessageBox.question(
                self,
                "Save changes?",
                f"Save your changes to {self.profile.full_name}?",
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Cancel or (
                answer == QMessageBox.StandardButton.Save and not self.save()
            ):
                event.ignore()
                return
        self.clock_timer.stop()
        if self.player is not None:
            self.player.unload()
        event.accept()
        self.closed.emit(self.person_id)


def _cadence_cells(cadence: ProfileCadence) -> list[str]:
    step = "—"
    if cadence.step_name is not None:
        step = f"Day {cadence.step_day} · {cadence.step_name} ({cadence.step_type})"
    return [cadence.cadence, step, cadence.state]


def _read_only_table(name: str, headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setMaximumHeight(140)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(text))
