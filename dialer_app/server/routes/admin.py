"""Who am I, and the admin's user management (always within the admin's own team)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dialer_app.server.auth import EMAIL_PATTERN, UserExists, create_user, issue_token
from dialer_app.server.deps import Admin, AppServices, Caller
from dialer_app.server.models import ApiToken, Role, Team, User
from dialer_app.server.routes.records import ERRORS

router = APIRouter(tags=["users"])


class Me(BaseModel):
    email: str
    role: Role
    team: str


class UserOut(BaseModel):
    id: int
    email: str
    role: Role
    created_at: datetime


class NewUser(BaseModel):
    email: Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=320)]
    role: Role = Role.REP


class IssuedToken(BaseModel):
    user: UserOut
    token: str = Field(description="Shown this once; the server keeps only its hash.")
    token_id: int = Field(description="Revoke it with DELETE /admin/tokens/{token_id}.")


class TokenOut(BaseModel):
    id: int
    created_at: datetime


def _user_out(user: User) -> UserOut:
    return UserOut(id=user.id, email=user.email, role=Role(user.role), created_at=user.created_at)


@router.get("/me", response_model=Me, responses=ERRORS)
def me(principal: Caller, services: AppServices) -> Me:
    """The token's user and team (the client shows it in Settings)."""
    with services.database.reads() as session:
        team = session.get_one(Team, principal.team_id)
        return Me(email=principal.email, role=principal.role, team=team.name)


@router.get("/admin/users", response_model=list[UserOut], responses=ERRORS)
def list_users(principal: Admin, services: AppServices) -> list[UserOut]:
    with services.database.reads() as session:
        users = session.scalars(
            select(User).where(User.team_id == principal.team_id).order_by(User.id)
        )
        return [_user_out(user) for user in users]


@router.post("/admin/users", response_model=IssuedToken, status_code=201, responses=ERRORS)
def add_user(new: NewUser, principal: Admin, services: AppServices) -> IssuedToken:
    """Add a rep or admin to the admin's team, with a first API token."""
    try:
        with services.database.writes.begin() as session:
            team = session.get_one(Team, principal.team_id)
            user, row, token = create_user(session, team, new.email, new.role)
            issued = IssuedToken(user=_user_out(user), token=token, token_id=row.id)
    except UserExists as exc:
        raise HTTPException(409, str(exc)) from exc
    except IntegrityError as exc:  # the same email added at the same moment by another admin
        raise HTTPException(409, f"{new.email} already has an account") from exc
    return issued


@router.post(
    "/admin/users/{user_id}/tokens", response_model=IssuedToken, status_code=201, responses=ERRORS
)
def add_token(
    user_id: Annotated[int, Path(ge=1, le=2**31 - 1)], principal: Admin, services: AppServices
) -> IssuedToken:
    """Another token for a user of the admin's team (a new laptop); earlier ones keep working."""
    with services.database.writes.begin() as session:
        user = _team_user(session, principal.team_id, user_id)
        row, token = issue_token(session, user)
        return IssuedToken(user=_user_out(user), token=token, token_id=row.id)


@router.get("/admin/users/{user_id}/tokens", response_model=list[TokenOut], responses=ERRORS)
def list_tokens(
    user_id: Annotated[int, Path(ge=1, le=2**31 - 1)], principal: Admin, services: AppServices
) -> list[TokenOut]:
    """A user's working tokens, oldest first (the tokens themselves are not kept)."""
    with services.database.reads() as session:
        user = _team_user(session, principal.team_id, user_id)
        rows = session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
        )
        return [TokenOut(id=row.id, created_at=row.created_at) for row in rows]


@router.delete("/admin/tokens/{token_id}", status_code=204, responses=ERRORS)
def revoke_token(
    token_id: Annotated[int, Path(ge=1, le=2**31 - 1)], principal: Admin, services: AppServices
) -> None:
    """Revoke a token of the admin's team (a lost laptop, someone who left): its next
    request answers 401. The user's other tokens keep working."""
    with services.database.writes.begin() as session:
        row = session.get(ApiToken, token_id)
        if row is None or session.get_one(User, row.user_id).team_id != principal.team_id:
            raise HTTPException(404, "no such token")
        session.delete(row)


def _team_user(session: Session, team_id: int, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.team_id != team_id:
        raise HTTPException(404, "no such user")
    return user
