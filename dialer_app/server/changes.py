"""The changes feed: a per-team cursor that never skips a committed change.

Every write stamps the record with the next value of its team's counter
(``teams.change_seq``) and the feed returns records with ``change_seq > since`` in order.

Why no record is ever skipped, also on PostgreSQL with concurrent writers: a plain sequence
hands out numbers at INSERT time, so a transaction holding 7 can commit after one holding 8;
a reader that saw 8 and moved its cursor past it would never see 7. Here a writer first locks
its team's row (``SELECT ... FOR UPDATE``, held until commit) and takes its numbers from that
row, so within a team the numbers are handed out in commit order: while one push is open no
other push of the team can take a number, and when it commits all its numbers become visible
at once. Writers of different teams do not wait for each other. Readers take no lock; they
read the team's committed counter first and then only rows up to it, so even a reader racing
a commit returns a consistent prefix. On SQLite the database-wide write lock (``BEGIN
IMMEDIATE``, see db.py) gives the same order.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Row, or_, select
from sqlalchemy.orm import Session

from dialer_app.server.auth import Principal
from dialer_app.server.models import Record, Team, User
from dialer_app.server.resources import BY_NAME

DEFAULT_PAGE = 500
MAX_PAGE = 5000
MAX_CURSOR = 2**62


def lock_team(session: Session, team_id: int) -> Team:
    """The caller's team row, locked until the transaction ends (the writers' queue)."""
    team = session.scalar(select(Team).where(Team.id == team_id).with_for_update())
    if team is None:  # a token's team cannot vanish: users are never deleted with their team
        raise LookupError(f"team {team_id} is missing")
    return team


def visible_to(principal: Principal) -> Any:
    """The filter for what a user may read: all of the team's, a rep only their own calls."""
    team_rows = Record.team_id == principal.team_id
    if principal.is_admin:
        return team_rows
    return team_rows & or_(Record.owner_id.is_(None), Record.owner_id == principal.user_id)


def read_changes(session: Session, principal: Principal, since: int, limit: int) -> str:
    """One page of the feed as JSON text. The stored bodies are spliced in as they are (they
    were validated and serialised on the way in): a 100,000-person first pull stays fast."""
    committed = session.scalar(select(Team.change_seq).where(Team.id == principal.team_id)) or 0
    rows = session.execute(
        select(
            Record.change_seq,
            Record.kind,
            Record.uuid,
            Record.deleted,
            Record.updated_at,
            Record.owner_id,
            Record.body,
        )
        .where(visible_to(principal), Record.change_seq > since, Record.change_seq <= committed)
        .order_by(Record.change_seq)
        .limit(limit + 1)
    ).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    owners = _owner_emails(session, {row.owner_id for row in rows if row.owner_id is not None})
    entries = [_entry(row, owners) for row in rows if row.kind in BY_NAME]
    # Past the last row seen; with nothing more, up to the committed counter so a rep does
    # not rescan other reps' calls on every sync.
    next_cursor = rows[-1].change_seq if has_more else max(since, committed)
    more = "true" if has_more else "false"
    return f'{{"changes":[{",".join(entries)}],"next_cursor":{next_cursor},"has_more":{more}}}'


def _entry(
    row: Row[int, str, str, bool, datetime, int | None, str | None], owners: dict[int, str]
) -> str:
    owner = owners.get(row.owner_id) if row.owner_id is not None else None
    updated_at = row.updated_at.isoformat().replace("+00:00", "Z")  # as the records write it
    return (
        f'{{"cursor":{row.change_seq},"type":{json.dumps(row.kind)},'
        f'"uuid":{json.dumps(row.uuid)},"deleted":{"true" if row.deleted else "false"},'
        f'"updated_at":"{updated_at}","owner":{json.dumps(owner)},'
        f'"record":{row.body if row.body is not None else "null"}}}'
    )


def _owner_emails(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.email).where(User.id.in_(ids))).tuples()
    return {user_id: email for user_id, email in rows}
