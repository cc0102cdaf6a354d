"""The email window of a cadence email step (issue 9, seed 004) on the real main window and
the demo database: arrows, autosave, Discard, trash, Send & Edit Next, the schedule dialogs
and the suggestions after the last person. Sending itself is the background sender's (see
tests/integration/test_email_sending.py); here a fake send records what would go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from dialer_app.app import AppContext
from dialer_app.db.email_store import EmailStore
from dialer_app.db.models import Person
from dialer_app.domain.email_schedule import EmailState
from dialer_app.secrets import smtp_password_key
from dialer_app.services.email_sender import EmailSender
from dialer_app.services.smtp_client import OutgoingMessage, SendFailure, SmtpAccount
from dialer_app.ui.cadence_dialogs import StepDialog
from dialer_app.ui.cadence_panel import CadencePanel
from dialer_app.ui.email_window import EmailWindow
from dialer_app.ui.main_window import MainWindow

PEOPLE = ("Ava", "Ben", "Chloe", "Daniel", "Emma")
USER = "sam@dialer.example"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def mail_context(context: AppContext) -> AppContext:
    context.settings = context.settings.with_changes(
        sender_name="Sam de Vries",
        sender_email=USER,
        smtp_host="smtp.dialer.example",
        smtp_username=USER,
    )
    context.secrets.set(smtp_password_key(USER), "s3cret")
    return context


@pytest.fixture
def mail_window(qtbot: QtBot, mail_context: AppContext) -> MainWindow:
    from dialer_app.app import create_main_window

    main = create_main_window(mail_context)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def _setup(window: MainWindow, context: AppContext) -> int:
    service = window.cadence_service()
    for row in service.list_cadences():
        service.set_archived(row.id, True)
    cadence = service.create_cadence("Mail")
    step = service.add_step(
        cadence.id,
        "email",
        1,
        "Intro Email",
        email_subject="{{first_name}}, about {{account}}",
        email_body="Hi {{first_name}},\n\nBest,\n{{sender_first_name}}",
    )
    service.add_step(cadence.id, "phone", 2, "Intro Call")
    with context.database.sessions() as session:
        rows = session.execute(
            select(Person.first_name, Person.id).where(Person.first_name.in_(PEOPLE))
        ).all()
    ids = {first: person_id for first, person_id in rows}
    service.add_people(
        cadence.id, [ids[n] for n in PEOPLE], today=service.today() - timedelta(days=14)
    )
    return step.id


def _run(qtbot: QtBot, window: MainWindow, context: AppContext) -> tuple[CadencePanel, EmailWindow]:
    step_id = _setup(window, context)
    window.actions_by_name["cadence_todo"].trigger()
    assert window.cadence_dock is not None
    panel = window.cadence_dock.panel
    row = next(r for r in panel.todo.rows if r.step_id == step_id)
    panel.run(row)
    assert window.email_dock is not None
    qtbot.waitUntil(window.email_dock.isVisible)
    email = window.email_dock.window_
    return panel, email


def _store(context: AppContext) -> EmailStore:
    return EmailStore(context.database.sessions)


def test_run_step_opens_the_email_window_beside_the_panel(
    qtbot: QtBot, mail_window: MainWindow, mail_context: AppContext
) -> None:
    panel, email = _run(qtbot, mail_window, mail_context)
    assert mail_window.email_dock is not None and mail_window.cadence_dock is not None
    assert (
        mail_window.dockWidgetArea(mail_window.email_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    )
    assert mail_window.email_dock.x() < mail_window.cadence_dock.x()  # to the left of the panel
    assert email.position_label.text() == "1 of 5"
    assert not email.previous_button.isEnabled() and email.next_button.isEnabled()
    first = panel.people[0]
    assert email.subject_edit.text() == f"{first.name.split()[0]}, about {first.account_name}"
    assert email.body_edit.toPlainText().endswith("Best,\nSam")
    assert email.send_button.isEnabled() and email.schedule_all_button.isVisible()

    qtbot.mouseClick(email.next_button, LEFT)
    assert email.position_label.text() == "2 of 5" and panel.index == 1
    assert email.subject_edit.text().startswith(panel.people[1].name.split()[0])
    qtbot.mouseClick(email.previous_button, LEFT)
    assert email.position_label.text() == "1 of 5" and panel.index == 0


def test_autosave_fires_persists_and_reopens(
    qtbot: QtBot, mail_window: MainWindow, mail_context: AppContext
) -> None:
    panel, email = _run(qtbot, mail_window, mail_context)
    person = panel.people[0]
    email.body_edit.moveCursor(QTextCursor.MoveOperation.End)
    with qtbot.waitSignal(email.autosaved, timeout=6000):
        qtbot.keyClicks(email.body_edit, " P.S. Loved your talk.")
    saved = _store(mail_context).current(person.membership_id, panel.running.step_id)  # type: ignore[union-attr]
    assert saved is not None and saved.state is EmailState.DRAFT
    assert saved.body.endswith("P.S. Loved your talk.")
    assert email.saved_label.text().startswith("Saved ")

    qtbot.mouseClick(email.next_button, LEFT)  # away and back: the draft is there
    qtbot.mouseClick(email.previous_button, LEFT)
    assert email.body_edit.toPlainText().endswith("P.S. Loved your talk.")

    qtbot.keyClicks(email.subject_edit, " (2)")
    assert email.dirty
    assert mail_window.email_dock is not None
    mail_window.email_dock.close()  # the X saves at once and says so
    assert not mail_window.email_dock.isVisible()
    assert mail_window.statusBar().currentMessage() == "Saved to the cadence."
    saved = _store(mail_context).current(person.membership_id, panel.running.step_id)  # type: ignore[union-attr]
    assert saved is not None and saved.subject.endswith(" (2)")


def test_discard_reverts_to_the_template_and_trash_deletes_and_closes(
    qtbot: QtBot, mail_window: MainWindow, mail_context: AppContext
) -> None:
    panel, email = _run(qtbot, mail_window, mail_context)
    person, step_id = panel.people[0], panel.running.step_id  # type: ignore[union-attr]
    template_body = email.body_edit.toPlainText()
    email.body_edit.setPlainText("Totally rewritten")
    assert email.save_draft()
    qtbot.mouseClick(email.discard_button, LEFT)
    assert email.body_edit.toPlainText() == template_body
    assert _store(mail_context).current(person.membership_id, step_id) is None

    email.body_edit.setPlainText("Another try")
    assert email.save_draft()
    qtbot.mouseClick(email.trash_button, LEFT)
    assert mail_window.email_dock is not None and not mail_window.email_dock.isVisible()
    assert _store(mail_context).current(person.membership_id, step_id) is None


def test_missing_field_is_highlighted_and_blocks_send(
    qtbot: QtBot, mail_window: MainWindow, mail_context: AppContext
) -> None:
    _panel, email = _run(qtbot, mail_window, mail_context)
    qtbot.keyClicks(email.body_edit, "{{state}} and {{acount}}")
    assert not email.send_button.isEnabled() and not email.schedule_button.isEnabled()
    text = email.problem_label.text()
    assert "has no value for {{state}} (state)" in text
    assert "Unknown merge field {{acount}} (did you mean {{account}}?)" in text
    assert email.send_button.toolTip() == text


def _sent_messages(context: AppContext) -> list[OutgoingMessage]:
    """What the background sender would send now (a fake SMTP send records it)."""
    sent: list[OutgoingMessage] = []
    account = SmtpAccount("smtp.dialer.example", 587, "starttls", USER, USER)
    EmailSender(
        _store(context),
        lambda: (account, "s3cret"),
        send=lambda _a, _p, message: sent.append(message),
    ).run_once()
    return sent


def test_send_and_edit_next_moves_on_and_suggestions_follow_the_last(
    qtbot: QtBot, mail_window: MainWindow, mail_context: AppContext
) -> None:
    panel, email = _run(qtbot, mail_window, mail_context)
    first = panel.people[0]
    qtbot.mouseClick(email.send_button, LEFT)
    assert email.position_label.text() == "1 of 4"
    assert first.membership_id not in [p.membership_id for p in panel.people]
    assert "Sending the email to" in mail_window.statusBar().currentMessage()
    [message] = _sent_messages(mail_context)
    assert message.subject.startswith(first.name.split()[0]) and "{{" not in message.body

    for _ in range(4):
        qtbot.mouseClick(email.send_button, LEFT)
    assert panel.pages.currentIndex() == 2  # the suggestions
    assert mail_window.email_dock is not None and not mail_window.email_dock.isVisible()
    assert len(_sent_messages(mail_context)) == 4


def test_schedule_dialog_person_time_zone(
    qtbot: QtBot, mail_window: MainWindow, mail_context: AppContext
) -> None:
    panel, email = _run(qtbot, mail_window, mail_context)
    first = panel.people[0]
    dialog = email.open_schedule()
    assert dialog is not None and dialog.isVisible()
    assert "preset_now" not in [b.objectName() for b in dialog.preset_buttons.values()]
    dialog.preset_buttons[dialog.preset.__class__.IN_4_HOURS].setChecked(True)  # type: ignore[union-attr]
    assert dialog.person_zone_button.isEnabled()  # Atlanta numbers: America/New_York
    dialog.person_zone_button.setChecked(True)
    assert dialog.zone == "America/New_York"
    before = datetime.now(UTC)
    qtbot.mouseClick(dialog.schedule_button, LEFT)
    row = _store(mail_context).current(first.membership_id, panel.running.step_id)  # type: ignore[union-attr]
    assert row is not None and row.state is EmailState.SCHEDULED and row.due_at is not None
    assert timedelta(hours=4) <= row.due_at - before < timedelta(hours=4, minutes=1)
    assert email.position_label.text() == "1 of 4"  # the next person opened
    assert _sent_messages(mail_context) == []  # not due yet


def test_custom_time_switches_off_the_preset_and_refuses_the_past(
    qtbot: QtBot, mail_window: MainWindow, mail_context: AppContext
) -> None:
    _panel, email = _run(qtbot, mail_window, mail_context)
    dialog = email.open_schedule()
    assert dialog is not None
    dialog.when_edit.setDateTime(dialog.when_edit.dateTime().addDays(-2))
    assert dialog.custom_button.isChecked() and dialog.preset is None
    qtbot.mouseClick(dialog.schedule_button, LEFT)
    assert dialog.isVisible() and "already passed" in dialog.error.text()
    dialog.reject()


def test_schedule_all_first_3_of_5_the_rest_stay_due(
    qtbot: QtBot, mail_window: MainWindow, mail_context: AppContext
) -> None:
    panel, email = _run(qtbot, mail_window, mail_context)
    order = [p.membership_id for p in panel.people]
    dialog = email.open_schedule_all()
    assert dialog.count_spin.value() == 5
    dialog.count_spin.setValue(3)
    assert dialog.summary.text() == (
        "Sending 3 emails (the first 3 of 5; the rest stay due) starts now."
    )
    qtbot.mouseClick(dialog.schedule_button, LEFT)
    assert [p.membership_id for p in panel.people] == order[3:]
    assert email.position_label.text() == "1 of 2"
    assert mail_window.statusBar().currentMessage().startswith("Sending 3 emails")
    assert len(_sent_messages(mail_context)) == 3


def test_step_dialog_edits_the_template_and_warns_about_typos(qtbot: QtBot) -> None:
    saved = []
    dialog = StepDialog(saved.append)
    qtbot.addWidget(dialog)
    assert not dialog.email_box.isVisibleTo(dialog)
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("email"))
    assert dialog.email_box.isVisibleTo(dialog)
    dialog.name_edit.setText("Intro Email")
    dialog.subject_edit.setText("Hi {{firstname}}")
    assert "did you mean {{first_name}}?" in dialog.template_warning.text()
    dialog.field_combo.activated.emit(dialog.field_combo.findData("account"))
    assert "{{account}}" in dialog.body_edit.toPlainText()
    dialog.save()
    assert saved[0].email_subject == "Hi {{firstname}}" and "{{account}}" in saved[0].email_body


def _fail_due(context: AppContext, reason: str) -> None:
    """The background sender meets a permanent failure on what is due."""

    def refuse(_account: object, _password: object, _message: object) -> None:
        raise SendFailure(reason, transient=False)

    account = SmtpAccount("smtp.dialer.example", 587, "starttls", USER, USER)
    EmailSender(_store(context), lambda: (account, "s3cret"), send=refuse).run_once()


def test_profile_emails_tab_lists_opens_and_unschedules(
    qtbot: QtBot, mail_window: MainWindow, mail_context: AppContext
) -> None:
    panel, email = _run(qtbot, mail_window, mail_context)
    step_id = panel.running.step_id  # type: ignore[union-attr]
    first, second = panel.people[0], panel.people[1]
    qtbot.mouseClick(email.send_button, LEFT)  # first: sent
    assert len(_sent_messages(mail_context)) == 1
    service = mail_window.email_service()
    assert service is not None
    opened = service.open(second, step_id)
    service.schedule(
        second,
        step_id,
        opened.subject,
        opened.body,
        at=datetime.now(UTC) + timedelta(hours=1),
        zone="",
    )

    profile = mail_window.open_profile(first.person_id)
    assert profile is not None
    qtbot.addWidget(profile)
    assert [profile.activity.tabText(i) for i in range(profile.activity.count())] == [
        "Calls",
        "Emails",
    ]
    page = profile.emails_page
    assert page.model.rowCount() == 1
    model = page.model
    cells = [model.index(0, c).data() for c in range(model.columnCount())]
    assert cells[0] == opened.subject.replace(second.name.split()[0], first.name.split()[0])
    assert cells[1] == "sent" and cells[2] and cells[3] == ""
    assert cells[4] == "Mail · Day 1 · Intro Email"
    assert page.open_row(0) is not None
    assert page.body_view.isReadOnly() and page.body_view.toPlainText().startswith("Hi ")
    assert not page.unschedule_button.isEnabled()  # sent: nothing to unschedule

    other = mail_window.open_profile(second.person_id)
    assert other is not None
    qtbot.addWidget(other)
    page = other.emails_page
    assert page.model.index(0, 1).data().startswith("scheduled for ")
    page.open_row(0)
    assert page.body_view.toPlainText() == opened.body
    assert second.membership_id not in [
        p.membership_id for p in mail_window.cadence_service().due_people(step_id)
    ]
    qtbot.mouseClick(page.unschedule_button, LEFT)
    assert page.message.text().startswith("Unscheduled: the email to")
    assert page.model.rowCount() == 0  # a draft again: not activity
    assert second.membership_id in [
        p.membership_id for p in mail_window.cadence_service().due_people(step_id)
    ]
    draft = _store(mail_context).current(second.membership_id, step_id)
    assert draft is not None and draft.state is EmailState.DRAFT
    profile.close()
    other.close()


def test_failed_emails_are_listed_on_the_step_with_send_again_and_open(
    qtbot: QtBot, mail_window: MainWindow, mail_context: AppContext
) -> None:
    panel, email = _run(qtbot, mail_window, mail_context)
    box = panel.step_emails
    assert not box.isVisible()  # nothing failed or scheduled yet
    first = panel.people[0]
    qtbot.mouseClick(email.send_button, LEFT)
    assert box.isVisible() and box.model.index(0, 1).data().startswith("scheduled for ")
    assert "1 scheduled or sending" in box.summary.text()
    reason = "The mail server refused the address: check the person's email address."
    _fail_due(mail_context, reason)
    mail_window._cadences_changed()  # what the sender thread's outcome does
    assert box.model.rowCount() == 1
    assert box.model.index(0, 0).data() == first.name
    assert box.model.index(0, 1).data() == f"failed: {reason}"
    assert "1 not sent" in box.summary.text()
    assert box.send_again_button.isEnabled() and not box.unschedule_button.isEnabled()

    qtbot.mouseClick(email.next_button, LEFT)
    qtbot.mouseClick(box.open_button, LEFT)  # the failed person opens in the email window
    assert panel.current is not None and panel.current.membership_id == first.membership_id
    assert email.state_label.text() == f"Not sent: {reason}"

    qtbot.mouseClick(box.send_again_button, LEFT)
    assert panel.message.text() == f"Sending the email to {first.name} again…"
    assert first.membership_id not in [p.membership_id for p in panel.people]
    assert box.model.index(0, 1).data().startswith("scheduled for ")
    assert box.unschedule_button.isEnabled()
    qtbot.mouseClick(box.unschedule_button, LEFT)  # changed my mind: due again
    assert first.membership_id in [p.membership_id for p in panel.people]
    assert not box.isVisible()


def test_a_scheduled_email_shows_read_only_with_unschedule(
    qtbot: QtBot, mail_window: MainWindow, mail_context: AppContext
) -> None:
    panel, email = _run(qtbot, mail_window, mail_context)
    step_id = panel.running.step_id  # type: ignore[union-attr]
    second = panel.people[1]
    service = email.service
    opened = service.open(second, step_id)
    service.schedule(  # elsewhere (another window, Schedule All): the list is stale
        second,
        step_id,
        opened.subject,
        opened.body,
        at=datetime.now(UTC) + timedelta(hours=2),
        zone="",
    )
    assert not email.unschedule_button.isVisible()
    qtbot.mouseClick(email.next_button, LEFT)
    assert email.unschedule_button.isVisible() and email.unschedule_button.isEnabled()
    assert email.state_label.text().startswith("Scheduled for ")
    assert email.body_edit.isReadOnly() and email.subject_edit.isReadOnly()
    assert not email.send_button.isEnabled() and not email.schedule_button.isEnabled()
    assert not email.discard_button.isEnabled()

    qtbot.mouseClick(email.unschedule_button, LEFT)
    assert mail_window.statusBar().currentMessage().startswith("Unscheduled: the email to")
    assert not email.unschedule_button.isVisible() and not email.body_edit.isReadOnly()
    assert email.send_button.isEnabled()
    row = _store(mail_context).current(second.membership_id, step_id)
    assert row is not None and row.state is EmailState.DRAFT


def test_an_email_held_back_from_a_paused_person_says_why_when_they_are_due_again(
    qtbot: QtBot, mail_window: MainWindow, mail_context: AppContext
) -> None:
    panel, email = _run(qtbot, mail_window, mail_context)
    first = panel.people[0]
    qtbot.mouseClick(email.send_button, LEFT)  # scheduled for now
    service = mail_window.cadence_service()
    service.pause(first.membership_id)  # before the sender gets to it
    _fail_due(mail_context, "never reached: the person left the step first")
    row = _store(mail_context).current(first.membership_id, panel.running.step_id)  # type: ignore[union-attr]
    assert row is not None and row.state is EmailState.DRAFT

    service.resume(first.membership_id)
    mail_window._cadences_changed()
    step_id = panel.running.step_id  # type: ignore[union-attr]
    panel.run(next(r for r in panel.todo.rows if r.step_id == step_id))  # Run Step again
    ids = [p.membership_id for p in panel.people]
    panel.go_to(ids.index(first.membership_id) - panel.index)
    assert email.state_label.text() == (
        f"Not sent: {first.name} is paused on the cadence (due again once resumed)."
    )
    assert email.send_button.isEnabled()  # their draft, ready to go


def test_overview_due_count_leaves_out_scheduled_emails(
    qtbot: QtBot, mail_window: MainWindow, mail_context: AppContext
) -> None:
    panel, email = _run(qtbot, mail_window, mail_context)
    step_id = panel.running.step_id  # type: ignore[union-attr]
    cadence_id = panel.running.cadence_id  # type: ignore[union-attr]
    service = mail_window.cadence_service()

    def due() -> int:
        panels = service.overview(cadence_id).panels
        return next(p.people_due for p in panels if p.step.id == step_id)

    assert due() == 5
    qtbot.mouseClick(email.send_button, LEFT)  # scheduled for now, not sent yet
    assert due() == 4 == len(service.due_people(step_id))
