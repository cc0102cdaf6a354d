from __future__ import annotations

import pytest

from dialer_app.domain.call_log import (
    LogAction,
    TeamOption,
    available_actions,
    log_effect,
    order_options,
    suggested_disposition,
    team_uses_default_dispositions,
)
from dialer_app.domain.call_log_defaults import DEFAULT_DISPOSITIONS

OPTIONS = [
    TeamOption(i, name) for i, name in enumerate(["Zeta", "Alpha", "Mid", "Beta", "Omega"], 1)
]


def names(options: tuple[TeamOption, ...]) -> list[str]:
    return [o.name for o in options]


def test_fewer_than_five_uses_is_not_frequent() -> None:
    ordered = order_options(OPTIONS, {1: 4, 2: 4})
    assert ordered.frequent == ()
    assert names(ordered.rest) == ["Alpha", "Beta", "Mid", "Omega", "Zeta"]


def test_most_used_first_at_most_three_rest_alphabetical() -> None:
    ordered = order_options(OPTIONS, {1: 9, 2: 5, 3: 7, 4: 6, 5: 5})
    assert names(ordered.frequent) == ["Zeta", "Mid", "Beta"]
    assert names(ordered.rest) == ["Alpha", "Omega"]


def test_ties_are_broken_by_name() -> None:
    ordered = order_options(OPTIONS, {1: 5, 2: 5, 5: 5, 3: 5})
    assert names(ordered.frequent) == ["Alpha", "Mid", "Omega"]


def test_archived_options_never_show() -> None:
    options = [*OPTIONS, TeamOption(9, "Old", archived=True)]
    ordered = order_options(options, {9: 50})
    assert "Old" not in names(ordered.frequent) + names(ordered.rest)


def _defaults() -> list[TeamOption]:
    return [TeamOption(i, d.name, d.key) for i, d in enumerate(DEFAULT_DISPOSITIONS, 1)]


@pytest.mark.parametrize("suggestion", ["No Answer", "Busy", "Left Voicemail"])
def test_defaults_get_the_suggestion(suggestion: str) -> None:
    chosen = suggested_disposition(suggestion, _defaults())
    assert chosen is not None and chosen.name == suggestion


def test_renamed_added_or_archived_lists_get_no_suggestion() -> None:
    renamed = _defaults()
    renamed[1] = TeamOption(renamed[1].id, "Nobody Home", renamed[1].default_key)
    added = [*_defaults(), TeamOption(99, "Call Back Later")]
    archived = _defaults()
    archived[0] = TeamOption(
        archived[0].id, archived[0].name, archived[0].default_key, archived=True
    )
    for options in (renamed, added, archived):
        assert not team_uses_default_dispositions(options)
        assert suggested_disposition("Busy", options) is None
    assert team_uses_default_dispositions(_defaults())
    assert suggested_disposition(None, _defaults()) is None


def test_log_button_effects() -> None:
    assert log_effect(LogAction.LOG, on_cadence_step=False).save_call
    assert not log_effect(LogAction.LOG, on_cadence_step=False).complete_step
    complete = log_effect(LogAction.LOG_AND_COMPLETE, on_cadence_step=True)
    assert complete.save_call and complete.complete_step and complete.next_person
    only = log_effect(LogAction.LOG_ONLY, on_cadence_step=True)
    assert only.save_call and not only.complete_step and only.next_person
    skip = log_effect(LogAction.COMPLETE_ONLY, on_cadence_step=True)
    assert not skip.save_call and skip.complete_step and skip.next_person
    success_step = log_effect(LogAction.SUCCESS, on_cadence_step=True)
    assert success_step.success and success_step.complete_step and success_step.next_person
    success_one_off = log_effect(LogAction.SUCCESS, on_cadence_step=False)
    assert success_one_off.success and not success_one_off.complete_step


def test_buttons_depend_on_where_the_call_comes_from() -> None:
    assert available_actions(on_cadence_step=False) == (LogAction.LOG, LogAction.SUCCESS)
    assert available_actions(on_cadence_step=True)[0] is LogAction.LOG_AND_COMPLETE
