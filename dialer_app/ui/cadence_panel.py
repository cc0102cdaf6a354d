"""The cadence side panel (seed 004): the to-do list of due steps (``CadenceTodo``), Run
Step, and the suggestions after the last person of a step.

A dock on the right of the main window, built the first time the rep opens it (the
cadence service imports the ORM, which stays off the start-up path). Widgets only: who is
due, in which order and what comes next are the service's and ``domain`` rules; the main
window (``RunnerHost``) puts people on the dial pad and prepares the step's call log.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from dialer_app.domain.cadence_runner import next_person_index, position_text
from dialer_app.domain.cadences import (
    SUGGESTION_LABELS,
    CadenceRuleError,
    DuePerson,
    DueStep,
    GroupBy,
    NextStepSuggestions,
    PeopleSort,
    Suggestion,
    is_linkedin_step,
)
from dialer_app.ui.cadence_models import step_type_text
from dialer_app.ui.cadence_todo import CadenceTodo
from dialer_app.ui.email_step_list import StepEmailsBox

if TYPE_CHECKING:
    from dialer_app.services.cadences import CadenceService
    from dialer_app.services.call_logger import LogResult
    from dialer_app.services.email_steps import EmailStepService, StepEmail
    from dialer_app.ui.email_window import EmailWindow

SORT_LABELS = {
    PeopleSort.DUE_DATE: "Due date",
    PeopleSort.NAME: "Name",
    PeopleSort.ACCOUNT: "Account",
    PeopleSort.LOCAL_TIME: "Local time",
}


class RunnerHost(Protocol):
    """What the panel asks of the main window."""

    def queue_person(self, person: DuePerson | None, *, dial: bool) -> str:
        """Put the person on the dial pad with their step prepared (None: forget the
        prepared step); ``dial`` starts the call too. Returns why it could not, or ""."""
        ...

    def show_cadence(self, cadence_id: int) -> None: ...

    def open_profile(self, person_id: int) -> object:
        """The person's profile window (seed 004: Run Step opens the person)."""
        ...

    @property
    def auto_dial(self) -> bool: ...

    def set_auto_dial(self, on: bool) -> None: ...

    def email_window(self) -> EmailWindow | None:
        """The email window beside the panel, shown (None: this window sends no email)."""
        ...

    def email_service(self) -> EmailStepService | None:
        """The email step service (None: this window sends no email)."""
        ...


def step_title(row: DueStep) -> str:
    return f"{step_type_text(row.step_type)} · Day {row.day} · Step {row.step_number}"


def integration_action(row: DueStep) -> str:
    """Integration steps are named after what the rep does ("LinkedIn - Connection
    Request", "SMS"); this app never sends anything itself, so the button says so."""
    return f"Done: {row.name}"


class CadencePanel(QWidget):
    """List → Run Step → suggestions, in one stacked widget."""

    def __init__(
        self,
        service_factory: Callable[[], CadenceService],
        host: RunnerHost,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cadencePanel")
        self._factory = service_factory
        self._service: CadenceService | None = None
        self._host = host
        self.running: DueStep | None = None
        self.people: list[DuePerson] = []
        self.index = -1
        self.handled: frozenset[int] = frozenset()
        """Membership ids logged in this run but still due (Log Only): passed over."""
        self.suggestions: NextStepSuggestions | None = None
        self._email: EmailWindow | None = None

        self.pages = QStackedWidget()
        self.todo = CadenceTodo(lambda group_by: self.service.due_steps(group_by=group_by))
        self.todo.run_requested.connect(self.run)
        self.pages.addWidget(self.todo)
        self.pages.addWidget(self._build_run())
        self.pages.addWidget(self._build_suggestions())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.pages)

    @property
    def service(self) -> CadenceService:
        if self._service is None:
            self._service = self._factory()
            self._service.changed.connect(self.todo.reload)
            self._service.changed.connect(self._reload_step_emails)
        return self._service

    def show_list(self) -> None:
        """Return Home / Return to Steps List / the back arrow."""
        self._hide_email()
        self.running = None
        self.people = []
        self._host.queue_person(None, dial=False)
        self.todo.reload()
        self.pages.setCurrentIndex(0)
        self.todo.tree.setFocus()

    # -- running a step -------------------------------------------------------------------
    def _build_run(self) -> QWidget:
        page = QWidget()
        self.back_button = QPushButton("◀ Steps")
        self.back_button.setObjectName("runnerBack")
        self.step_label = QLabel("")
        self.step_label.setObjectName("runnerStep")
        self.step_label.setWordWrap(True)
        self.instructions = QLabel("")
        self.instructions.setObjectName("runnerInstructions")
        self.instructions.setWordWrap(True)
        self.instructions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sort_combo = QComboBox()
        for sort, label in SORT_LABELS.items():
            self.sort_combo.addItem(f"Sort: {label}", sort)
        self.previous_button = QPushButton("◀")
        self.previous_button.setToolTip("Previous person")
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip("Next person")
        self.profile_button = QPushButton("Profile")
        self.profile_button.setObjectName("runnerProfile")
        self.profile_button.setToolTip("Open this person's profile: details, numbers, calls")
        self.position_label = QLabel("")
        self.position_label.setObjectName("runnerPosition")
        self.position_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.person_label = QLabel("")
        self.person_label.setObjectName("runnerPerson")
        self.person_label.setWordWrap(True)
        self.dial_button = QPushButton("☎ Dial")
        self.dial_button.setObjectName("runnerDial")
        self.dial_button.setToolTip("Put this person on the dial pad and call them")
        self.pad_button = QPushButton("Put on dial pad")
        self.auto_dial_check = QCheckBox("Dial the next person automatically")
        self.auto_dial_check.setChecked(self._host.auto_dial)
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("runnerNotes")
        self.notes.setPlaceholderText("Notes (kept with the completion)")
        self.notes.setMaximumHeight(90)
        self.complete_button = QPushButton("Log and Complete")
        self.complete_button.setObjectName("runnerComplete")
        self.complete_all_button = QPushButton("Complete All")
        self.complete_all_button.setObjectName("runnerCompleteAll")
        self.link_label = QLabel("")
        self.link_label.setObjectName("runnerLink")
        self.link_label.setOpenExternalLinks(True)  # the rep's browser, on their click
        self.message = QLabel("")
        self.message.setObjectName("runnerMessage")
        self.message.setWordWrap(True)

        arrows = QHBoxLayout()
        arrows.addWidget(self.previous_button)
        arrows.addWidget(self.position_label, 1)
        arrows.addWidget(self.next_button)
        arrows.addWidget(self.profile_button)
        self.phone_box = QWidget()
        phone = QVBoxLayout(self.phone_box)
        phone.setContentsMargins(0, 0, 0, 0)
        phone_buttons = QHBoxLayout()
        phone_buttons.addWidget(self.dial_button)
        phone_buttons.addWidget(self.pad_button)
        phone.addLayout(phone_buttons)
        phone.addWidget(self.auto_dial_check)
        phone.addWidget(QLabel("Log the call in the call logger: the next person comes up."))
        self.email_box = QWidget()
        email = QVBoxLayout(self.email_box)
        email.setContentsMargins(0, 0, 0, 0)
        email_hint = QLabel("Personalise and send each person's email in the Email window.")
        email_hint.setWordWrap(True)
        self.email_button = QPushButton("✉ Open email window")
        self.email_button.setObjectName("runnerEmail")
        email.addWidget(email_hint)
        email.addWidget(self.email_button)
        self.step_emails = StepEmailsBox()
        email.addWidget(self.step_emails)
        self.task_box = QWidget()
        task = QVBoxLayout(self.task_box)
        task.setContentsMargins(0, 0, 0, 0)
        task.addWidget(self.link_label)
        task.addWidget(self.notes)
        task_buttons = QHBoxLayout()
        task_buttons.addWidget(self.complete_button, 1)
        task_buttons.addWidget(self.complete_all_button)
        task.addLayout(task_buttons)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addStretch(1)
        layout.addLayout(top)
        layout.addWidget(self.step_label)
        layout.addWidget(self.instructions)
        layout.addWidget(self.sort_combo)
        layout.addLayout(arrows)
        layout.addWidget(self.person_label)
        layout.addWidget(self.phone_box)
        layout.addWidget(self.task_box)
        layout.addWidget(self.email_box)
        layout.addWidget(self.message)
        layout.addStretch(1)

        self.back_button.clicked.connect(self.show_list)
        self.sort_combo.currentIndexChanged.connect(lambda _i: self._resort())
        self.previous_button.clicked.connect(lambda: self.go_to(-1))
        self.next_button.clicked.connect(lambda: self.go_to(1))
        self.profile_button.clicked.connect(self._open_profile)
        self.dial_button.clicked.connect(lambda: self._queue(dial=True))
        self.pad_button.clicked.connect(lambda: self._queue(dial=False))
        self.auto_dial_check.toggled.connect(self._host.set_auto_dial)
        self.complete_button.clicked.connect(self.complete_current)
        self.complete_all_button.clicked.connect(self.complete_all)
        self.email_button.clicked.connect(self._show_email)
        self.step_emails.open_requested.connect(self.open_step_email)
        self.step_emails.acted.connect(self._step_email_acted)
        return page

    @property
    def sort(self) -> PeopleSort:
        return PeopleSort(self.sort_combo.currentData())

    @property
    def current(self) -> DuePerson | None:
        return self.people[self.index] if 0 <= self.index < len(self.people) else None

    @property
    def is_phone(self) -> bool:
        return self.running is not None and self.running.step_type == "phone"

    @property
    def is_email(self) -> bool:
        return self.running is not None and self.running.step_type == "email"

    def _due_people(self, row: DueStep) -> list[DuePerson]:
        return self.service.due_people(
            row.step_id,
            sort=self.sort,
            account_id=row.account_id,
            grouped_by_account=self.todo.group_by is GroupBy.ACCOUNT,
        )

    def run(self, row: DueStep) -> None:
        """Run Step: the first person due opens (on the dial pad for a phone step)."""
        self.running = row
        self.handled = frozenset()
        self.people = self._due_people(row)
        self.index = 0 if self.people else -1
        self.step_label.setText(f"<b>{row.name}</b><br>{step_title(row)} · {row.cadence_name}")
        self.instructions.setText(row.instructions or "No instructions.")
        self.phone_box.setVisible(self.is_phone)
        self.task_box.setVisible(not self.is_phone and not self.is_email)
        self.email_box.setVisible(self.is_email)
        self.step_emails.show_step(
            self._host.email_service() if self.is_email else None,
            row.step_id if self.is_email else None,
        )
        self.complete_button.setText(
            integration_action(row) if row.step_type == "integration" else "Log and Complete"
        )
        self.message.clear()
        self.pages.setCurrentIndex(1)
        if not self.is_phone:
            self._host.queue_person(None, dial=False)  # no step call is pending any more
        if self.current is None:
            self._finished()
            return
        self._show_person(dial=self._host.auto_dial)

    def _show_person(self, *, dial: bool) -> None:
        person = self.current
        self.position_label.setText(position_text(self.index, len(self.people)))
        self.previous_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < len(self.people) - 1)
        self.profile_button.setEnabled(person is not None)
        if person is None:
            self.person_label.setText("")
            return
        details = [d for d in (person.account_name, person.local_time) if d]
        number = person.phone_e164 + (
            f" ext. {person.phone_extension}" if person.phone_extension else ""
        )
        lines = [f"<b>{person.name}</b>", " · ".join(details)]
        if self.is_phone:
            lines.append(number or "No phone number")
        self.person_label.setText("<br>".join(line for line in lines if line))
        self.link_label.setText(self._link_out(person))
        self.notes.clear()
        if self.is_phone:
            self._queue(dial=dial)
        if self.is_email:
            self._show_email()

    def _link_out(self, person: DuePerson) -> str:
        """A LinkedIn step links to the person's profile when an import brought it."""
        row = self.running
        if row is None or not person.linkedin_url or not is_linkedin_step(row.name):
            return ""
        url = html.escape(person.linkedin_url, quote=True)
        return f'<a href="{url}">Open {html.escape(person.name)} on LinkedIn</a>'

    def _open_profile(self) -> None:
        if self.current is not None:
            self._host.open_profile(self.current.person_id)

    def _queue(self, *, dial: bool) -> None:
        person = self.current
        if person is None or not self.is_phone:
            return
        self.message.setText(self._host.queue_person(person, dial=dial))

    def go_to(self, offset: int) -> None:
        """The arrows: another person of the step (never dials by itself)."""
        target = self.index + offset
        if 0 <= target < len(self.people):
            self.index = target
            self._show_person(dial=False)

    def _resort(self) -> None:
        if self.running is None or self.pages.currentIndex() != 1:
            return
        keep = self.current
        self.people = self._due_people(self.running)
        ids = [p.membership_id for p in self.people]
        self.index = ids.index(keep.membership_id) if keep and keep.membership_id in ids else 0
        self._show_person(dial=False)

    def on_logged(self, result: LogResult) -> None:
        """The call logger saved a log of the person being run: queue the next one."""
        person = self.current
        if (
            self.running is None
            or person is None
            or not result.next_person
            or result.membership_id != person.membership_id
        ):
            return
        self._advance(person, still_due=not result.completed_step, dial=self._host.auto_dial)

    def _advance(self, person: DuePerson, *, still_due: bool, dial: bool) -> None:
        assert self.running is not None
        before = [p.membership_id for p in self.people]
        if still_due:
            self.handled = self.handled | {person.membership_id}
        self.people = self._due_people(self.running)
        found = next_person_index(before, person.membership_id, self.people, self.handled)
        if found is None:
            self._finished()
            return
        self.index = found
        self._show_person(dial=dial)

    # -- email steps (issue 9) ------------------------------------------------------------------
    def _show_email(self) -> None:
        """The email window beside the panel, on the current person."""
        row = self.running
        if row is None or not self.is_email or self.current is None:
            return
        window = self._host.email_window()
        if window is None:
            self.message.setText("Email is not available in this window.")
            return
        if window is not self._email:
            self._email = window
            window.navigate.connect(self.go_to)
            window.done.connect(self._email_done)
            window.done_all.connect(lambda _count: self._after_bulk())
        window.show_person(row, self.people, self.index)

    def _reload_step_emails(self) -> None:
        if self.is_email and self.pages.currentIndex() == 1:
            self.step_emails.reload()

    def open_step_email(self, email: StepEmail) -> None:
        """Open Message from the step's list: the person in the email window when they are
        due on the step (a failed email), else their profile, whose Emails tab has it."""
        if self.running is None:
            return
        self.people = self._due_people(self.running)
        ids = [p.membership_id for p in self.people]
        if email.membership_id in ids:
            self.index = ids.index(email.membership_id)
            self._show_person(dial=False)
        else:
            self._host.open_profile(email.person_id)

    def _step_email_acted(self, notice: str) -> None:
        """Send Again or Unschedule: who is due changed; stay on the person shown."""
        self.message.setText(notice)
        if self.running is None:
            return
        keep = self.current
        self.people = self._due_people(self.running)
        if not self.people:
            self._finished()
            return
        ids = [p.membership_id for p in self.people]
        self.index = ids.index(keep.membership_id) if keep and keep.membership_id in ids else 0
        self._show_person(dial=False)

    def _hide_email(self) -> None:
        if self._email is not None:
            self._email.save_draft()
            self._email.hide_window()

    def _email_done(self, person: DuePerson) -> None:
        """Sent or scheduled: the person leaves the step; the next one opens."""
        if self.running is not None and self.current is not None:
            self._advance(person, still_due=False, dial=False)

    def _after_bulk(self) -> None:
        """Schedule All: whoever was not scheduled is still due (Send First #)."""
        if self.running is None:
            return
        self.people = self._due_people(self.running)
        if not self.people:
            self._finished()
            return
        self.index = 0
        self._show_person(dial=False)

    # -- other and integration steps ------------------------------------------------------------
    def complete_current(self) -> None:
        person, row = self.current, self.running
        if person is None or row is None or self.is_phone:
            return
        try:
            self.service.complete(person.membership_id, row.step_id, notes=self.notes.toPlainText())
        except CadenceRuleError as exc:
            self.message.setText(str(exc))
            return
        self._advance(person, still_due=False, dial=False)

    def complete_all(self) -> None:
        row = self.running
        if row is None or self.is_phone:
            return
        count = len(self.people)
        answer = QMessageBox.question(
            self,
            "Complete All",
            f"Mark “{row.name}” done for all {count} people due on it?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.service.complete_all(
            row.step_id,
            account_id=row.account_id,
            grouped_by_account=self.todo.group_by is GroupBy.ACCOUNT,
        )
        self.people = []
        self._finished()

    # -- suggestions ---------------------------------------------------------------------------
    def _build_suggestions(self) -> QWidget:
        page = QWidget()
        self.done_label = QLabel("")
        self.done_label.setObjectName("runnerDone")
        self.done_label.setWordWrap(True)
        self.next_label = QLabel("")
        self.next_label.setObjectName("runnerNextStep")
        self.next_label.setWordWrap(True)
        self.suggestion_buttons: dict[Suggestion, QPushButton] = {}
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.done_label)
        for suggestion in Suggestion:
            button = QPushButton(SUGGESTION_LABELS[suggestion])
            button.setObjectName(f"suggest_{suggestion.value}")
            self.suggestion_buttons[suggestion] = button
            if suggestion is Suggestion.RUN_NEXT_STEP:
                layout.addWidget(self.next_label)
            layout.addWidget(button)
        layout.addStretch(1)
        self.suggestion_buttons[Suggestion.RETURN_TO_OVERVIEW].clicked.connect(self._to_overview)
        self.suggestion_buttons[Suggestion.RETURN_HOME].clicked.connect(self.show_list)
        self.suggestion_buttons[Suggestion.RETURN_TO_STEPS_LIST].clicked.connect(self.show_list)
        self.suggestion_buttons[Suggestion.RUN_NEXT_STEP].clicked.connect(self._run_next)
        return page

    def _finished(self) -> None:
        """The last person of the step is done (seed 004's suggestions)."""
        row = self.running
        assert row is not None
        self._host.queue_person(None, dial=False)
        if self._email is not None:
            self._email.hide_window()
        self.people, self.index = [], -1
        self.suggestions = self.service.suggest_next(row, self.todo.group_by)
        self.done_label.setText(f"Done: <b>{row.name}</b> ({step_title(row)} · {row.cadence_name})")
        following = self.suggestions.next_step
        self.next_label.setVisible(following is not None)
        if following is not None:
            self.next_label.setText(f"Next: {step_title(following)} · {following.cadence_name}")
        for suggestion, button in self.suggestion_buttons.items():
            button.setVisible(suggestion in self.suggestions.options)
        self.pages.setCurrentIndex(2)
        first = Suggestion.RUN_NEXT_STEP if following is not None else Suggestion.RETURN_HOME
        self.suggestion_buttons[first].setFocus()

    def _run_next(self) -> None:
        if self.suggestions is not None and self.suggestions.next_step is not None:
            self.run(self.suggestions.next_step)

    def _to_overview(self) -> None:
        if self.running is not None:
            self._host.show_cadence(self.running.cadence_id)


class CadenceDock(QDockWidget):
    """The panel in a dock (right by default; the rep may float or move it)."""

    def __init__(self, panel: CadencePanel, parent: QWidget | None = None) -> None:
        super().__init__("Cadence to-do", parent)
        self.setObjectName("cadenceDock")
        self.panel = panel
        self.setWidget(panel)
