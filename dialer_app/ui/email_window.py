"""The email window of a cadence email step (seed 004): beside the side panel, "< 1 of 5 >"
arrows over the people due, the person's email to personalise, and the send options.

Edits autosave 3 s after the first change (so continuous typing saves every 3 s) and when
the window closes or moves to another person ("Saved to the cadence"). Discard Changes
goes back to the template; the trash button deletes the personalised draft and closes.
An email already scheduled (the list was read before it was) shows read-only with
Unschedule, which makes it a draft again.
Merge fields still unfilled are highlighted and named, and Send stays disabled until they
are gone. The panel (``CadencePanel``) owns who is shown; the rules and the database are
``EmailStepService``'s.
"""

from __future__ import annotations

import re
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dialer_app.domain.cadence_runner import position_text
from dialer_app.domain.cadences import DuePerson, DueStep
from dialer_app.domain.email_schedule import EmailState, first_n, status_text
from dialer_app.domain.email_templates import ANY_TOKEN, compose
from dialer_app.services.email_steps import EmailStepError, EmailStepService, PersonEmail
from dialer_app.ui.email_schedule_dialog import ScheduleDialog

AUTOSAVE_MS = 3000
ERROR_STYLE = "color: #b00020"


class MergeFieldHighlighter(QSyntaxHighlighter):
    """Marks every ``{{...}}`` left in the body: it would not be sent like that."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._format = QTextCharFormat()
        self._format.setBackground(QColor("#ffd6d6"))
        self._format.setForeground(QColor("#b00020"))

    def highlightBlock(self, text: str) -> None:
        for match in re.finditer(ANY_TOKEN, text):
            self.setFormat(match.start(), match.end() - match.start(), self._format)


class EmailWindow(QWidget):
    navigate = Signal(int)
    """The arrows: -1 or +1 (the panel moves and calls ``show_person``)."""
    done = Signal(object)
    """A DuePerson's email was sent or scheduled: the panel opens the next person."""
    done_all = Signal(int)
    """Schedule All scheduled this many: the panel re-reads who is still due."""
    notice = Signal(str)
    autosaved = Signal(int)
    """An email id, each time the draft is saved."""

    def __init__(self, service: EmailStepService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emailWindow")
        self.service = service
        self.step: DueStep | None = None
        self.people: list[DuePerson] = []
        self.index = -1
        self.email: PersonEmail | None = None
        self.dirty = False
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.save_draft)

        self.previous_button = QPushButton("<")
        self.previous_button.setObjectName("emailPrevious")
        self.previous_button.setToolTip("Previous person's email")
        self.position_label = QLabel("")
        self.position_label.setObjectName("emailPosition")
        self.next_button = QPushButton(">")
        self.next_button.setObjectName("emailNext")
        self.next_button.setToolTip("Next person's email")
        self.collapse_button = QPushButton("▾")
        self.collapse_button.setObjectName("emailCollapse")
        self.collapse_button.setToolTip("Collapse or expand the message")
        self.collapse_button.setCheckable(True)
        self.to_label = QLabel("")
        self.to_label.setObjectName("emailTo")
        self.to_label.setWordWrap(True)
        self.subject_edit = QLineEdit()
        self.subject_edit.setObjectName("emailSubject")
        self.subject_edit.setPlaceholderText("Subject")
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("emailBody")
        self.highlighter = MergeFieldHighlighter(self.body_edit.document())
        self.state_label = QLabel("")
        self.state_label.setObjectName("emailState")
        self.state_label.setWordWrap(True)
        self.state_label.setStyleSheet(ERROR_STYLE)
        self.problem_label = QLabel("")
        self.problem_label.setObjectName("emailProblem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(ERROR_STYLE)
        self.saved_label = QLabel("")
        self.saved_label.setObjectName("emailSaved")
        self.discard_button = QPushButton("Discard Changes")
        self.discard_button.setObjectName("emailDiscard")
        self.trash_button = QPushButton("🗑")
        self.trash_button.setObjectName("emailTrash")
        self.trash_button.setToolTip("Delete the personalised email and close")
        self.schedule_button = QPushButton("🕑")
        self.schedule_button.setObjectName("emailSchedule")
        self.schedule_button.setToolTip("Schedule this email")
        self.schedule_all_button = QPushButton("Schedule All…")
        self.schedule_all_button.setObjectName("emailScheduleAll")
        self.send_button = QPushButton("Send && Edit Next")
        self.send_button.setObjectName("emailSend")
        self.send_button.setDefault(True)
        self.unschedule_button = QPushButton("Unschedule")
        self.unschedule_button.setObjectName("emailUnschedule")
        self.unschedule_button.setToolTip(
            "Keep this email as a draft instead: edit it, send it now or schedule it again"
        )
        self.unschedule_button.hide()

        top = QHBoxLayout()
        top.addWidget(self.previous_button)
        top.addWidget(self.position_label)
        top.addWidget(self.next_button)
        top.addStretch(1)
        top.addWidget(self.collapse_button)
        self.message_box = QWidget()
        message = QVBoxLayout(self.message_box)
        message.setContentsMargins(0, 0, 0, 0)
        message.addWidget(self.to_label)
        message.addWidget(self.subject_edit)
        message.addWidget(self.body_edit, 1)
        message.addWidget(self.state_label)
        message.addWidget(self.problem_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.trash_button)
        buttons.addWidget(self.saved_label, 1)
        buttons.addWidget(self.unschedule_button)
        buttons.addWidget(self.schedule_all_button)
        buttons.addWidget(self.schedule_button)
        buttons.addWidget(self.send_button)
        message.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.message_box, 1)

        self.previous_button.clicked.connect(lambda: self.navigate.emit(-1))
        self.next_button.clicked.connect(lambda: self.navigate.emit(1))
        self.collapse_button.toggled.connect(self._collapse)
        self.subject_edit.textEdited.connect(lambda _text: self._edited())
        self.body_edit.textChanged.connect(self._body_changed)
        self.discard_button.clicked.connect(self.discard)
        self.trash_button.clicked.connect(self.trash)
        self.schedule_button.clicked.connect(self.open_schedule)
        self.schedule_all_button.clicked.connect(self.open_schedule_all)
        self.send_button.clicked.connect(self.send_and_next)
        self.unschedule_button.clicked.connect(self.unschedule)
        self._loading = False
        self._account_issue = ""

    # -- showing a person ----------------------------------------------------------------------
    @property
    def current(self) -> DuePerson | None:
        return self.people[self.index] if 0 <= self.index < len(self.people) else None

    def show_person(self, step: DueStep, people: list[DuePerson], index: int) -> None:
        """The panel's person (after Run Step, the arrows, a send): save the one shown."""
        self.save_draft()
        self.step, self.people, self.index = step, list(people), index
        self.position_label.setText(position_text(index, len(people)).replace("Person ", ""))
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(people) - 1)
        self.schedule_all_button.setVisible(len(people) > 1)
        person = self.current
        if person is None:
            return
        try:
            self._show(self.service.open(person, step.step_id))
        except EmailStepError as exc:
            self.problem_label.setText(str(exc))

    def _show(self, email: PersonEmail) -> None:
        self.email = email
        self._account_issue = self.service.account_problem()  # a keyring read: once per person
        self._loading = True
        self.subject_edit.setText(email.subject)
        self.body_edit.setPlainText(email.body)
        self._loading = False
        self.dirty = False
        self.autosave_timer.stop()
        address = email.to_address or "no email address"
        zone = f" · {email.time_zone}" if email.time_zone else ""
        self.to_label.setText(f"To: <b>{email.name}</b> &lt;{address}&gt;{zone}")
        failed = email.state in (EmailState.FAILED, EmailState.UNKNOWN)
        state = ""
        if failed:
            state = (
                "Not sent: " if email.state is EmailState.FAILED else "Unknown: "
            ) + email.error
        elif email.state is EmailState.DRAFT and email.error:
            state = email.error  # scheduled, then held back: "Not sent: … was paused …"
        elif email.pending and email.state is not None:
            said = status_text(
                email.state, self.service.rep_zone(), scheduled_for=email.scheduled_for
            )
            state = said[:1].upper() + said[1:] + "."
        self.state_label.setVisible(bool(state))
        self.state_label.setText(state)
        for edit in (self.subject_edit, self.body_edit):
            edit.setReadOnly(email.pending)
        self.unschedule_button.setVisible(email.pending)
        self.unschedule_button.setEnabled(email.can_unschedule)
        for button in (self.discard_button, self.trash_button):
            button.setEnabled(not email.pending)
        self.send_button.setText("Send Again && Edit Next" if failed else "Send && Edit Next")
        self.saved_label.setText(_saved_text(email.saved_at) if email.personalised else "")
        self._check()

    def _check(self) -> None:
        """Name what stops this email from going; Send and Schedule wait for a fix."""
        email = self.email
        if email is None:
            return
        composed = compose(self.subject_edit.text(), self.body_edit.toPlainText(), email.values)
        problem = self._account_issue or email.address_problem or composed.problem(email.name)
        if email.state is EmailState.SENDING:
            problem = "This email is being sent right now."
        elif email.pending:
            problem = "This email is scheduled: Unschedule it to edit it or send it now."
        if not problem and not composed.subject.strip():
            problem = "Type a subject."
        self.problem_label.setText(problem)
        self.problem_label.setVisible(bool(problem))
        for button in (self.send_button, self.schedule_button):
            button.setEnabled(not problem)
            button.setToolTip(problem)

    # -- editing and autosave ---------------------------------------------------------------------
    def _body_changed(self) -> None:
        if not self._loading:
            self._edited()

    def _edited(self) -> None:
        self.dirty = True
        if not self.autosave_timer.isActive():
            self.autosave_timer.start()
        self._check()

    def save_draft(self) -> bool:
        """Autosave (every 3 s of editing, on switching person, on close)."""
        self.autosave_timer.stop()
        person, step = self.current, self.step
        if not self.dirty or person is None or step is None:
            return False
        try:
            row = self.service.autosave(
                person, step.step_id, self.subject_edit.text(), self.body_edit.toPlainText()
            )
        except EmailStepError as exc:
            self.problem_label.setText(str(exc))
            return False
        self.dirty = False
        if self.email is not None:
            self.email = _with_saved(self.email, row.draft_saved_at)
        self.saved_label.setText(_saved_text(row.draft_saved_at))
        self.autosaved.emit(row.id)
        return True

    def discard(self) -> None:
        """Discard Changes: back to the step's template for this person."""
        person, step = self.current, self.step
        if person is None or step is None:
            return
        self.autosave_timer.stop()
        self.dirty = False
        self._show(self.service.discard(person, step.step_id))
        self.notice.emit("Changes discarded: the template is back.")

    def trash(self) -> None:
        """Delete the personalised draft and close (no "saved" notice)."""
        person, step = self.current, self.step
        self.autosave_timer.stop()
        self.dirty = False
        if person is not None and step is not None:
            self.service.delete(person, step.step_id)
            self.notice.emit(f"Deleted the personalised email to {person.name}.")
        self.hide_window()

    def save_on_close(self) -> None:
        """The window's X keeps the work: "Saved to the cadence" when there is any."""
        if self.save_draft() or (self.email is not None and self.email.personalised):
            self.notice.emit("Saved to the cadence.")

    def hide_window(self) -> None:
        dock = self.parentWidget()
        (dock if isinstance(dock, QDockWidget) else self).hide()

    def _collapse(self, collapsed: bool) -> None:
        self.message_box.setVisible(not collapsed)
        self.collapse_button.setText("▴" if collapsed else "▾")

    # -- sending ---------------------------------------------------------------------------------
    def send_and_next(self) -> None:
        person, step = self.current, self.step
        if person is None or step is None:
            return
        try:
            text = self.service.send_now(
                person, step.step_id, self.subject_edit.text(), self.body_edit.toPlainText()
            )
        except EmailStepError as exc:
            self.problem_label.setText(str(exc))
            self.problem_label.setVisible(True)
            return
        self.dirty = False
        self.autosave_timer.stop()
        self.notice.emit(text)
        self.done.emit(person)

    def unschedule(self) -> bool:
        """Unschedule the shown email: a draft again, editable; the person is due again."""
        person, step, email = self.current, self.step, self.email
        if person is None or step is None or email is None or email.email_id is None:
            return False
        try:
            text = self.service.unschedule(email.email_id)
        except EmailStepError as exc:
            self.problem_label.setText(str(exc))
            self.problem_label.setVisible(True)
            return False
        self.notice.emit(text)
        self._show(self.service.open(person, step.step_id))
        return True

    def schedule_dialog(self) -> ScheduleDialog | None:
        person = self.current
        if person is None or self.email is None:
            return None
        return ScheduleDialog(
            self.service.now,
            self.service.rep_zone(),
            self.email.time_zone,
            who=person.name,
            parent=self,
        )

    def open_schedule(self) -> ScheduleDialog | None:
        """The clock icon (returns the dialog, opened window-modal, for tests)."""
        dialog = self.schedule_dialog()
        if dialog is not None:
            dialog.accepted.connect(lambda: self.schedule(dialog))
            dialog.open()
        return dialog

    def schedule(self, dialog: ScheduleDialog) -> None:
        person, step = self.current, self.step
        if person is None or step is None:
            return
        try:
            text = self.service.schedule(
                person,
                step.step_id,
                self.subject_edit.text(),
                self.body_edit.toPlainText(),
                at=dialog.at(),
                zone=dialog.zone,
            )
        except EmailStepError as exc:
            self.problem_label.setText(str(exc))
            self.problem_label.setVisible(True)
            return
        self.dirty = False
        self.notice.emit(text)
        self.done.emit(person)

    def schedule_all_dialog(self) -> ScheduleDialog:
        return ScheduleDialog(
            self.service.now, self.service.rep_zone(), "", total=len(self.people), parent=self
        )

    def open_schedule_all(self) -> ScheduleDialog:
        dialog = self.schedule_all_dialog()
        dialog.accepted.connect(lambda: self.schedule_all(dialog))
        dialog.open()
        return dialog

    def schedule_all(self, dialog: ScheduleDialog) -> None:
        """Schedule the first N people in the panel's order; the rest stay due."""
        step = self.step
        if step is None:
            return
        choice = dialog.choice()
        chosen, _rest = first_n(self.people, choice.count)
        now = self.service.now()
        rep_zone = self.service.rep_zone()
        edited = {}
        if self.current is not None:
            edited[self.current.membership_id] = (
                self.subject_edit.text(),
                self.body_edit.toPlainText(),
            )
        at = (
            (lambda p: choice.at_for(now, p.time_zone or rep_zone))
            if choice.persons_zone and choice.preset is None
            else choice.at_for(now, rep_zone)
        )
        try:
            count = self.service.schedule_all(chosen, step.step_id, at, rep_zone, edited)
        except EmailStepError as exc:
            self.problem_label.setText(str(exc))
            self.problem_label.setVisible(True)
            return
        self.dirty = False
        self.notice.emit(dialog.summary.text())
        self.done_all.emit(count)


def _saved_text(at: datetime | None) -> str:
    return f"Saved {at.astimezone():%H:%M:%S}" if at is not None else ""


def _with_saved(email: PersonEmail, at: datetime | None) -> PersonEmail:
    from dataclasses import replace

    return replace(email, saved_at=at, personalised=True)


class EmailDock(QDockWidget):
    """The window as a dock, placed left of the cadence side panel; X saves."""

    def __init__(self, window: EmailWindow, parent: QWidget | None = None) -> None:
        super().__init__("Email", parent)
        self.setObjectName("emailDock")
        self.window_ = window
        self.setWidget(window)
        self.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.window_.save_on_close()
        super().closeEvent(event)
