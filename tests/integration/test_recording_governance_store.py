"""The team's recording governance stored in team_settings on the real demo database."""

from __future__ import annotations

from datetime import datetime

import pytest

from dialer_app.app import AppContext
from dialer_app.db.models import TeamSetting
from dialer_app.db.recording_governance_store import (
    GOVERNANCE_KEY,
    RecordingGovernanceStore,
)
from dialer_app.domain.recording_defaults import DEFAULT_GOVERNANCE
from dialer_app.domain.recording_rules import (
    GovernanceError,
    GovernanceSettings,
    RecordingMode,
    RecordingRule,
    decide,
)


@pytest.fixture
def store(context: AppContext) -> RecordingGovernanceStore:
    return RecordingGovernanceStore(context.database.sessions)


def _row(context: AppContext) -> tuple[str, datetime] | None:
    with context.database.sessions() as session:
        row = session.get(TeamSetting, GOVERNANCE_KEY)
        return None if row is None else (row.value, row.updated_at)


def test_defaults_when_nothing_is_saved(
    store: RecordingGovernanceStore, context: AppContext
) -> None:
    assert _row(context) is None
    assert store.load() == DEFAULT_GOVERNANCE


def test_save_and_load_round_trip(store: RecordingGovernanceStore, context: AppContext) -> None:
    settings = GovernanceSettings(
        True,
        (
            RecordingRule(" us-ca ", RecordingMode.DO_NOT_RECORD, " all-party  consent "),
            RecordingRule("415", RecordingMode.RECORD),
            RecordingRule("DE", RecordingMode.ONE_SIDED),
        ),
    )
    saved = store.save(settings)
    assert saved.rules[0] == RecordingRule(
        "US-CA", RecordingMode.DO_NOT_RECORD, "all-party consent"
    )
    assert store.load() == saved
    # What the dialler will see for a San Francisco person: the area code rule wins.
    decision = decide("+14155550100", store.load(), belongs_to_person=True, rep_wants=None)
    assert decision.will_record and decision.rep_can_change

    first = _row(context)
    store.save(saved)  # unchanged: no new updated_at for the sync to chase
    assert _row(context) == first
    store.save(GovernanceSettings(False, saved.rules))
    second = _row(context)
    assert first is not None and second is not None and second[1] >= first[1]
    assert '"record_by_default": false' in second[0]
    assert store.load().record_by_default is False


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ((RecordingRule("Narnia", RecordingMode.RECORD),), '"NARNIA" is not a region'),
        (
            (
                RecordingRule("DE", RecordingMode.RECORD),
                RecordingRule("de", RecordingMode.ONE_SIDED),
            ),
            "two rules for Germany",
        ),
    ],
)
def test_invalid_rules_are_refused_and_nothing_is_stored(
    store: RecordingGovernanceStore,
    context: AppContext,
    rules: tuple[RecordingRule, ...],
    message: str,
) -> None:
    with pytest.raises(GovernanceError, match=message):
        store.save(GovernanceSettings(True, rules))
    assert _row(context) is None


def test_unreadable_saved_value_falls_back_to_the_defaults(
    store: RecordingGovernanceStore, context: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    with context.database.sessions.begin() as session:
        session.add(TeamSetting(key=GOVERNANCE_KEY, value='{"rules": "oops"}'))
    assert store.load() == DEFAULT_GOVERNANCE
    assert "unreadable" in caplog.text
    store.reset_to_defaults()
    assert store.load() == DEFAULT_GOVERNANCE


def test_team_switch_and_retention_round_trip(store: RecordingGovernanceStore) -> None:
    saved = store.save(
        GovernanceSettings(record_by_default=True, recording_allowed=False, retention_days=30)
    )
    assert store.load() == saved
    assert (saved.recording_allowed, saved.retention_days) == (False, 30)
