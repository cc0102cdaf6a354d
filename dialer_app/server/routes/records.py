"""``GET/PUT/DELETE /<type>/{uuid}`` for every synced record type (team settings by ``{key}``).

The routes are made from the table in resources.py; each gets its type's schema as the body,
so the OpenAPI document names every shape.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Path, Query, Response
from pydantic import BaseModel
from sqlalchemy import select

from dialer_app.server.auth import Principal
from dialer_app.server.changes import visible_to
from dialer_app.server.deps import AppServices, Caller, Services
from dialer_app.server.models import Record
from dialer_app.server.resources import RECORD_TYPES, RecordType
from dialer_app.server.schemas import (
    SETTING_KEY_PATTERN,
    SyncedRecord,
    TeamSetting,
    UtcTime,
    WriteResult,
    WriteStatus,
)
from dialer_app.server.store import Write, apply_writes


class ErrorBody(BaseModel):
    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No or unknown token"},
    403: {"model": ErrorBody, "description": "Only a team admin may change this"},
    404: {"model": ErrorBody, "description": "No such record visible to this user"},
}

router = APIRouter()


def read_record(
    services: Services, principal: Principal, record_type: RecordType, record_id: str
) -> Record:
    """The visible, not deleted record, or 404 (another team's or rep's record looks absent)."""
    with services.database.reads() as session:
        record = session.scalar(
            select(Record).where(
                visible_to(principal), Record.kind == record_type.name, Record.uuid == record_id
            )
        )
    if record is None or record.body is None:
        raise HTTPException(404, f"no such {record_type.name}")
    return record


def write_records(
    services: Services, principal: Principal, writes: Sequence[Write]
) -> list[WriteResult]:
    """Apply and commit; then drop the audio of recordings that were deleted."""
    with services.database.writes.begin() as session:
        results = apply_writes(session, principal, writes)
    for write, result in zip(writes, results, strict=True):
        if write.record_type.name == "recording" and _audio_gone(write, result):
            services.recordings.files(principal.team_id, write.record_id).discard()
    return results


def _audio_gone(write: Write, result: WriteResult) -> bool:
    """A deleted recording, or one whose audio the client deleted (``deleted_at``)."""
    if result.status is WriteStatus.DELETED:
        return True
    if result.status not in {WriteStatus.CREATED, WriteStatus.UPDATED} or write.body is None:
        return False
    return json.loads(write.body).get("deleted_at") is not None


def raise_refusal(result: WriteResult) -> WriteResult:
    if result.status is WriteStatus.FORBIDDEN:
        raise HTTPException(403, result.error or "forbidden")
    if result.status is WriteStatus.NOT_FOUND:
        raise HTTPException(404, result.error or "not found")
    return result


def _id_parameter(record_type: RecordType) -> inspect.Parameter:
    if record_type.keyed:
        annotation: Any = Annotated[str, Path(pattern=SETTING_KEY_PATTERN, max_length=64)]
        return inspect.Parameter("key", inspect.Parameter.KEYWORD_ONLY, annotation=annotation)
    return inspect.Parameter("uuid", inspect.Parameter.KEYWORD_ONLY, annotation=UUID)


def _record_id(record_type: RecordType, values: dict[str, Any]) -> str:
    return str(values["key"] if record_type.keyed else values["uuid"])


_COMMON = [
    inspect.Parameter("principal", inspect.Parameter.KEYWORD_ONLY, annotation=Caller),
    inspect.Parameter("services", inspect.Parameter.KEYWORD_ONLY, annotation=AppServices),
]


def _with_signature(
    endpoint: Callable[..., Any], parameters: list[inspect.Parameter]
) -> Callable[..., Any]:
    """FastAPI reads an endpoint's parameters from its signature; these are per type."""
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return endpoint


def _add_routes(record_type: RecordType) -> None:
    id_param = _id_parameter(record_type)
    path = f"/{record_type.path}/{{{id_param.name}}}"
    tag = record_type.path

    def get_record(**values: Any) -> Response:
        record = read_record(
            values["services"], values["principal"], record_type, _record_id(record_type, values)
        )
        return Response(record.body, media_type="application/json")

    def put_record(**values: Any) -> WriteResult:
        body: SyncedRecord | TeamSetting = values["record"]
        record_id = _record_id(record_type, values)
        body_id = body.key if isinstance(body, TeamSetting) else str(body.uuid)
        if body_id != record_id:
            raise HTTPException(422, f"the body's {id_param.name} differs from the URL's")
        write = Write.upsert(record_type, body)
        return raise_refusal(write_records(values["services"], values["principal"], [write])[0])

    def delete_record(**values: Any) -> WriteResult:
        updated_at: datetime = values["updated_at"] or datetime.now(UTC)
        write = Write.delete(record_type, _record_id(record_type, values), updated_at)
        return raise_refusal(write_records(values["services"], values["principal"], [write])[0])

    body_param = inspect.Parameter(
        "record", inspect.Parameter.KEYWORD_ONLY, annotation=record_type.schema
    )
    when_param = inspect.Parameter(
        "updated_at",
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[
            UtcTime | None,
            Query(description="When the client deleted it (default: now); older loses."),
        ],
        default=None,
    )
    router.add_api_route(
        path,
        _with_signature(get_record, [id_param, *_COMMON]),
        methods=["GET"],
        response_model=record_type.schema,
        responses=ERRORS,
        tags=[tag],
        summary=f"One of the team's {record_type.label}",
        operation_id=f"get_{record_type.name}",
    )
    router.add_api_route(
        path,
        _with_signature(put_record, [id_param, body_param, *_COMMON]),
        methods=["PUT"],
        response_model=WriteResult,
        responses=ERRORS,
        tags=[tag],
        summary=f"Create or update one of the {record_type.label} (idempotent; newer wins)",
        operation_id=f"put_{record_type.name}",
    )
    router.add_api_route(
        path,
        _with_signature(delete_record, [id_param, when_param, *_COMMON]),
        methods=["DELETE"],
        response_model=WriteResult,
        responses=ERRORS,
        tags=[tag],
        summary=f"Delete one of the {record_type.label} (a tombstone in the changes feed)",
        operation_id=f"delete_{record_type.name}",
    )


for _record_type in RECORD_TYPES:
    _add_routes(_record_type)
