"""Email steps beyond sending (issue 9): the overview's due count, Unschedule, the step's
list of failed and scheduled emails with Send Again, and the profile's Emails activity.
No mail server: the sender's outcomes are written through the store as the sender would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from dialer_app.app import AppContext
from dialer_app.db.email_store import EmailStore
from dialer_app.db.models import Person
from dialer_app.domain.cadences import DuePerson, PeopleSort
from dialer_app.domain.email_schedule import EmailState
from dialer_app.services.cadences import CadenceService
from dialer_app.services.email_steps import EmailStepError, EmailStepService
from dialer_app.services.person_profile import PersonProfileService
from dialer_app.settings import Settings

PEOPLE = ("Ava", "Ben", "Chloe")
NY = "America/New_York"
NOW = datetime(2024, 11, 4, 15, 0, tzinfo=UTC)  # Monday 10:00 in New York


@dataclass
class Rig:
    context: AppContext
    cadences: CadenceService
    emails: EmailStepService
    cadence_id: int
    step_id: int

    @property
    def store(self) -> EmailStore:
        return self.emails.store

    def due(self) -> list[DuePerson]:
        return self.cadences.due_people(self.step_id, sort=PeopleSort.NAME)

    def overview_due(self) -> int:
        panels = self.cadences.overview(self.cadence_id).panels
        return next(p.people_due for p in panels if p.step.id == self.step_id)

    def todo_due(self) -> int:
        rows = self.cadences.due_steps()
        return sum(r.people_due for r in rows if r.step_id == self.step_id)

    def schedule(self, person: DuePerson, at: datetime) -> int:
        opened = self.emails.open(person, self.step_id)
        self.emails.schedule(person, self.step_id, opened.subject, opened.body, at=at, zone=NY)
        current = self.store.current(person.membership_id, self.step_id)
        assert current is not None
        return current.id

    def fail(self, email_id: int, reason: str) -> None:
        assert self.store.claim(email_id, "test", NOW, "<m@x>") is not None
        assert self.store.mark_failed(email_id, "test", reason)


@pytest.fixture
def rig(context: AppContext) -> Rig:
    settings = Settings(
        sender_name="Sam de Vries",
        sender_email="sam@dialer.example",
        smtp_host="smtp.dialer.example",
        smtp_username="sam@dialer.example",
        time_zone=NY,
    )
    cadences = CadenceService(context.database.sessions, lambda: NY, lambda: NOW)
    cadence = cadences.create_cadence("Mail")
    step = cadences.add_step(
        cadence.id,
        "email",
        1,
        "Intro Email",
        email_subject="{{first_name}}, about {{account}}",
        email_body="Hi {{first_name}},\n\n{{sender_first_name}}",
    )
    cadences.add_step(cadence.id, "phone", 2, "Intro Call")
    with context.database.sessions() as session:
        ids = dict(
            session.execute(
                select(Person.first_name, Person.id).where(Person.first_name.in_(PEOPLE))
            ).all()
        )
    cadences.add_people(cadence.id, [ids[n] for n in PEOPLE], today=cadences.today())
    emails = EmailStepService(
        context.database.sessions, lambda: settings, lambda _user: "s3cret", clock=lambda: NOW
    )
    return Rig(context, cadences, emails, cadence.id, step.id)


def test_overview_due_leaves_out_scheduled_and_sending_emails_like_the_todo_list(
    rig: Rig,
) -> None:
    assert rig.overview_due() == rig.todo_due() == 3
    ava, ben, _chloe = rig.due()
    rig.schedule(ava, NOW + timedelta(hours=1))
    assert rig.overview_due() == rig.todo_due() == len(rig.due()) == 2
    ben_email = rig.schedule(ben, NOW + timedelta(hours=4))
    assert rig.store.claim(ben_email, "sender", NOW, "<m@x>") is not None  # sending
    assert rig.overview_due() == rig.todo_due() == len(rig.due()) == 1
    panels = rig.cadences.overview(rig.cadence_id).panels
    panel = next(p for p in panels if p.step.id == rig.step_id)
    assert panel.people_on_step == 3  # still on the step, just not due


def test_unschedule_makes_a_draft_and_the_person_due_again(rig: Rig) -> None:
    ava = rig.due()[0]
    opened = rig.emails.open(ava, rig.step_id)
    rig.emails.autosave(ava, rig.step_id, opened.subject, opened.body + "\nP.S. personal")
    email_id = rig.schedule(ava, NOW + timedelta(hours=1))
    reopened = rig.emails.open(ava, rig.step_id)  # a stale list: the window shows what will go
    assert reopened.pending and reopened.can_unschedule and reopened.email_id == email_id
    assert reopened.body.endswith("P.S. personal")
    assert ava.membership_id not in [p.membership_id for p in rig.due()]

    notice = rig.emails.unschedule(email_id)
    assert notice == (
        "Unscheduled: the email to Ava Thompson is a draft again, and Ava Thompson is due again."
    )
    row = rig.store.get(email_id)
    assert row is not None and row.state is EmailState.DRAFT
    assert row.due_at is None and row.scheduled_for is None
    assert ava.membership_id in [p.membership_id for p in rig.due()]
    assert rig.overview_due() == 3
    draft = rig.emails.open(ava, rig.step_id)
    assert draft.state is EmailState.DRAFT and draft.body.endswith("P.S. personal")
    with pytest.raises(EmailStepError, match="is not scheduled"):
        rig.emails.unschedule(email_id)


def test_unschedule_is_refused_once_a_sender_has_claimed_it(rig: Rig) -> None:
    ava = rig.due()[0]
    email_id = rig.schedule(ava, NOW)
    assert rig.store.claim(email_id, "sender", NOW, "<m@x>") is not None
    with pytest.raises(EmailStepError, match="being sent right now"):
        rig.emails.unschedule(email_id)
    assert rig.store.mark_sent(email_id, "sender", NOW)
    with pytest.raises(EmailStepError, match="already sent"):
        rig.emails.unschedule(email_id)


def test_step_emails_list_failures_first_with_the_fix_and_send_again(
    rig: Rig, context: AppContext
) -> None:
    ava, ben, chloe = rig.due()
    later = rig.schedule(ava, NOW + timedelta(hours=4))
    failed = rig.schedule(ben, NOW)
    rig.fail(failed, "The server refused the address: check the person's email address.")
    opened = rig.emails.open(chloe, rig.step_id)
    rig.emails.autosave(chloe, rig.step_id, opened.subject, opened.body)  # a draft: not listed

    rows = rig.emails.step_emails(rig.step_id)
    assert [(r.id, r.name, r.state) for r in rows] == [
        (failed, ben.name, EmailState.FAILED),
        (later, ava.name, EmailState.SCHEDULED),
    ]
    assert rows[0].needs_attention and not rows[0].can_unschedule
    assert rows[0].status(NY) == (
        "failed: The server refused the address: check the person's email address."
    )
    assert rows[1].status(NY) == "scheduled for Mon Nov 04 14:00 EST (America/New_York)"
    assert rows[1].can_unschedule and not rows[1].needs_attention
    assert ben.membership_id in [p.membership_id for p in rig.due()]  # failed: due again

    with context.database.sessions.begin() as session:  # the fix: on the profile
        person = session.get(Person, ben.person_id)
        assert person is not None
        person.email = "ben.fixed@globex.example"
    assert rig.emails.send_again(failed) == f"Sending the email to {ben.name} again…"
    row = rig.store.get(failed)
    assert row is not None and row.state is EmailState.SCHEDULED
    assert row.to_address == "ben.fixed@globex.example" and row.error == ""
    assert ben.membership_id not in [p.membership_id for p in rig.due()]
    with pytest.raises(EmailStepError, match="not waiting to be sent again"):
        rig.emails.send_again(later)


def test_profile_emails_activity(rig: Rig) -> None:
    ava, ben, chloe = rig.due()
    sent = rig.schedule(ava, NOW)
    assert rig.store.claim(sent, "sender", NOW + timedelta(minutes=9), "<m@x>") is not None
    assert rig.store.mark_sent(sent, "sender", NOW + timedelta(minutes=9))  # late
    rig.schedule(ben, NOW + timedelta(hours=1))
    failed = rig.schedule(chloe, NOW)
    rig.fail(failed, "The SMTP server refused the password: fix it in Settings → Email.")
    profiles = PersonProfileService(rig.context.database.sessions)

    [email] = profiles.emails(ava.person_id)
    assert email.state is EmailState.SENT and email.late
    assert email.status(NY) == "sent" and email.sent_text(NY) == "2024-11-04 10:09"
    assert email.step == "Mail · Day 1 · Intro Email"
    assert email.subject == "Ava, about Acme Logistics" and email.body.startswith("Hi Ava,")
    [scheduled] = profiles.emails(ben.person_id)
    assert scheduled.can_unschedule and scheduled.sent_text(NY) == ""
    assert scheduled.status(NY) == "scheduled for Mon Nov 04 11:00 EST (America/New_York)"
    [problem] = profiles.emails(chloe.person_id)
    assert problem.status(NY).startswith("failed: The SMTP server refused the password")
    rig.emails.unschedule(scheduled.id)
    assert profiles.emails(ben.person_id) == ()  # a draft again: not activity
