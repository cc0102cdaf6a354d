"""Users, teams and API tokens.

A token is 32 random bytes, shown once and stored only as its SHA-256: a leaked database does
not leak working tokens, and the lookup is a plain unique-index match (no per-user salt is
needed for 256 random bits).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer_app.server.models import ApiToken, Role, Team, User

TOKEN_PREFIX = "dlr_"
EMAIL_PATTERN = r"^[^@\s\x00]{1,200}@[^@\s\x00]{1,200}$"


@dataclass(frozen=True)
class Principal:
    """Who is calling: what every route needs to scope a query, detached from any session."""

    user_id: int
    team_id: int
    email: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


class UserExists(ValueError):
    pass


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """``dlr_`` + 32 random bytes, URL-safe (the prefix lets secret scanners spot it)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def issue_token(session: Session, user: User) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its row (whose id an admin revokes it by); the caller
    shows the token once, the database keeps its hash."""
    token = new_token()
    row = ApiToken(user_id=user.id, token_hash=hash_token(token))
    session.add(row)
    session.flush()
    return row, token


def create_user(session: Session, team: Team, email: str, role: Role) -> tuple[User, ApiToken, str]:
    """A new user of ``team`` with a first token (its row and the token); raises UserExists
    for a taken email."""
    email = email.strip().lower()
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise UserExists(f"{email} already has an account")
    user = User(team_id=team.id, email=email, role=role.value)
    session.add(user)
    session.flush()
    return user, *issue_token(session, user)


def team_named(session: Session, name: str) -> Team:
    """The team called ``name``, created if it is new (the CLI's first user makes the team)."""
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name, change_seq=0)
        session.add(team)
        session.flush()
    return team


def principal_for(session: Session, token: str) -> Principal | None:
    row = session.execute(
        select(User.id, User.team_id, User.email, User.role)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(token))
    ).one_or_none()
    if row is None:
        return None
    return Principal(row.id, row.team_id, row.email, Role(row.role))
