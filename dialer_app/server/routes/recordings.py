"""A recording's audio: resumable chunked upload, upload status, streamed download.

Protocol: push the recording's metadata first (its ``size_bytes`` and ``sha256``), then
``PUT /recordings/{uuid}/content`` with ``Content-Range: bytes start-end/total`` chunks, each
starting at the offset the server reports (``GET .../upload-status``; 409 says it too). Bytes
of a request cut off mid-way are kept, so a client resumes from what arrived. The request
carrying the last byte gets the verdict: 200 with ``complete: true``, or 422 on a checksum
mismatch, after which the server has discarded the upload and the offset is 0 again.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel
from starlette.requests import ClientDisconnect

from dialer_app.server.auth import Principal
from dialer_app.server.deps import AppServices, Caller, Services
from dialer_app.server.resources import BY_NAME
from dialer_app.server.routes.records import ERRORS, read_record
from dialer_app.server.uploads import RangeError, UploadFiles, parse_content_range

router = APIRouter(tags=["recordings"])
_RECORDING = BY_NAME["recording"]


class UploadStatus(BaseModel):
    offset: int
    """Bytes the server holds: the next chunk starts here."""
    total: int | None
    complete: bool
    in_progress: bool
    """Another request is uploading this recording right now."""


def _metadata(services: Services, principal: Principal, uuid: UUID) -> dict[str, Any]:
    record = read_record(services, principal, _RECORDING, str(uuid))
    assert record.body is not None
    data: dict[str, Any] = json.loads(record.body)
    return data


def _status(services: Services, principal: Principal, uuid: str, total: int | None) -> UploadStatus:
    files = services.recordings.files(principal.team_id, uuid)
    return UploadStatus(
        offset=files.offset(),
        total=total,
        complete=files.complete,
        in_progress=services.recordings.busy(principal.team_id, uuid),
    )


@router.get("/recordings/{uuid}/upload-status", response_model=UploadStatus, responses=ERRORS)
def upload_status(uuid: UUID, principal: Caller, services: AppServices) -> UploadStatus:
    """How much of the audio the server has: resume the upload from ``offset``."""
    metadata = _metadata(services, principal, uuid)
    return _status(services, principal, str(uuid), metadata.get("size_bytes"))


_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.put(
    "/recordings/{uuid}/content",
    response_model=UploadStatus,
    responses={
        **ERRORS,
        409: {"description": "Not at the server's offset, or another upload is running"},
        416: {"description": "A malformed Content-Range, or one that disagrees with the size"},
        422: {"description": "The finished file's SHA-256 differs: the upload was discarded"},
    },
    openapi_extra=_UPLOAD_BODY,
)
async def upload_content(
    uuid: UUID,
    request: Request,
    principal: Caller,
    services: AppServices,
    content_range: Annotated[str | None, Header(max_length=100)] = None,
) -> JSONResponse:
    """One chunk of the WAV (``Content-Range: bytes start-end/total``; none: the whole file)."""
    key = str(uuid)
    metadata = await asyncio.to_thread(_metadata, services, principal, uuid)
    size, sha256 = metadata.get("size_bytes"), metadata.get("sha256")
    if size is None or sha256 is None or metadata.get("deleted_at") is not None:
        raise HTTPException(409, "push the recording's size_bytes and sha256 before its audio")
    try:
        byte_range = parse_content_range(content_range, size)
    except RangeError as exc:
        raise HTTPException(416, str(exc)) from exc
    files = services.recordings.files(principal.team_id, key)
    if files.complete:
        return _json(_status(services, principal, key, size))
    if not services.recordings.claim(principal.team_id, key):
        raise HTTPException(409, "another upload of this recording is in progress")
    try:
        at_offset = byte_range.start == files.offset()
        if at_offset:
            await _receive(request, files, byte_range.length)
            if files.offset() == size:
                await _finish(files, sha256)
    finally:
        services.recordings.release(principal.team_id, key)
    status = _status(services, principal, key, size)
    if not at_offset:
        return _json(status, 409, f"the server has {status.offset} bytes: send from there")
    return _json(status)


async def _receive(request: Request, files: UploadFiles, length: int) -> None:
    """Append up to ``length`` bytes; bytes of an interrupted request stay for the resume."""
    files.part.parent.mkdir(parents=True, exist_ok=True)
    remaining = length
    handle = await asyncio.to_thread(files.part.open, "ab")
    try:
        async for chunk in request.stream():
            if len(chunk) > remaining:
                raise HTTPException(416, "the body is longer than its Content-Range")
            if chunk:
                await asyncio.to_thread(handle.write, chunk)
                remaining -= len(chunk)
    except ClientDisconnect:
        pass
    finally:
        await asyncio.to_thread(handle.close)


async def _finish(files: UploadFiles, sha256: str) -> None:
    actual = await asyncio.to_thread(files.sha256_of_part)
    if actual != sha256:
        files.discard()
        raise HTTPException(
            422,
            f"the uploaded audio's SHA-256 is {actual}, the recording says {sha256}: "
            "the upload was discarded; upload it again from byte 0",
        )
    files.part.replace(files.final)


def _json(status: UploadStatus, code: int = 200, detail: str | None = None) -> JSONResponse:
    content = status.model_dump()
    if detail is not None:
        content["detail"] = detail
    return JSONResponse(content, code)


@router.get(
    "/recordings/{uuid}/content",
    response_class=FileResponse,
    responses={**ERRORS, 200: {"content": {"audio/wav": {}}, "description": "The WAV"}},
)
def download_content(uuid: UUID, principal: Caller, services: AppServices) -> FileResponse:
    """The recording's audio, streamed: for an admin or the rep whose call it was."""
    _metadata(services, principal, uuid)
    files = services.recordings.files(principal.team_id, str(uuid))
    if not files.complete:
        raise HTTPException(404, "the audio has not been uploaded (completely) yet")
    return FileResponse(files.final, media_type="audio/wav", filename=f"{uuid}.wav")
