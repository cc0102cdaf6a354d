"""Rules of logging a call (seed 000): frequently used options, the auto-suggested
disposition, and what each log button does."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dialer_app.domain.call_log_defaults import DEFAULT_DISPOSITIONS, DefaultOption

REQUIRED_SETTING_KEYS = {"disposition": "disposition_required", "sentiment": "sentiment_required"}
"""TeamSetting keys that make a disposition / sentiment mandatory on every log."""

FREQUENT_MIN_USES = 5
FREQUENT_MAX = 3


@dataclass(frozen=True)
class TeamOption:
    """A disposition or sentiment as the team has it now."""

    id: int
    name: str
    default_key: str | None = None
    archived: bool = False


@dataclass(frozen=True)
class OrderedOptions:
    frequent: tuple[TeamOption, ...]
    rest: tuple[TeamOption, ...]


def order_options(options: Sequence[TeamOption], uses: Mapping[int, int]) -> OrderedOptions:
    """Up to three options chosen at least five times on top (most used first, ties by name),
    then every other active option alphabetically."""
    active = [o for o in options if not o.archived]
    eligible = [o for o in active if uses.get(o.id, 0) >= FREQUENT_MIN_USES]
    eligible.sort(key=lambda o: (-uses.get(o.id, 0), o.name.casefold()))
    frequent = tuple(eligible[:FREQUENT_MAX])
    chosen = {o.id for o in frequent}
    rest = tuple(sorted((o for o in active if o.id not in chosen), key=lambda o: o.name.casefold()))
    return OrderedOptions(frequent, rest)


def team_uses_default_dispositions(
    options: Sequence[TeamOption], defaults: Sequence[DefaultOption] = DEFAULT_DISPOSITIONS
) -> bool:
    """True only while the list is exactly the shipped defaults: none renamed, archived or added."""
    expected = {d.key: d.name for d in defaults}
    if len(options) != len(expected):
        return False
    return all(
        o.default_key in expected and expected[o.default_key] == o.name and not o.archived
        for o in options
    )


def suggested_disposition(
    suggestion: str | None, options: Sequence[TeamOption]
) -> TeamOption | None:
    """The option to preselect after a call, or None (custom lists get no suggestion)."""
    if suggestion is None or not team_uses_default_dispositions(options):
        return None
    return next((o for o in options if o.name == suggestion), None)


class LogAction(enum.Enum):
    LOG = "log"
    LOG_AND_COMPLETE = "log_and_complete"
    LOG_ONLY = "log_only"
    COMPLETE_ONLY = "complete_only"
    SUCCESS = "success"


@dataclass(frozen=True)
class LogEffect:
    """What a log button does to the call and to the cadence."""

    save_call: bool
    success: bool
    complete_step: bool
    next_person: bool


_EFFECTS = {
    LogAction.LOG: LogEffect(save_call=True, success=False, complete_step=False, next_person=False),
    LogAction.LOG_AND_COMPLETE: LogEffect(True, False, True, True),
    LogAction.LOG_ONLY: LogEffect(True, False, False, True),
    LogAction.COMPLETE_ONLY: LogEffect(False, False, True, True),
    LogAction.SUCCESS: LogEffect(True, True, False, False),
}


def log_effect(action: LogAction, *, on_cadence_step: bool) -> LogEffect:
    """Success on a cadence step also completes it and queues the next person (seed 004)."""
    if action is LogAction.SUCCESS and on_cadence_step:
        return LogEffect(True, True, True, True)
    return _EFFECTS[action]


def available_actions(*, on_cadence_step: bool) -> tuple[LogAction, ...]:
    """Main button first, then the drop-down, then Success."""
    if on_cadence_step:
        return (
            LogAction.LOG_AND_COMPLETE,
            LogAction.LOG_ONLY,
            LogAction.COMPLETE_ONLY,
            LogAction.SUCCESS,
        )
    return (LogAction.LOG, LogAction.SUCCESS)


# -- what a log holds (plain data, shared by the store, the service and the UI) ----------
@dataclass(frozen=True)
class LogFields:
    """What the rep typed and picked in the logger."""

    notes: str = ""
    disposition_id: int | None = None
    sentiment_id: int | None = None
    custom_values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CustomField:
    uuid: str
    name: str
    field_type: str
    required: bool
    choices: tuple[str, ...]


@dataclass(frozen=True)
class OpenLog:
    """A call whose log was started (autosaved) but never logged or discarded."""

    call_uuid: str
    person_id: int | None
    person_name: str
    number_e164: str
    fields: LogFields
    membership_id: int | None
    step_id: int | None


@dataclass(frozen=True)
class StepInfo:
    membership_id: int
    step_id: int
    step_name: str
    instructions: str
