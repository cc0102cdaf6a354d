"""Recording audio: an upload cut off half-way resumes from the server's offset and arrives
intact; a wrong checksum is refused; only the call's rep and admins can download."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.server.conftest import Server, new_uuid
from tests.server.test_sync_api import at, call

SIZE = 20 * 1024 * 1024


def recording(call_uuid: str, audio: bytes, **fields: Any) -> dict[str, Any]:
    return {
        "uuid": new_uuid(),
        "updated_at": at(1),
        "call_uuid": call_uuid,
        "state": "finished",
        "file_name": "../../etc/passwd",  # never used for the stored file's name
        "started_at": at(0),
        "duration_s": 655.36,
        "size_bytes": len(audio),
        "sha256": hashlib.sha256(audio).hexdigest(),
        "segments": [{"started_s": 0.0, "paused_s": None}],
        **fields,
    }


def recorded_call(client: httpx.Client, audio: bytes, **fields: Any) -> dict[str, Any]:
    call_uuid = new_uuid()
    assert client.put(f"/calls/{call_uuid}", json=call(call_uuid)).status_code == 200
    meta = recording(call_uuid, audio, **fields)
    assert client.put(f"/recordings/{meta['uuid']}", json=meta).status_code == 200
    return meta


def cut_off_upload(server: Server, token: str, uuid: str, audio: bytes, sent: int) -> None:
    """Start a whole-file PUT, send ``sent`` bytes of it, then drop the connection."""
    address = urlsplit(server.base_url)
    head = (
        f"PUT /recordings/{uuid}/content HTTP/1.1\r\n"
        f"Host: {address.netloc}\r\n"
        f"Authorization: Bearer {token}\r\n"
        "Content-Type: application/octet-stream\r\n"
        f"Content-Range: bytes 0-{len(audio) - 1}/{len(audio)}\r\n"
        f"Content-Length: {len(audio)}\r\n\r\n"
    )
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(head.encode() + audio[:sent])


def settled_status(client: httpx.Client, uuid: str) -> dict[str, Any]:
    """The upload status once the server has noticed the dropped connection."""
    deadline = time.monotonic() + 30
    while True:
        status: dict[str, Any] = client.get(f"/recordings/{uuid}/upload-status").json()
        if not status["in_progress"] or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def test_an_interrupted_upload_resumes_from_the_servers_offset(server: Server) -> None:
    audio = os.urandom(SIZE)
    with server.client("rep") as rep, server.client("admin") as admin:
        meta = recorded_call(rep, audio)
        uuid = meta["uuid"]
        assert rep.get(f"/recordings/{uuid}/upload-status").json()["offset"] == 0
        cut_off_upload(server, server.tokens["rep"], uuid, audio, SIZE // 2)
        status = settled_status(rep, uuid)
        assert status["in_progress"] is False
        assert 0 < status["offset"] <= SIZE // 2
        assert status["complete"] is False
        offset = status["offset"]

        wrong_start = rep.put(
            f"/recordings/{uuid}/content",
            content=audio[:10],
            headers={"Content-Range": f"bytes 0-9/{SIZE}"},
        )
        assert wrong_start.status_code == 409
        assert wrong_start.json()["offset"] == offset

        done = rep.put(
            f"/recordings/{uuid}/content",
            content=audio[offset:],
            headers={"Content-Range": f"bytes {offset}-{SIZE - 1}/{SIZE}"},
        )
        assert done.status_code == 200, done.text
        assert done.json()["complete"] is True
        assert done.json()["offset"] == SIZE

        for client in (rep, admin):
            with client.stream("GET", f"/recordings/{uuid}/content") as download:
                assert download.status_code == 200
                assert download.headers["content-type"] == "audio/wav"
                digest = hashlib.sha256()
                for chunk in download.iter_bytes():
                    digest.update(chunk)
            assert digest.hexdigest() == meta["sha256"]
    stored = list(server.recordings_dir.rglob("*.wav"))
    assert [path.name for path in stored if path.stem == uuid] == [f"{uuid}.wav"]


def test_a_wrong_checksum_is_refused_and_the_upload_discarded(server: Server) -> None:
    audio = os.urandom(64 * 1024)
    with server.client("rep") as rep, server.client("rep2") as rep2:
        meta = recorded_call(rep, audio, sha256=hashlib.sha256(b"something else").hexdigest())
        uuid = meta["uuid"]
        first = rep.put(
            f"/recordings/{uuid}/content",
            content=audio[:1000],
            headers={"Content-Range": f"bytes 0-999/{len(audio)}"},
        )
        assert first.json() == {
            "offset": 1000,
            "total": len(audio),
            "complete": False,
            "in_progress": False,
        }
        last = rep.put(
            f"/recordings/{uuid}/content",
            content=audio[1000:],
            headers={"Content-Range": f"bytes 1000-{len(audio) - 1}/{len(audio)}"},
        )
        assert last.status_code == 422
        assert "SHA-256" in last.json()["detail"]
        assert rep.get(f"/recordings/{uuid}/upload-status").json()["offset"] == 0
        assert rep.get(f"/recordings/{uuid}/content").status_code == 404

        # Another rep can neither see nor upload nor download this recording.
        assert rep2.get(f"/recordings/{uuid}/upload-status").status_code == 404
        assert rep2.put(f"/recordings/{uuid}/content", content=audio).status_code == 404


def test_a_recording_of_another_reps_call_is_refused(server: Server) -> None:
    audio = b"RIFF" + os.urandom(100)
    with server.client("rep") as rep, server.client("rep2") as rep2:
        call_uuid = new_uuid()
        rep.put(f"/calls/{call_uuid}", json=call(call_uuid))
        meta = recording(call_uuid, audio)
        refused = rep2.put(f"/recordings/{meta['uuid']}", json=meta)
        assert refused.status_code == 404
        assert rep.put(f"/recordings/{meta['uuid']}", json=meta).status_code == 200
        assert rep.put(f"/recordings/{meta['uuid']}/content", content=audio).status_code == 200
        assert rep.get(f"/recordings/{meta['uuid']}/content").content == audio
        deleted = rep.delete(f"/recordings/{meta['uuid']}", params={"updated_at": at(9)})
        assert deleted.json()["status"] == "deleted"
        assert not list(server.recordings_dir.rglob(f"{meta['uuid']}*"))
