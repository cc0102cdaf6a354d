"""The team's recording governance in the ``team_settings`` table, as JSON under one key.

One row rather than a table of rules: the admin edits the set as a whole and the future sync
moves it as one value with one ``updated_at``, so no migration was needed.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from dialer_app.db.models import TeamSetting
from dialer_app.domain.recording_defaults import DEFAULT_GOVERNANCE
from dialer_app.domain.recording_rules import (
    GovernanceError,
    GovernanceSettings,
    RecordingMode,
    RecordingRule,
    validate_retention,
    validate_rules,
)

GOVERNANCE_KEY = "recording_governance"
FORMAT_VERSION = 1

log = logging.getLogger(__name__)


def to_json(settings: GovernanceSettings) -> str:
    return json.dumps(
        {
            "version": FORMAT_VERSION,
            "record_by_default": settings.record_by_default,
            "recording_allowed": settings.recording_allowed,
            "retention_days": settings.retention_days,
            "rules": [
                {"scope": r.scope, "mode": r.mode.value, "note": r.note} for r in settings.rules
            ],
        },
        sort_keys=True,
    )


def from_json(text: str) -> GovernanceSettings:
    """Parse and validate; raises GovernanceError for anything malformed."""
    try:
        data: Any = json.loads(text)
        record = data["record_by_default"]
        raw_rules = data["rules"]
        if not isinstance(record, bool) or not isinstance(raw_rules, list):
            raise TypeError
        rules = [
            RecordingRule(str(r["scope"]), RecordingMode(r["mode"]), str(r.get("note", "")))
            for r in raw_rules
        ]
        allowed = data.get("recording_allowed", True)
        retention = data.get("retention_days")
        if not isinstance(allowed, bool) or not (retention is None or isinstance(retention, int)):
            raise TypeError
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise GovernanceError("The saved recording rules can't be read.") from exc
    return GovernanceSettings(record, validate_rules(rules), allowed, validate_retention(retention))


class RecordingGovernanceStore:
    """Load and save the team's recording governance; one short transaction each."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def load(self) -> GovernanceSettings:
        """The saved settings, or the defaults when none are saved. Unreadable settings also
        give the defaults (logged): they start with recording off, the safe side."""
        with self._sessions() as session:
            row = session.get(TeamSetting, GOVERNANCE_KEY)
            text = row.value if row is not None else None
        if text is None:
            return DEFAULT_GOVERNANCE
        try:
            return from_json(text)
        except GovernanceError:
            log.warning("recording governance in team_settings is unreadable; using defaults")
            return DEFAULT_GOVERNANCE

    def save(self, settings: GovernanceSettings) -> GovernanceSettings:
        """Validate (GovernanceError says what to fix) and store; returns what was stored."""
        cleaned = GovernanceSettings(
            bool(settings.record_by_default),
            validate_rules(settings.rules),
            bool(settings.recording_allowed),
            validate_retention(settings.retention_days),
        )
        value = to_json(cleaned)
        with self._sessions.begin() as session:
            row = session.get(TeamSetting, GOVERNANCE_KEY)
            if row is None:
                session.add(TeamSetting(key=GOVERNANCE_KEY, value=value))
            elif row.value != value:  # an unchanged save leaves updated_at for the sync
                row.value = value
        return cleaned

    def reset_to_defaults(self) -> GovernanceSettings:
        return self.save(DEFAULT_GOVERNANCE)
