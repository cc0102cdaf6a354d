"""Rules of cadences (issue 6, seeds 003 and 004), as plain data in and out.

- **Step order**: by day, then position within the day (then id, so ties are stable). The
  "step number" shown to reps is the 1-based place among *enabled* steps.
- **Due dates**: business days (Mon-Fri) from the day the person was added. Day 1 is the
  added day when it is a business day, else the next one; day N is N-1 business days later.
  "Today" is the rep's local date (their time zone), so a step becomes due at the rep's
  midnight, not UTC's. A step is due when its due date is today or earlier.
- **Next step suggestions** (seed 004): after the last person on a step, always Return to
  Cadence Overview and Return Home; then Run Next Step, recommending the *first* step of the
  same group (cadence, or account when the to-do list is grouped by account) that still has
  people due, or Return to Steps List when the group has nothing else due.
- **Calls Made** (seed 003): calls *logged* on the step. A discarded log (including
  Complete Only, which discards the call's log) and a log still open do not count.
- **Membership states**: active, paused, finished, removed, and what pause/resume/finish/
  remove and each log button do to them.

Nothing here imports Qt or SQLAlchemy; the service feeds it rows and stores the answers.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dialer_app.domain.call_log import LogAction, log_effect

STEP_TYPES = ("phone", "email", "other", "integration")
STEP_TYPE_LABELS = {
    "phone": "Phone",
    "email": "Email",
    "other": "Other",
    "integration": "Integration",
}
DAY_MAX = 365
"""Longest cadence we accept (day 1..365): a typo like day 3000 is refused."""

ACTIVE, PAUSED, FINISHED, REMOVED = "active", "paused", "finished", "removed"
"""Membership states, the same values as ``db.models.MembershipState``."""


class CadenceRuleError(ValueError):
    """A change the rules refuse; ``str(error)`` is a sentence for the rep."""


# -- step order ------------------------------------------------------------------------
class StepLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def day(self) -> int: ...
    @property
    def position(self) -> int: ...
    @property
    def enabled(self) -> bool: ...


_S = TypeVar("_S", bound=StepLike)


@dataclass(frozen=True)
class StepKey:
    """The fields of a step the ordering rules need (tests and the service build these)."""

    id: int
    day: int
    position: int
    enabled: bool = True


def ordered_steps(steps: Iterable[_S]) -> list[_S]:
    """Cadence order: day, then position within the day, then id."""
    return sorted(steps, key=lambda s: (s.day, s.position, s.id))


def step_numbers(steps: Iterable[StepLike]) -> dict[int, int]:
    """Step id -> 1-based step number among enabled steps (disabled steps have none)."""
    enabled = [s for s in ordered_steps(steps) if s.enabled]
    return {s.id: number for number, s in enumerate(enabled, 1)}


def first_step_id(steps: Iterable[StepLike]) -> int | None:
    """Where a person added to the cadence starts: the first enabled step."""
    return next((s.id for s in ordered_steps(steps) if s.enabled), None)


def next_step_id(steps: Iterable[StepLike], current_id: int) -> int | None:
    """The first enabled step after ``current_id`` in cadence order (None: the cadence is
    done). Works for a disabled or just-deleted current step too, as long as it is listed."""
    order = ordered_steps(steps)
    index = next((i for i, s in enumerate(order) if s.id == current_id), None)
    if index is None:
        return None
    return next((s.id for s in order[index + 1 :] if s.enabled), None)


def move_within_day(steps: Iterable[StepLike], step_id: int, offset: int) -> dict[int, int]:
    """Move a step up (-1) or down (+1) among the steps of its own day.

    Returns the new position of every step of that day (0..k-1). Steps never jump to
    another day this way: the day is edited instead."""
    order = ordered_steps(steps)
    moving = next((s for s in order if s.id == step_id), None)
    if moving is None:
        raise CadenceRuleError("That step no longer exists.")
    same_day = [s for s in order if s.day == moving.day]
    index = same_day.index(moving)
    target = index + offset
    if not 0 <= target < len(same_day):
        where = "first" if offset < 0 else "last"
        raise CadenceRuleError(f"That step is already the {where} one on day {moving.day}.")
    same_day.insert(target, same_day.pop(index))
    return {s.id: position for position, s in enumerate(same_day)}


def check_day(day: int) -> int:
    if not 1 <= day <= DAY_MAX:
        raise CadenceRuleError(f"A step's day is between 1 and {DAY_MAX}.")
    return day


def check_step_type(step_type: str) -> str:
    if step_type not in STEP_TYPES:
        raise CadenceRuleError(f"“{step_type}” is not a step type.")
    return step_type


def clean_name(name: str, what: str, limit: int = 200) -> str:
    """Collapse whitespace; refuse empty and over-long names with a sentence."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise CadenceRuleError(f"Type a name for the {what}.")
    if len(cleaned) > limit:
        raise CadenceRuleError(f"A {what} name can be at most {limit} characters.")
    return cleaned


# -- due dates -------------------------------------------------------------------------
def first_business_day(day: date) -> date:
    """The day itself on Mon-Fri, else the following Monday."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def add_business_days(start: date, count: int) -> date:
    """``count`` business days after ``start`` (which should itself be a business day)."""
    weeks, rest = divmod(count, 5)
    day = start + timedelta(weeks=weeks)
    while rest:
        day += timedelta(days=1)
        if day.weekday() < 5:
            rest -= 1
    return day


def due_date(added_on: date, step_day: int) -> date:
    """When a step on cadence day ``step_day`` is due for someone added on ``added_on``."""
    return add_business_days(first_business_day(added_on), max(step_day, 1) - 1)


def is_due(due: date, today: date) -> bool:
    return due <= today


def local_today(now: datetime, time_zone: str = "") -> date:
    """The rep's date at ``now`` (aware): in ``time_zone`` (IANA), or the computer's own
    zone when it is empty or unknown."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    zone = time_zone.strip()
    if zone:
        try:
            return now.astimezone(ZoneInfo(zone)).date()
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return now.astimezone().date()


# -- Calls Made ------------------------------------------------------------------------
CALLS_MADE_LOG_STATES = frozenset({"logged"})
"""``Call.log_state`` values that count as a call made on the step."""


def counts_as_call_made(log_state: str) -> bool:
    """Logged calls count; discarded ones (Complete Only, unknown numbers thrown away) and
    logs never saved do not: Calls Made is "calls logged on that step"."""
    return log_state in CALLS_MADE_LOG_STATES


# -- memberships -----------------------------------------------------------------------
class MembershipAction(enum.StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    FINISH = "finish"
    REMOVE = "remove"


_TRANSITIONS: dict[MembershipAction, tuple[frozenset[str], str]] = {
    MembershipAction.PAUSE: (frozenset({ACTIVE}), PAUSED),
    MembershipAction.RESUME: (frozenset({PAUSED}), ACTIVE),
    MembershipAction.FINISH: (frozenset({ACTIVE, PAUSED}), FINISHED),
    MembershipAction.REMOVE: (frozenset({ACTIVE, PAUSED, FINISHED}), REMOVED),
}
_REFUSALS = {
    MembershipAction.PAUSE: "Only an active person can be paused",
    MembershipAction.RESUME: "Only a paused person can be resumed",
    MembershipAction.FINISH: "Only an active or paused person can be marked finished",
    MembershipAction.REMOVE: "That person is already removed",
}


def membership_transition(state: str, action: MembershipAction) -> str:
    """The state after ``action``; refuses moves that make no sense (resume an active one).

    Paused people keep their step and are never due; finished and removed people have no
    step due. Removing keeps the row (and its history) so the team server can report it."""
    allowed, after = _TRANSITIONS[action]
    if state not in allowed:
        raise CadenceRuleError(f"{_REFUSALS[action]} (this one is {state}).")
    return after


@dataclass(frozen=True)
class Advance:
    """Where a membership goes after its current step is completed."""

    step_id: int | None
    state: str


def advance(steps: Iterable[StepLike], completed_step_id: int) -> Advance:
    """Completing a step moves the person to the next enabled step, or finishes them."""
    following = next_step_id(steps, completed_step_id)
    return Advance(following, ACTIVE if following is not None else FINISHED)


def log_completes_step(action: LogAction, *, on_cadence_step: bool) -> bool:
    """What a log button does to the membership: Log and Complete, Complete Only and
    Success on a step advance it; Log Only keeps the person on the step (still due), and a
    one-off Log leaves the cadence alone. Same table as the call log's ``log_effect``."""
    return on_cadence_step and log_effect(action, on_cadence_step=True).complete_step


class AddVerdict(enum.Enum):
    ADD = "add"
    RESTART = "restart"
    """Was on it before (removed or finished): put back on the first step from today."""
    SKIP = "skip"
    REFUSE = "refuse"


@dataclass(frozen=True)
class AddCheck:
    verdict: AddVerdict
    reason: str = ""


def check_add(
    name: str,
    *,
    do_not_contact: bool,
    existing_state: str | None,
    cadence_name: str,
    cadence_archived: bool,
) -> AddCheck:
    """May this person be added to this cadence? Refusals carry a sentence for the rep."""
    who = name or "This person"
    if cadence_archived:
        return AddCheck(AddVerdict.REFUSE, f"“{cadence_name}” is archived: unarchive it first.")
    if do_not_contact:
        return AddCheck(AddVerdict.REFUSE, f"{who} is marked do not contact.")
    if existing_state in (ACTIVE, PAUSED):
        return AddCheck(AddVerdict.SKIP, f"{who} is already on “{cadence_name}”.")
    if existing_state in (FINISHED, REMOVED):
        return AddCheck(AddVerdict.RESTART)
    return AddCheck(AddVerdict.ADD)


# -- the to-do list and next step suggestions (seed 004) ------------------------------------
class GroupBy(enum.StrEnum):
    CADENCE = "cadence"
    ACCOUNT = "account"


class PeopleSort(enum.StrEnum):
    """The side panel's sorts of the people due on a step."""

    DUE_DATE = "due_date"
    NAME = "name"
    ACCOUNT = "account"
    LOCAL_TIME = "local_time"
    """People whose day is furthest along (east) first, so nobody is reached after hours."""


@dataclass(frozen=True)
class DueStep:
    """A row of the cadence to-do list: one step with people due, in one group.

    With ``GroupBy.ACCOUNT`` a step appears once per account that has people due on it,
    and ``people_due`` counts only that account's people (``account_id`` None: no account).
    """

    cadence_id: int
    cadence_name: str
    step_id: int
    step_number: int
    day: int
    step_type: str
    name: str
    instructions: str
    people_due: int
    account_id: int | None = None
    account_name: str = ""

    def group(self, group_by: GroupBy) -> tuple[str, int | None]:
        if group_by is GroupBy.ACCOUNT:
            return ("account", self.account_id)
        return ("cadence", self.cadence_id)

    @property
    def type_label(self) -> str:
        return STEP_TYPE_LABELS.get(self.step_type, self.step_type)


def todo_order(rows: Iterable[DueStep], group_by: GroupBy) -> list[DueStep]:
    """Groups by name (no account last), then within a group by day, step number, cadence:
    the first row of a group is the step the suggestions recommend."""

    def key(row: DueStep) -> tuple[object, ...]:
        if group_by is GroupBy.ACCOUNT:
            group: tuple[object, ...] = (row.account_id is None, row.account_name.casefold())
            group += (row.account_id or 0,)
        else:
            group = (row.cadence_name.casefold(), row.cadence_id)
        return (*group, row.day, row.step_number, row.cadence_name.casefold(), row.cadence_id)

    return sorted(rows, key=key)


class Suggestion(enum.StrEnum):
    RETURN_TO_OVERVIEW = "return_to_overview"
    RETURN_HOME = "return_home"
    RUN_NEXT_STEP = "run_next_step"
    RETURN_TO_STEPS_LIST = "return_to_steps_list"


SUGGESTION_LABELS = {
    Suggestion.RETURN_TO_OVERVIEW: "Return to Cadence Overview",
    Suggestion.RETURN_HOME: "Return Home",
    Suggestion.RUN_NEXT_STEP: "Run Next Step",
    Suggestion.RETURN_TO_STEPS_LIST: "Return to Steps List",
}


@dataclass(frozen=True)
class NextStepSuggestions:
    options: tuple[Suggestion, ...]
    next_step: DueStep | None
    """The recommended step (only with Run Next Step): show its day, step number, type and
    cadence name."""


def next_step_suggestions(
    completed_step_id: int,
    group: tuple[str, int | None],
    due: Sequence[DueStep],
    group_by: GroupBy,
) -> NextStepSuggestions:
    """What to offer after the last person on a step (seed 004).

    ``group`` is the completed row's ``DueStep.group(group_by)``; ``due`` is the to-do list
    as it is now. The step just run is never recommended again (a Log Only person may still
    be due on it: the rep runs it again from the list if they want). Other groups' steps are
    never recommended: Return to Steps List leads to them."""
    candidates = [
        row
        for row in due
        if row.group(group_by) == group and row.step_id != completed_step_id and row.people_due > 0
    ]
    base = (Suggestion.RETURN_TO_OVERVIEW, Suggestion.RETURN_HOME)
    if not candidates:
        return NextStepSuggestions((*base, Suggestion.RETURN_TO_STEPS_LIST), None)
    first = todo_order(candidates, group_by)[0]
    return NextStepSuggestions((*base, Suggestion.RUN_NEXT_STEP), first)


@dataclass(frozen=True)
class DuePerson:
    """A person due on a step, with what the runner needs to dial them."""

    membership_id: int
    person_id: int
    name: str
    account_id: int | None
    account_name: str
    time_zone: str
    """IANA zone (the person's own, else their first number's); "" when unknown."""
    utc_offset_min: int | None
    """Their zone's offset from UTC right now (None when unknown): the local-time sort."""
    local_time: str
    """Their wall clock now ("14:05 Tue"), or "" when the zone is unknown."""
    phone_e164: str
    phone_extension: str
    due_date: date
    linkedin_url: str = ""
    """Their LinkedIn profile when an import brought one (a custom field): LinkedIn steps
    link out to it."""


def linkedin_url(custom_fields: Mapping[str, str]) -> str:
    """The first custom field value that is a LinkedIn address, as an https URL ("" if
    none): CRM exports carry it under many names ("LinkedIn", "Person Linkedin Url")."""
    for value in custom_fields.values():
        text = value.strip()
        lowered = text.lower()
        if "linkedin.com/" in lowered and " " not in text:
            bare = text.split("://", 1)[-1]
            return f"https://{bare}"
    return ""


def is_linkedin_step(step_name: str) -> bool:
    return "linkedin" in step_name.lower()


def sort_people(rows: Iterable[DuePerson], sort: PeopleSort) -> list[DuePerson]:
    """The side panel's sorts; every sort ends on name then id so the order is stable.

    Local time puts the people whose day is furthest along first (largest UTC offset),
    unknown zones last: you reach each person before their day ends."""

    def name(row: DuePerson) -> tuple[str, int]:
        return (row.name.casefold(), row.membership_id)

    if sort is PeopleSort.NAME:
        return sorted(rows, key=name)
    if sort is PeopleSort.ACCOUNT:
        return sorted(rows, key=lambda r: (not r.account_name, r.account_name.casefold(), *name(r)))
    if sort is PeopleSort.LOCAL_TIME:
        return sorted(
            rows,
            key=lambda r: (r.utc_offset_min is None, -(r.utc_offset_min or 0), *name(r)),
        )
    return sorted(rows, key=lambda r: (r.due_date, *name(r)))
