"""Cadence email steps against a real SMTP server process (STARTTLS + AUTH on loopback):
personalised sends, schedules delivered exactly once across restarts and racing senders,
Send First #, a server that is down then up, and the failures the rep must fix."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from dialer_app.app import AppContext
from dialer_app.db.email_store import EMAIL_SENT, EmailStore
from dialer_app.db.models import Person, StepCompletion
from dialer_app.domain.cadences import DuePerson, PeopleSort
from dialer_app.domain.email_schedule import EmailState, first_n
from dialer_app.services.cadences import CadenceService
from dialer_app.services.email_sender import EmailSender, SenderThread
from dialer_app.services.email_steps import EmailStepError, EmailStepService
from dialer_app.settings import Settings
from tests.integration.smtp_lab import (  # noqa: F401 - fixtures
    PASSWORD,
    ROOT,
    USER,
    SmtpLab,
    certificate,
    smtp_lab,
)

PEOPLE = ("Ava", "Ben", "Chloe", "Daniel", "Emma")
SUBJECT = "{{first_name}}, a question about {{account}}"
BODY = "Hi {{first_name}},\n\nHow is {{city}}? Calling {{account}} soon.\n\n{{sender_first_name}}"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 11, 4, 15, 0, tzinfo=UTC)  # a Monday

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Rig:
    context: AppContext
    lab: SmtpLab
    clock: Clock
    cadences: CadenceService
    emails: EmailStepService
    step_id: int

    def due(self) -> list[DuePerson]:
        return self.cadences.due_people(self.step_id, sort=PeopleSort.NAME)

    def sender(self, password: str = PASSWORD) -> EmailSender:
        account, _ = self.lab.account()
        return EmailSender(
            EmailStore(self.context.database.sessions),
            lambda: (account, password),
            clock=self.clock,
        )

    def completions(self) -> list[str]:
        with self.context.database.sessions() as session:
            return list(
                session.scalars(
                    select(StepCompletion.outcome).where(StepCompletion.step_id == self.step_id)
                )
            )


@pytest.fixture
def rig(context: AppContext, smtp_lab: SmtpLab) -> Rig:  # noqa: F811
    clock = Clock()
    account, _ = smtp_lab.account()
    settings = Settings(
        sender_name="Sam de Vries",
        sender_email=USER,
        smtp_host="127.0.0.1",
        smtp_port=smtp_lab.port,
        smtp_security="starttls",
        smtp_username=USER,
        smtp_ca_file=account.ca_file,
        time_zone="America/New_York",
    )
    cadences = CadenceService(context.database.sessions, lambda: settings.time_zone, clock)
    cadence = cadences.create_cadence("Mail")
    step = cadences.add_step(
        cadence.id, "email", 1, "Intro Email", email_subject=SUBJECT, email_body=BODY
    )
    cadences.add_step(cadence.id, "phone", 2, "Intro Call")
    with context.database.sessions() as session:
        rows = session.execute(
            select(Person.first_name, Person.id).where(Person.first_name.in_(PEOPLE))
        ).all()
        ids = {first: person_id for first, person_id in rows}
    added = cadences.add_people(
        cadence.id, [ids[n] for n in PEOPLE], today=cadences.today() - timedelta(days=14)
    )
    assert len(added.added) == len(PEOPLE)
    emails = EmailStepService(
        context.database.sessions, lambda: settings, lambda _user: PASSWORD, clock=clock
    )
    return Rig(context, smtp_lab, clock, cadences, emails, step.id)


def _send_template(rig: Rig, person: DuePerson) -> None:
    opened = rig.emails.open(person, rig.step_id)
    rig.emails.send_now(person, rig.step_id, opened.subject, opened.body)


def test_personalised_send_arrives_with_fields_filled(rig: Rig) -> None:
    ava = rig.due()[0]
    opened = rig.emails.open(ava, rig.step_id)
    assert opened.subject == "Ava, a question about Acme Logistics"
    assert opened.problem == ""
    body = opened.body.replace("How is Atlanta?", "Great to meet you at the booth!")
    rig.emails.autosave(ava, rig.step_id, opened.subject, body)  # the rep's personal touch
    rig.emails.send_now(ava, rig.step_id, opened.subject, body)
    assert ava.membership_id not in [p.membership_id for p in rig.due()]  # pending: off the list

    outcomes = rig.sender().run_once()
    assert [o.state for o in outcomes] == [EmailState.SENT]
    [message] = rig.lab.wait_for(1)
    assert message["To"] == "Ava Thompson <ava.thompson@acme-logistics.example>"
    assert message["From"] == f"Sam de Vries <{USER}>"
    assert message["Subject"] == "Ava, a question about Acme Logistics"
    text = message.get_content()
    assert "Hi Ava," in text and "Great to meet you at the booth!" in text and "\nSam" in text
    assert "{{" not in text
    row = rig.emails.store.all_rows()[-1]
    assert row.state is EmailState.SENT and not row.late
    assert message["Message-ID"] == row.message_id and row.uuid in row.message_id
    assert rig.completions() == [EMAIL_SENT]  # the step completed for Ava only
    assert [p.name for p in rig.due()] == [
        "Ben Carter",
        "Chloe Nguyen",
        "Daniel Brooks",
        "Emma Rodriguez",
    ]
    assert [e.state for e in rig.emails.store.for_person(ava.person_id)] == [EmailState.SENT]
    assert rig.sender().run_once() == []  # nothing left: never twice
    assert len(rig.lab.messages()) == 1


def test_a_missing_field_is_never_sent_raw(rig: Rig) -> None:
    ava = rig.due()[0]
    with pytest.raises(EmailStepError, match=r"has no value for \{\{state\}\} \(state\)"):
        rig.emails.send_now(ava, rig.step_id, "Hi {{first_name}}", "How is {{state}}?")
    with pytest.raises(EmailStepError, match=r"did you mean \{\{first_name\}\}"):
        rig.emails.send_now(ava, rig.step_id, "Hi {{firstname}}", "Hello")
    assert rig.emails.store.all_rows() == []


def _driver(rig: Rig, clock: datetime, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.integration.email_sender_driver",
            str(rig.context.database.path),
            clock.isoformat(),
            str(rig.lab.port),
            str(rig.lab.cert),
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _outcomes(process: subprocess.Popen[str]) -> list[dict[str, object]]:
    out, err = process.communicate(timeout=90)
    assert process.returncode == 0, err
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.mark.slow
def test_scheduled_send_goes_once_across_restart_and_racing_senders(rig: Rig) -> None:
    ben = rig.due()[1]
    due_at = rig.clock.now + timedelta(hours=1)
    opened = rig.emails.open(ben, rig.step_id)
    rig.emails.schedule(ben, rig.step_id, opened.subject, opened.body, at=due_at, zone="")

    # the app runs before the due time: nothing goes
    assert _outcomes(_driver(rig, due_at - timedelta(minutes=1))) == []
    # the app was closed at the due time; two instances start three hours later at once
    late = due_at + timedelta(hours=3)
    racers = [_driver(rig, late), _driver(rig, late)]
    results = [_outcomes(p) for p in racers]
    assert sorted(len(r) for r in results) == [0, 1]  # exactly one of them claimed it
    # and another restart later sends nothing again
    assert _outcomes(_driver(rig, late + timedelta(minutes=5))) == []

    messages = rig.lab.wait_for(1)
    assert len(messages) == 1 and messages[0]["Subject"].startswith("Ben,")
    row = rig.emails.store.all_rows()[-1]
    assert row.state is EmailState.SENT and row.late  # flagged: due while the app was closed


@pytest.mark.slow
def test_killed_mid_send_becomes_unknown_and_is_not_resent(rig: Rig) -> None:
    chloe = rig.due()[2]
    _send_template(rig, chloe)
    crashed = _driver(rig, rig.clock.now, "--crash-after-send")
    crashed.communicate(timeout=90)
    assert crashed.returncode == 3
    assert len(rig.lab.wait_for(1)) == 1
    assert rig.emails.store.all_rows()[-1].state is EmailState.SENDING

    assert _outcomes(_driver(rig, rig.clock.now + timedelta(minutes=1))) == []  # within lease
    assert _outcomes(_driver(rig, rig.clock.now + timedelta(minutes=10))) == []
    row = rig.emails.store.all_rows()[-1]
    assert row.state is EmailState.UNKNOWN
    assert "may or may not have gone out" in row.error and row.message_id in row.error
    assert len(rig.lab.messages()) == 1  # never resent by itself
    # the person is due again, and the window reopens the email with the reason
    assert chloe.membership_id in [p.membership_id for p in rig.due()]
    assert rig.emails.open(chloe, rig.step_id).state is EmailState.UNKNOWN


def test_send_first_3_of_5(rig: Rig) -> None:
    people = rig.due()
    assert len(people) == 5
    chosen, rest = first_n(people, 3)
    count = rig.emails.schedule_all(chosen, rig.step_id, at=rig.clock.now, zone="")
    assert count == 3
    assert [p.membership_id for p in rig.due()] == [p.membership_id for p in rest]
    rig.sender().run_once()
    received = sorted(m["To"].addresses[0].display_name for m in rig.lab.wait_for(3))
    assert received == sorted(p.name for p in chosen)
    assert [p.membership_id for p in rig.due()] == [p.membership_id for p in rest]  # still due
    assert rig.completions() == [EMAIL_SENT] * 3


def test_schedule_all_is_all_or_nothing(rig: Rig, context: AppContext) -> None:
    people = rig.due()
    with context.database.sessions.begin() as session:
        person = session.get(Person, people[1].person_id)
        assert person is not None
        person.email = None
    with pytest.raises(EmailStepError, match=r"Nothing was scheduled\. Ben Carter has no email"):
        rig.emails.schedule_all(people, rig.step_id, at=rig.clock.now, zone="")
    assert rig.emails.store.all_rows() == []


def test_server_down_then_up_retries_with_backoff_and_delivers_once(rig: Rig) -> None:
    rig.lab.stop()
    daniel = rig.due()[3]
    _send_template(rig, daniel)
    sender = rig.sender()
    [outcome] = sender.run_once()
    assert outcome.state is EmailState.SCHEDULED and "refused the connection" in outcome.message
    row = rig.emails.store.all_rows()[-1]
    assert row.attempts == 1 and row.due_at == rig.clock.now + timedelta(seconds=30)
    assert daniel.membership_id not in [p.membership_id for p in rig.due()]  # still pending

    rig.clock.now += timedelta(seconds=31)
    [outcome] = sender.run_once()  # still down: the wait doubles
    assert rig.emails.store.all_rows()[-1].due_at == rig.clock.now + timedelta(seconds=60)

    rig.lab.start()
    assert sender.run_once() == []  # not due again yet
    rig.clock.now += timedelta(seconds=61)
    [outcome] = sender.run_once()
    assert outcome.state is EmailState.SENT
    assert len(rig.lab.wait_for(1)) == 1
    assert sender.run_once() == [] and len(rig.lab.messages()) == 1
    assert rig.emails.store.all_rows()[-1].attempts == 3


def test_wrong_password_fails_with_the_fix_and_the_person_is_due_again(rig: Rig) -> None:
    emma = rig.due()[4]
    _send_template(rig, emma)
    [outcome] = rig.sender(password="wrong").run_once()
    assert outcome.state is EmailState.FAILED
    assert outcome.message.startswith(
        "The SMTP server refused the password: check the username and password"
    )
    assert emma.membership_id in [p.membership_id for p in rig.due()]
    [problem] = rig.emails.pending_on_step(rig.step_id)
    assert problem.state is EmailState.FAILED and "Settings → Email" in problem.error
    assert rig.lab.messages() == [] and rig.completions() == []
    # fixed: Send again from the window goes through
    opened = rig.emails.open(emma, rig.step_id)
    assert opened.error and opened.state is EmailState.FAILED
    rig.emails.send_now(emma, rig.step_id, opened.subject, opened.body)
    assert [o.state for o in rig.sender().run_once()] == [EmailState.SENT]
    assert len(rig.lab.wait_for(1)) == 1


def test_rejected_recipient_is_permanent(rig: Rig, context: AppContext) -> None:
    ava = rig.due()[0]
    with context.database.sessions.begin() as session:
        person = session.get(Person, ava.person_id)
        assert person is not None
        person.email = "reject-me@acme.example"
    _send_template(rig, ava)
    [outcome] = rig.sender().run_once()
    assert outcome.state is EmailState.FAILED
    assert "refused the address reject-me@acme.example (550" in outcome.message
    assert "check the person's email address" in outcome.message


def test_the_sender_thread_sends_when_woken(rig: Rig) -> None:
    thread = SenderThread(rig.sender())
    rig.emails._wake = thread.wake
    thread.start()
    try:
        _send_template(rig, rig.due()[0])
        assert len(rig.lab.wait_for(1, timeout=20)) == 1
    finally:
        thread.stop()
    assert not thread.is_alive()
    assert rig.emails.store.all_rows()[-1].state is EmailState.SENT


def test_check_connection_messages(rig: Rig) -> None:
    from dialer_app.services.smtp_client import check_connection

    account, password = rig.lab.account()
    ok, text = check_connection(account, password)
    assert ok and "STARTTLS" in text
    ok, text = check_connection(account, "nope")
    assert not ok and "refused the password: check the username and password" in text
    rig.lab.stop()
    ok, text = check_connection(account, password)
    assert not ok and "refused the connection" in text


def test_a_scheduled_email_never_reaches_someone_who_left_the_step(
    rig: Rig, context: AppContext
) -> None:
    """Paused or marked do not contact after the email was scheduled: the sender sends
    nothing, the email is a draft again with the reason, and a resumed person is due with
    their text kept."""
    ava, ben = rig.due()[:2]
    opened = rig.emails.open(ava, rig.step_id)
    personal = opened.body.replace("How is Atlanta?", "Loved your talk.")
    rig.emails.send_now(ava, rig.step_id, opened.subject, personal)
    _send_template(rig, ben)
    rig.cadences.pause(ava.membership_id)
    with context.database.sessions.begin() as session:
        person = session.get(Person, ben.person_id)
        assert person is not None
        person.do_not_contact = True

    assert rig.sender().run_once() == []
    assert rig.lab.messages() == [] and rig.completions() == []
    drafts = {row.person_id: row for row in rig.emails.store.all_rows()}
    assert drafts[ava.person_id].state is EmailState.DRAFT
    assert drafts[ava.person_id].error == (
        "Not sent: Ava Thompson is paused on the cadence (due again once resumed)."
    )
    assert drafts[ben.person_id].state is EmailState.DRAFT
    assert drafts[ben.person_id].error == "Not sent: Ben Carter is marked do not contact."

    rig.cadences.resume(ava.membership_id)
    [again] = [p for p in rig.due() if p.membership_id == ava.membership_id]
    reopened = rig.emails.open(again, rig.step_id)
    assert reopened.body == personal  # the rep's text survived
    rig.emails.send_now(again, rig.step_id, reopened.subject, reopened.body)
    assert [o.state for o in rig.sender().run_once()] == [EmailState.SENT]
    [message] = rig.lab.wait_for(1)
    assert "Loved your talk." in message.get_content()


def test_send_again_is_refused_once_the_person_was_removed(rig: Rig) -> None:
    emma = rig.due()[4]
    _send_template(rig, emma)
    [outcome] = rig.sender(password="wrong").run_once()
    assert outcome.state is EmailState.FAILED
    rig.cadences.remove(emma.membership_id)
    [failed] = rig.emails.pending_on_step(rig.step_id)
    with pytest.raises(
        EmailStepError, match=r"Not sent: Emma Rodriguez was removed from the cadence\."
    ):
        rig.emails.send_again(failed.id)
    assert rig.sender().run_once() == [] and rig.lab.messages() == []
