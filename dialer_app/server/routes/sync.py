"""The batch push and the changes feed: what the client's sync worker talks to."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from dialer_app.server.changes import DEFAULT_PAGE, MAX_CURSOR, MAX_PAGE, read_changes
from dialer_app.server.deps import AppServices, Caller
from dialer_app.server.resources import BY_NAME, PushRequest
from dialer_app.server.routes.records import ERRORS, write_records
from dialer_app.server.schemas import ChangesPage, PushResponse
from dialer_app.server.store import Write

router = APIRouter(tags=["sync"])


@router.post("/sync/push", response_model=PushResponse, responses=ERRORS)
def push(batch: PushRequest, principal: Caller, services: AppServices) -> PushResponse:
    """Store many records in one transaction, idempotently by uuid.

    Each write gets a result: ``created``, ``updated``, ``deleted``, ``unchanged`` (already
    stored: a retry), ``stale`` (the server has a newer version and keeps it), ``forbidden``
    (a rep writing team settings) or ``not_found`` (another rep's call). A refused write does
    not stop the others; the client drops it from its outbox with the reason."""
    writes = [Write.upsert(BY_NAME[item.type], item.record) for item in batch.upserts]
    writes += [
        Write.delete(BY_NAME[item.type], item.uuid, item.updated_at) for item in batch.deletes
    ]
    return PushResponse(results=write_records(services, principal, writes))


@router.get("/changes", response_model=ChangesPage, responses=ERRORS)
def changes(
    principal: Caller,
    services: AppServices,
    since: Annotated[int, Query(ge=0, le=MAX_CURSOR, description="The last next_cursor")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
) -> Response:
    """Every record of the team this user may see that changed after ``since``, oldest change
    first; deleted records as tombstones (``deleted: true``, ``record: null``). Repeat with
    ``since=next_cursor`` while ``has_more``. A rep sees the team's data and their own calls,
    step completions and recordings; an admin sees every rep's."""
    with services.database.reads() as session:
        page = read_changes(session, principal, since, limit)
    return Response(page, media_type="application/json")
