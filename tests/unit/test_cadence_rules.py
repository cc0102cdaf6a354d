"""Cadence rules (issue 6, seeds 003/004): order, due dates, suggestions, states."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from dialer_app.domain.cadences import (
    ACTIVE,
    FINISHED,
    PAUSED,
    REMOVED,
    AddVerdict,
    CadenceRuleError,
    DuePerson,
    DueStep,
    GroupBy,
    MembershipAction,
    PeopleSort,
    StepKey,
    Suggestion,
    add_business_days,
    advance,
    check_add,
    check_day,
    counts_as_call_made,
    due_date,
    first_step_id,
    is_due,
    local_today,
    log_completes_step,
    membership_transition,
    move_within_day,
    next_step_id,
    next_step_suggestions,
    ordered_steps,
    sort_people,
    step_numbers,
    todo_order,
)
from dialer_app.domain.call_log import LogAction, log_effect

# 2024-06-03 is a Monday.
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2024, 6, d) for d in range(3, 10))
NEXT_MON = date(2024, 6, 10)


# -- order -------------------------------------------------------------------------------
STEPS = [
    StepKey(id=10, day=3, position=0),
    StepKey(id=11, day=1, position=1),
    StepKey(id=12, day=1, position=0),
    StepKey(id=13, day=2, position=0, enabled=False),
    StepKey(id=14, day=5, position=0),
]


def test_steps_are_ordered_by_day_then_position() -> None:
    assert [s.id for s in ordered_steps(STEPS)] == [12, 11, 13, 10, 14]


def test_step_numbers_count_enabled_steps_only() -> None:
    assert step_numbers(STEPS) == {12: 1, 11: 2, 10: 3, 14: 4}


def test_first_and_next_steps_skip_disabled_ones() -> None:
    assert first_step_id(STEPS) == 12
    assert next_step_id(STEPS, 12) == 11
    assert next_step_id(STEPS, 11) == 10  # 13 is disabled
    assert next_step_id(STEPS, 13) == 10  # from a step that was just disabled
    assert next_step_id(STEPS, 14) is None
    assert next_step_id(STEPS, 999) is None
    assert first_step_id([StepKey(1, 1, 0, enabled=False)]) is None


def test_completing_advances_or_finishes() -> None:
    assert advance(STEPS, 12).step_id == 11 and advance(STEPS, 12).state == ACTIVE
    done = advance(STEPS, 14)
    assert done.step_id is None and done.state == FINISHED


def test_moving_within_a_day_keeps_other_days() -> None:
    assert move_within_day(STEPS, 11, -1) == {11: 0, 12: 1}
    assert move_within_day(STEPS, 12, +1) == {11: 0, 12: 1}
    with pytest.raises(CadenceRuleError, match="already the first one on day 1"):
        move_within_day(STEPS, 12, -1)
    with pytest.raises(CadenceRuleError, match="already the last one on day 3"):
        move_within_day(STEPS, 10, +1)  # day 5 is another day: no jump


def test_day_must_be_in_range() -> None:
    assert check_day(1) == 1
    with pytest.raises(CadenceRuleError):
        check_day(0)
    with pytest.raises(CadenceRuleError):
        check_day(366)


# -- due dates ---------------------------------------------------------------------------
def test_day_one_is_the_added_day_on_a_business_day() -> None:
    assert due_date(MON, 1) == MON
    assert due_date(MON, 5) == FRI
    assert due_date(MON, 6) == NEXT_MON


def test_weekend_add_starts_on_monday() -> None:
    assert due_date(SAT, 1) == NEXT_MON
    assert due_date(SUN, 1) == NEXT_MON
    assert due_date(SUN, 2) == date(2024, 6, 11)


def test_a_friday_add_skips_the_weekend() -> None:
    assert due_date(FRI, 1) == FRI
    assert due_date(FRI, 2) == NEXT_MON
    assert due_date(FRI, 3) == date(2024, 6, 11)
    assert due_date(FRI, 7) == date(2024, 6, 17)  # 6 business days later: Monday again


def test_add_business_days_over_weeks() -> None:
    assert add_business_days(WED, 0) == WED
    assert add_business_days(WED, 3) == NEXT_MON
    assert add_business_days(WED, 10) == date(2024, 6, 19)


def test_a_step_is_due_on_and_after_its_day() -> None:
    assert is_due(due_date(MON, 3), WED)
    assert is_due(due_date(MON, 3), THU)
    assert not is_due(due_date(MON, 3), TUE)


def test_today_is_the_reps_local_date_around_midnight() -> None:
    # 03:30 UTC on Tuesday is still Monday evening in New York, already Tuesday in Berlin.
    now = datetime(2024, 6, 4, 3, 30, tzinfo=UTC)
    assert local_today(now, "America/New_York") == MON
    assert local_today(now, "Europe/Berlin") == TUE
    # Day 2 for someone added Monday becomes due at the rep's midnight, not UTC's.
    assert not is_due(due_date(MON, 2), local_today(now, "America/New_York"))
    assert is_due(due_date(MON, 2), local_today(now, "Europe/Berlin"))


def test_today_without_a_known_zone_is_the_computers_date() -> None:
    now = datetime(2024, 6, 4, 12, 0, tzinfo=UTC)
    assert local_today(now, "") == now.astimezone().date()
    assert local_today(now, "Not/AZone") == now.astimezone().date()
    with pytest.raises(ValueError):
        local_today(datetime(2024, 6, 4, 12, 0))


# -- Calls Made ----------------------------------------------------------------------------
def test_only_logged_calls_count_as_calls_made() -> None:
    assert counts_as_call_made("logged")
    assert not counts_as_call_made("discarded")
    assert not counts_as_call_made("open")


# -- memberships ---------------------------------------------------------------------------
def test_membership_transitions() -> None:
    assert membership_transition(ACTIVE, MembershipAction.PAUSE) == PAUSED
    assert membership_transition(PAUSED, MembershipAction.RESUME) == ACTIVE
    assert membership_transition(PAUSED, MembershipAction.FINISH) == FINISHED
    assert membership_transition(FINISHED, MembershipAction.REMOVE) == REMOVED
    with pytest.raises(CadenceRuleError, match="Only a paused person can be resumed"):
        membership_transition(ACTIVE, MembershipAction.RESUME)
    with pytest.raises(CadenceRuleError, match="already removed"):
        membership_transition(REMOVED, MembershipAction.REMOVE)
    with pytest.raises(CadenceRuleError):
        membership_transition(FINISHED, MembershipAction.PAUSE)


@pytest.mark.parametrize("action", list(LogAction))
def test_log_buttons_match_the_call_log_rules(action: LogAction) -> None:
    expected = log_effect(action, on_cadence_step=True).complete_step
    assert log_completes_step(action, on_cadence_step=True) is expected
    assert not log_completes_step(action, on_cadence_step=False)


def test_log_only_keeps_and_the_others_advance() -> None:
    assert not log_completes_step(LogAction.LOG_ONLY, on_cadence_step=True)
    for action in (LogAction.LOG_AND_COMPLETE, LogAction.COMPLETE_ONLY, LogAction.SUCCESS):
        assert log_completes_step(action, on_cadence_step=True)


def test_adding_people() -> None:
    common = {"cadence_name": "Intro", "cadence_archived": False}
    dnc = check_add("Ava Stone", do_not_contact=True, existing_state=None, **common)
    assert dnc.verdict is AddVerdict.REFUSE and dnc.reason == "Ava Stone is marked do not contact."
    on = check_add("Ava Stone", do_not_contact=False, existing_state=PAUSED, **common)
    assert on.verdict is AddVerdict.SKIP and "already on “Intro”" in on.reason
    assert check_add("A", do_not_contact=False, existing_state=None, **common).verdict is (
        AddVerdict.ADD
    )
    assert check_add("A", do_not_contact=False, existing_state=REMOVED, **common).verdict is (
        AddVerdict.RESTART
    )
    archived = check_add(
        "A", do_not_contact=False, existing_state=None, cadence_name="Old", cadence_archived=True
    )
    assert archived.verdict is AddVerdict.REFUSE and "archived" in archived.reason


# -- next step suggestions (seed 004) -------------------------------------------------------
def _due(
    step_id: int, number: int, day: int, due: int, cadence: int = 1, account: int | None = None
) -> DueStep:
    return DueStep(
        cadence_id=cadence,
        cadence_name=f"Cadence {cadence}",
        step_id=step_id,
        step_number=number,
        day=day,
        step_type="phone",
        name=f"Step {number}",
        instructions="",
        people_due=due,
        account_id=account,
        account_name=f"Account {account}" if account else "",
    )


def test_run_next_step_recommends_the_first_step_of_the_cadence() -> None:
    # Completed step 2; steps 1 and 3 of the same cadence still have people due.
    due = [_due(3, 3, 5, 4), _due(1, 1, 1, 2), _due(9, 1, 1, 7, cadence=2)]
    result = next_step_suggestions(2, ("cadence", 1), due, GroupBy.CADENCE)
    assert result.options == (
        Suggestion.RETURN_TO_OVERVIEW,
        Suggestion.RETURN_HOME,
        Suggestion.RUN_NEXT_STEP,
    )
    assert result.next_step is not None and result.next_step.step_id == 1


def test_nothing_else_due_in_the_cadence_returns_to_steps_list() -> None:
    due = [_due(2, 2, 3, 1), _due(9, 1, 1, 7, cadence=2), _due(4, 4, 6, 0)]
    result = next_step_suggestions(2, ("cadence", 1), due, GroupBy.CADENCE)
    assert result.options == (
        Suggestion.RETURN_TO_OVERVIEW,
        Suggestion.RETURN_HOME,
        Suggestion.RETURN_TO_STEPS_LIST,
    )
    assert result.next_step is None


def test_grouped_by_account_the_group_is_the_account() -> None:
    due = [
        _due(5, 2, 2, 1, cadence=2, account=7),  # other cadence, same account: in the group
        _due(1, 1, 1, 3, cadence=1, account=8),  # same cadence, other account: not
    ]
    result = next_step_suggestions(2, ("account", 7), due, GroupBy.ACCOUNT)
    assert result.next_step is not None and result.next_step.step_id == 5
    alone = next_step_suggestions(2, ("account", 9), due, GroupBy.ACCOUNT)
    assert Suggestion.RETURN_TO_STEPS_LIST in alone.options


def test_todo_order_groups_then_days() -> None:
    rows = [_due(3, 3, 5, 1, cadence=1), _due(1, 1, 1, 1, cadence=2), _due(2, 1, 1, 1)]
    assert [r.step_id for r in todo_order(rows, GroupBy.CADENCE)] == [2, 3, 1]
    by_account = [_due(3, 3, 5, 1, account=None), _due(1, 1, 1, 1, account=4)]
    assert [r.step_id for r in todo_order(by_account, GroupBy.ACCOUNT)] == [1, 3]


# -- sorting people due ----------------------------------------------------------------------
def _person(mid: int, name: str, account: str, offset: int | None, due: date) -> DuePerson:
    return DuePerson(mid, mid, name, None, account, "", offset, "", "+1", "", due)


def test_people_sorts() -> None:
    rows = [
        _person(1, "Cleo", "Zed Co", -300, TUE),
        _person(2, "ava", "", 60, WED),
        _person(3, "Bea", "Acme", None, MON),
    ]
    assert [r.membership_id for r in sort_people(rows, PeopleSort.DUE_DATE)] == [3, 1, 2]
    assert [r.membership_id for r in sort_people(rows, PeopleSort.NAME)] == [2, 3, 1]
    assert [r.membership_id for r in sort_people(rows, PeopleSort.ACCOUNT)] == [3, 1, 2]
    assert [r.membership_id for r in sort_people(rows, PeopleSort.LOCAL_TIME)] == [2, 1, 3]
