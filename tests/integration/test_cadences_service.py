"""The cadence service on the real demo database (issue 6)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from dialer_app.app import AppContext
from dialer_app.db.call_log_store import CallLogStore
from dialer_app.db.call_store import CallStart, CallStore
from dialer_app.db.models import (
    CadenceMembership,
    MembershipState,
    Person,
    StepCompletion,
)
from dialer_app.demo import data
from dialer_app.domain.cadences import GroupBy, PeopleSort, Suggestion
from dialer_app.domain.call_log import LogFields
from dialer_app.services.cadences import AddOutcome, CadenceError, CadenceService

FAR = date(2030, 1, 7)  # a Monday long after the demo's added days: every first step is due


@pytest.fixture
def service(context: AppContext) -> CadenceService:
    return CadenceService(context.database.sessions)


def _cadence_id(service: CadenceService, name: str) -> int:
    return next(c.id for c in service.list_cadences(include_archived=True) if c.name == name)


def _person_id(context: AppContext, first: str) -> int:
    with context.database.sessions() as session:
        found = session.scalar(select(Person.id).where(Person.first_name == first))
        assert found is not None
        return found


def test_cadences_list_with_counts(service: CadenceService) -> None:
    rows = {c.name: c for c in service.list_cadences()}
    assert set(rows) == set(data.CADENCES)
    for name, steps in data.CADENCES.items():
        assert rows[name].steps == len(steps)
        assert rows[name].people_active == sum(name in p.cadences for p in data.PEOPLE)
        assert rows[name].people_active > 0


def test_create_rename_archive(qtbot: QtBot, service: CadenceService) -> None:
    with qtbot.waitSignal(service.changed):
        made = service.create_cadence("  Q3   Outbound ")
    assert made.name == "Q3 Outbound" and made.steps == 0 and not made.archived
    with pytest.raises(CadenceError, match="already a cadence named “Q3 Outbound”"):
        service.create_cadence("q3 outbound")
    with pytest.raises(CadenceError, match="Type a name"):
        service.rename_cadence(made.id, "   ")
    assert service.rename_cadence(made.id, "Q4 Outbound").name == "Q4 Outbound"
    service.set_archived(made.id, True)
    assert "Q4 Outbound" not in [c.name for c in service.list_cadences()]
    assert "Q4 Outbound" in [c.name for c in service.list_cadences(include_archived=True)]
    service.create_cadence("Q4 Outbound")  # an archived one does not hold its name
    with pytest.raises(CadenceError, match="already a cadence"):
        service.set_archived(made.id, False)


def test_steps_on_the_same_day_keep_their_order(service: CadenceService) -> None:
    cadence = service.create_cadence("Ordering")
    call = service.add_step(cadence.id, "phone", 2, "Intro Call", "Say hi.\nAsk about X.")
    note = service.add_step(cadence.id, "other", 2, "Research")
    first = service.add_step(cadence.id, "email", 1, "Intro Email")
    assert [s.name for s in service.steps(cadence.id)] == ["Intro Email", "Intro Call", "Research"]
    assert [s.number for s in service.steps(cadence.id)] == [1, 2, 3]
    assert service.steps(cadence.id)[1].instructions == "Say hi.\nAsk about X."
    service.move_step(note.id, -1)
    assert [s.name for s in service.steps(cadence.id)] == ["Intro Email", "Research", "Intro Call"]
    with pytest.raises(CadenceError, match="already the first one on day 1"):
        service.move_step(first.id, -1)
    service.edit_step(first.id, day=2, name="Intro Email v2")  # goes last on day 2
    assert [s.name for s in service.steps(cadence.id)] == [
        "Research",
        "Intro Call",
        "Intro Email v2",
    ]
    service.set_step_enabled(call.id, False)
    assert [s.number for s in service.steps(cadence.id)] == [1, None, 2]
    with pytest.raises(CadenceError, match="between 1 and"):
        service.add_step(cadence.id, "phone", 0, "Nope")
    with pytest.raises(CadenceError, match="not a step type"):
        service.add_step(cadence.id, "fax", 1, "Nope")


def test_add_people_refuses_do_not_contact_and_skips_members(
    context: AppContext, service: CadenceService
) -> None:
    cadence = service.create_cadence("Adds")
    service.add_step(cadence.id, "phone", 1, "Call")
    ava, ben = data.PEOPLE[0].first, data.PEOPLE[1].first
    ava_id, ben_id = _person_id(context, ava), _person_id(context, ben)
    with context.database.sessions.begin() as session:
        session.execute(update(Person).where(Person.id == ben_id).values(do_not_contact=True))
    outcome = service.add_people(cadence.id, [ava_id, ben_id, ava_id, 999_999])
    assert outcome.added == (ava_id,)
    ben_name = f"{data.PEOPLE[1].first} {data.PEOPLE[1].last}"
    assert (ben_id, f"{ben_name} is marked do not contact.") in outcome.refused
    assert (999_999, "That person no longer exists.") in outcome.refused
    again = service.add_people(cadence.id, [ava_id])
    assert again.added == () and again.skipped[0][0] == ava_id
    assert "already on “Adds”" in again.message()
    member = service.members(cadence.id)[0]
    assert member.state == "active" and member.step_name == "Call" and member.step_number == 1
    service.set_archived(cadence.id, True)
    archived = service.add_people(cadence.id, [_person_id(context, data.PEOPLE[2].first)])
    assert archived.added == () and "archived" in archived.refused[0][1]


def test_the_summary_of_an_add_of_many_says_each_reason_once() -> None:
    refused = tuple((i, f"Person {i} is marked do not contact.") for i in range(12))
    archived = tuple((i, "“Q3” is archived: unarchive it first.") for i in range(20, 23))
    outcome = AddOutcome(added=(30, 31), skipped=((40, "P is already on “Q3”."),))
    assert outcome.summary() == "Added 2 people, skipped 1 (already on it), refused 0."
    lines = AddOutcome(refused=refused + archived).summary(reasons_shown=10).split("\n")
    assert lines[0] == "Added 0 people, skipped 0 (already on it), refused 15."
    assert lines[1:11] == [reason for _, reason in refused[:10]]
    assert lines[11:] == ["…and 3 more."]  # two people and the archived cadence
    assert AddOutcome(refused=archived).summary().split("\n")[1:] == [archived[0][1]]


def test_pause_resume_finish_remove_and_restart(
    context: AppContext, service: CadenceService
) -> None:
    cadence = service.create_cadence("States")
    service.add_step(cadence.id, "phone", 1, "Call")
    person = _person_id(context, data.PEOPLE[0].first)
    service.add_people(cadence.id, [person], today=FAR)
    membership = service.members(cadence.id)[0].membership_id
    assert service.pause(membership).state == "paused"
    assert service.due_people(service.steps(cadence.id)[0].id, FAR) == []  # paused: not due
    with pytest.raises(CadenceError, match="Only an active person can be paused"):
        service.pause(membership)
    assert service.resume(membership).state == "active"
    finished = service.finish(membership)
    assert finished.state == "finished" and finished.step_id is None
    assert service.remove(membership).state == "removed"
    assert service.members(cadence.id) == []
    assert service.add_people(cadence.id, [person], today=FAR).added == (person,)  # restarts
    assert service.members(cadence.id)[0].step_name == "Call"


def test_a_cadence_added_to_before_its_steps_starts_people_on_the_first(
    context: AppContext, service: CadenceService
) -> None:
    cadence = service.create_cadence("Empty first")
    person = _person_id(context, data.PEOPLE[0].first)
    service.add_people(cadence.id, [person])
    assert service.members(cadence.id)[0].step_id is None
    step = service.add_step(cadence.id, "other", 1, "Research")
    assert service.members(cadence.id)[0].step_id == step.id


def test_due_steps_and_people(context: AppContext, service: CadenceService) -> None:
    rows = service.due_steps(FAR)
    intro = next(r for r in rows if r.cadence_name == data.INTRO)
    assert (intro.name, intro.step_number, intro.day, intro.step_type) == (
        "Intro Call",
        1,
        1,
        "phone",
    )
    assert intro.people_due == sum(data.INTRO in p.cadences for p in data.PEOPLE)
    people = service.due_people(intro.step_id, FAR, sort=PeopleSort.NAME)
    assert len(people) == intro.people_due
    assert [p.name.casefold() for p in people] == sorted(p.name.casefold() for p in people)
    assert all(p.phone_e164.startswith("+") for p in people)
    assert all(p.time_zone for p in people)  # from their numbers
    by_account = service.due_people(intro.step_id, FAR, sort=PeopleSort.ACCOUNT)
    assert [p.account_name for p in by_account] == sorted(p.account_name for p in by_account)
    grouped = service.due_steps(FAR, GroupBy.ACCOUNT)
    assert sum(r.people_due for r in grouped if r.step_id == intro.step_id) == intro.people_due
    assert all(r.account_name for r in grouped)
    one = next(r for r in grouped if r.step_id == intro.step_id)
    only = service.due_people(
        intro.step_id, FAR, account_id=one.account_id, grouped_by_account=True
    )
    assert len(only) == one.people_due and {p.account_id for p in only} == {one.account_id}


def test_due_dates_count_business_days_from_the_add(
    context: AppContext, service: CadenceService
) -> None:
    cadence = service.create_cadence("Weekend")
    day2 = service.add_step(cadence.id, "phone", 2, "Day two")
    day1 = service.add_step(cadence.id, "email", 1, "Day one")
    person = _person_id(context, data.PEOPLE[0].first)
    friday = date(2024, 6, 7)
    service.add_people(cadence.id, [person], today=friday)
    assert [r.step_id for r in service.due_steps(friday) if r.cadence_id == cadence.id] == [day1.id]
    membership = service.members(cadence.id)[0].membership_id
    service.complete(membership, day1.id)
    saturday = date(2024, 6, 8)
    assert [r for r in service.due_steps(saturday) if r.cadence_id == cadence.id] == []
    monday = date(2024, 6, 10)
    due = service.due_people(day2.id, monday)
    assert [(p.membership_id, p.due_date) for p in due] == [(membership, monday)]


def test_today_is_in_the_reps_zone(context: AppContext) -> None:
    now = datetime(2024, 6, 4, 3, 30, tzinfo=UTC)  # Monday evening in New York
    ny = CadenceService(context.database.sessions, lambda: "America/New_York", lambda: now)
    berlin = CadenceService(context.database.sessions, lambda: "Europe/Berlin", lambda: now)
    assert ny.today() == date(2024, 6, 3) and berlin.today() == date(2024, 6, 4)


def test_do_not_contact_and_archived_are_never_due(
    context: AppContext, service: CadenceService
) -> None:
    intro = _cadence_id(service, data.INTRO)
    before = sum(r.people_due for r in service.due_steps(FAR) if r.cadence_id == intro)
    someone = service.members(intro)[0].person_id
    with context.database.sessions.begin() as session:
        session.execute(update(Person).where(Person.id == someone).values(do_not_contact=True))
    after = sum(r.people_due for r in service.due_steps(FAR) if r.cadence_id == intro)
    assert after == before - 1
    service.set_archived(intro, True)
    assert [r for r in service.due_steps(FAR) if r.cadence_id == intro] == []


def test_next_step_suggestions_after_the_last_person(
    context: AppContext, service: CadenceService
) -> None:
    cadence = service.create_cadence("Suggest")
    s1 = service.add_step(cadence.id, "phone", 1, "One")
    s2 = service.add_step(cadence.id, "other", 1, "Two")
    people = [_person_id(context, p.first) for p in data.PEOPLE[:2]]
    service.add_people(cadence.id, people, today=FAR)
    first, second = service.members(cadence.id)
    service.complete(first.membership_id, s1.id)  # first is now on step 2; second on step 1
    ran = next(r for r in service.due_steps(FAR) if r.step_id == s2.id)
    service.complete_all(s2.id, FAR)
    suggestions = service.suggest_next(ran, today=FAR)
    assert suggestions.options[-1] is Suggestion.RUN_NEXT_STEP
    assert suggestions.next_step is not None and suggestions.next_step.step_id == s1.id
    assert suggestions.next_step.step_number == 1
    service.complete(second.membership_id, s1.id, outcome="log_and_complete")
    service.complete_all(s2.id, FAR)
    done = service.suggest_next(ran, today=FAR)
    assert done.options[-1] is Suggestion.RETURN_TO_STEPS_LIST and done.next_step is None
    assert {m.state for m in service.members(cadence.id)} == {"finished"}
    with context.database.sessions() as session:
        outcomes = sorted(
            session.scalars(
                select(StepCompletion.outcome)
                .join(CadenceMembership)
                .where(CadenceMembership.cadence_id == cadence.id)
            )
        )
    assert outcomes == ["complete", "complete_all", "complete_all", "log_and_complete"]


def _call_on_step(context: AppContext, person_id: int, membership_id: int, step_id: int) -> str:
    call_uuid = str(uuid.uuid4())
    CallStore(context.database.sessions).started(
        CallStart(call_uuid, person_id, "+14045550100", None, "Demo line")
    )
    CallLogStore(context.database.sessions).attach_cadence_step(call_uuid, membership_id, step_id)
    return call_uuid


def test_calls_made_counts_logged_calls_only(context: AppContext, service: CadenceService) -> None:
    intro = _cadence_id(service, data.INTRO)
    member = service.members(intro)[0]
    assert member.step_id is not None
    step = member.step_id
    assert service.calls_made(step) == 0
    log_store = CallLogStore(context.database.sessions)
    logged = _call_on_step(context, member.person_id, member.membership_id, step)
    log_store.log(logged, LogFields(notes="hi"), success=False)
    discarded = _call_on_step(context, member.person_id, member.membership_id, step)
    log_store.discard(discarded)
    _call_on_step(context, member.person_id, member.membership_id, step)  # still open
    assert service.calls_made(step) == 1
    panel = next(p for p in service.overview(intro, FAR).panels if p.step.id == step)
    assert panel.calls_made == 1 and panel.people_on_step >= 1 and panel.people_due >= 1
    email = next(p for p in service.overview(intro, FAR).panels if p.step.step_type == "email")
    assert email.calls_made is None


def test_delete_a_step_with_history_disables_it(
    context: AppContext, service: CadenceService
) -> None:
    intro = _cadence_id(service, data.INTRO)
    member = service.members(intro)[0]
    assert member.step_id is not None
    _call_on_step(context, member.person_id, member.membership_id, member.step_id)
    result = service.delete_step(member.step_id)
    assert not result.deleted and "disabled instead of deleted" in result.reason
    steps = service.steps(intro)
    assert steps[0].enabled is False
    moved = next(m for m in service.members(intro) if m.membership_id == member.membership_id)
    assert moved.step_name == steps[1].name and moved.step_number == 1
    unused = steps[-1]
    assert service.delete_step(unused.id).deleted
    assert unused.id not in [s.id for s in service.steps(intro)]


def test_disabling_the_last_step_finishes_its_people(
    context: AppContext, service: CadenceService
) -> None:
    cadence = service.create_cadence("Short")
    only = service.add_step(cadence.id, "phone", 1, "Only")
    service.add_people(cadence.id, [_person_id(context, data.PEOPLE[0].first)])
    service.set_step_enabled(only.id, False)
    assert service.members(cadence.id)[0].state == "finished"
    with context.database.sessions() as session:
        states = session.scalars(
            select(CadenceMembership.state).where(CadenceMembership.cadence_id == cadence.id)
        ).all()
    assert states == [MembershipState.FINISHED]
