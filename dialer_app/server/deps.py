"""FastAPI dependencies: the app's services and the authenticated caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from dialer_app.server.auth import Principal, principal_for
from dialer_app.server.db import Database
from dialer_app.server.uploads import RecordingFiles


@dataclass(frozen=True)
class Services:
    """What the routes share, kept on ``app.state.services``."""

    database: Database
    recordings: RecordingFiles


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


_bearer = HTTPBearer(
    auto_error=False,
    description="A user's API token: `dialer-app serve --create-user` or POST /admin/users.",
)

_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def current_principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    app_services: Annotated[Services, Depends(services)],
) -> Principal:
    """Every data route needs a valid token: 401 otherwise."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "send 'Authorization: Bearer <token>'", _UNAUTHORIZED)
    token = credentials.credentials
    if len(token) > 200:
        raise HTTPException(401, "unknown API token", _UNAUTHORIZED)
    with app_services.database.reads() as session:
        principal = principal_for(session, token)
    if principal is None:
        raise HTTPException(401, "unknown API token", _UNAUTHORIZED)
    return principal


def admin_principal(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    if not principal.is_admin:
        raise HTTPException(403, "only a team admin can do this")
    return principal


Caller = Annotated[Principal, Depends(current_principal)]
Admin = Annotated[Principal, Depends(admin_principal)]
AppServices = Annotated[Services, Depends(services)]
