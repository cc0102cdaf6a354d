"""Seed the team's default dispositions and sentiments; safe to run any number of times."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer_app.db.models import Disposition, Sentiment
from dialer_app.domain.call_log_defaults import (
    DEFAULT_DISPOSITIONS,
    DEFAULT_SENTIMENTS,
    DefaultOption,
)


def _ensure(
    session: Session,
    model: type[Disposition] | type[Sentiment],
    defaults: tuple[DefaultOption, ...],
) -> int:
    existing = set(session.scalars(select(model.default_key).where(model.default_key.is_not(None))))
    added = 0
    for position, option in enumerate(defaults):
        if option.key in existing:
            continue  # kept as the team left it, even if renamed or archived
        session.add(model(name=option.name, default_key=option.key, position=position))
        added += 1
    return added


def ensure_team_defaults(session: Session) -> int:
    """Add any missing default option; returns how many rows were added."""
    return _ensure(session, Disposition, DEFAULT_DISPOSITIONS) + _ensure(
        session, Sentiment, DEFAULT_SENTIMENTS
    )
