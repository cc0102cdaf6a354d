"""A rep's recordings follow them to a new computer, against a real ``dialer-app serve``:
the pull brings the metadata, the sync downloads the audio once the old computer has
uploaded it, checks it against its SHA-256, and only then does it play."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import dialer_app.sync.engine as sync_engine
from dialer_app.db.calls_reader import CallsReader
from dialer_app.db.models import Call, Recording, RecordingState
from dialer_app.db.recordings_reader import RecordingsReader
from dialer_app.domain.recording_status import ON_SERVER, READY, recording_summary
from dialer_app.sync.push import push_outbox
from tests.server.conftest import Server
from tests.sync.conftest import Client
from tests.sync.helpers import add_recording, log_call, scalar

pytestmark = pytest.mark.slow

SIZE = 300_000


def _uploaded(
    team_server: Server, make_client: Callable[[str], Client], name: str, notes: str
) -> tuple[Client, str, str]:
    """An old laptop with a recorded call, synced (audio uploaded): (client, call, recording)."""
    old = make_client(name)
    call = log_call(old.database, notes=notes)
    recording = add_recording(old.database, old.recordings_dir, call, SIZE)
    assert old.sync_engine(team_server.base_url, team_server.tokens["rep"]).run_once().uploaded == 1
    return old, call, recording


def _recording_state(client: Client, call_uuid: str) -> str:
    reader = CallsReader(client.database.path)
    try:
        [row] = [r for r in reader.recent(limit=500) if r.uuid == call_uuid]
        return row.recording_state
    finally:
        reader.close()


def test_a_recording_made_on_the_old_laptop_plays_on_the_new_one(
    team_server: Server, make_client: Callable[[str], Client]
) -> None:
    old = make_client("old-laptop")
    call = log_call(old.database, notes="Recorded on the old laptop")
    recording = add_recording(old.database, old.recordings_dir, call, SIZE)
    old_sync = old.sync_engine(team_server.base_url, team_server.tokens["rep"])
    # the metadata reaches the server before the audio does
    push_outbox(old.database.engine, old_sync.api, "rep@acme.test", lambda _d, _t: None)

    new = make_client("new-laptop")
    new_sync = new.sync_engine(team_server.base_url, team_server.tokens["rep"])
    report = new_sync.run_once()
    assert report.downloaded == 0  # not uploaded yet: waits, no error
    assert not any("recording" in line for line in report.refused)
    assert _recording_state(new, call) == ON_SERVER
    assert recording_summary(ON_SERVER).startswith("Recording on the team server")
    assert not (new.recordings_dir / f"{call}.wav").exists()

    assert old_sync.run_once().uploaded == 1
    assert new_sync.run_once().downloaded == 1
    audio = (new.recordings_dir / f"{call}.wav").read_bytes()
    original = (old.recordings_dir / f"{call}.wav").read_bytes()
    assert hashlib.sha256(audio).digest() == hashlib.sha256(original).digest()
    assert _recording_state(new, call) == READY
    reader = RecordingsReader(new.database.path)
    try:
        listed = reader.page(limit=50)
        assert [r.call_uuid for r in listed] == [call]  # the Recordings page lists it now
        assert listed[0].file_name == f"{call}.wav"
    finally:
        reader.close()
    assert scalar(
        new.database, "SELECT upload_state FROM recordings WHERE uuid = ?", recording
    ) == ("synced")
    assert new_sync.run_once().downloaded == 0  # once
    assert old_sync.run_once().uploaded == 0  # and the new laptop uploads nothing back


def test_audio_that_does_not_match_its_checksum_is_never_put_in_place(
    team_server: Server, make_client: Callable[[str], Client]
) -> None:
    _old, call, recording = _uploaded(
        team_server, make_client, "recorder", "Tampered on the server"
    )
    [stored] = team_server.recordings_dir.glob(f"*/{recording}.wav")
    stored.write_bytes(b"\0" * SIZE)  # same size, other bytes: a damaged disk on the server

    new = make_client("second")
    report = new.sync_engine(team_server.base_url, team_server.tokens["rep"]).run_once()
    assert any("does not match its checksum" in line for line in report.refused)
    assert not (new.recordings_dir / f"{call}.wav").exists()
    assert not list(new.recordings_dir.glob("*.part"))
    assert _recording_state(new, call) == ON_SERVER  # tried again at the next pass


def test_a_recording_whose_call_comes_on_a_later_page_still_arrives(
    team_server: Server, make_client: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The feed orders records by their latest write, and the log is saved after the
    recording: the recording comes first. With one change per page, it waits for its call."""
    old = make_client("pager")
    call = log_call(old.database, notes="First notes")
    recording = add_recording(old.database, old.recordings_dir, call, SIZE)
    old_sync = old.sync_engine(team_server.base_url, team_server.tokens["rep"])
    assert old_sync.run_once().uploaded == 1
    with old.database.sessions.begin() as session:
        saved = session.scalars(select(Call).where(Call.uuid == call)).one()
        saved.notes = "Notes saved after the recording"
    old_sync.run_once()

    monkeypatch.setattr(sync_engine, "PAGE", 1)
    new = make_client("paged")
    new.sync_engine(team_server.base_url, team_server.tokens["rep"]).run_once()
    assert _recording_state(new, call) == READY
    assert (new.recordings_dir / f"{call}.wav").read_bytes() == (
        old.recordings_dir / f"{call}.wav"
    ).read_bytes()
    assert scalar(new.database, "SELECT count(*) FROM sync_deferred") == 0
    assert scalar(new.database, "SELECT uuid FROM recordings WHERE uuid = ?", recording)


def test_a_recording_deleted_while_it_downloads_never_comes_back_as_a_file(
    team_server: Server, make_client: Callable[[str], Client]
) -> None:
    _old, call, recording = _uploaded(team_server, make_client, "kept", "Retention")

    new = make_client("racing")
    new_sync = new.sync_engine(team_server.base_url, team_server.tokens["rep"])
    real_download = new_sync.api.download

    def download_while_retention_deletes(path: str, target: Path, progress: Any) -> bool:
        found = real_download(path, target, progress)
        if recording in path:  # the retention rule, on its own thread, meanwhile
            with new.database.engine.begin() as connection:
                connection.exec_driver_sql(
                    "UPDATE recordings SET state = 'deleted', file_name = NULL,"
                    " deleted_at = '2026-12-05 08:00:00.000000' WHERE uuid = ?",
                    (recording,),
                )
        return found

    new_sync.api.download = download_while_retention_deletes  # type: ignore[method-assign]
    new_sync.run_once()
    assert not (new.recordings_dir / f"{call}.wav").exists()
    assert not list(new.recordings_dir.glob("*.part"))
    assert _recording_state(new, call) == "deleted"


def test_a_recording_deleted_on_the_old_laptop_before_its_upload_ends_the_wait(
    team_server: Server, make_client: Callable[[str], Client]
) -> None:
    old = make_client("deleter")
    call = log_call(old.database, notes="Deleted before upload")
    add_recording(old.database, old.recordings_dir, call, SIZE)
    old_sync = old.sync_engine(team_server.base_url, team_server.tokens["rep"])
    push_outbox(old.database.engine, old_sync.api, "rep@acme.test", lambda _d, _t: None)

    new = make_client("waiter")
    new_sync = new.sync_engine(team_server.base_url, team_server.tokens["rep"])
    new_sync.run_once()
    assert _recording_state(new, call) == ON_SERVER

    with old.database.sessions.begin() as session:  # the rep deletes it there
        row = session.scalars(
            select(Recording).join(Call, Call.id == Recording.call_id).where(Call.uuid == call)
        ).one()
        row.state, row.file_name = RecordingState.DELETED, None
        row.deleted_at, row.deleted_reason = datetime.now(UTC), "Deleted by you on 5 Dec"
    push_outbox(old.database.engine, old_sync.api, "rep@acme.test", lambda _d, _t: None)
    new_sync.run_once()
    assert _recording_state(new, call) == "deleted"
    assert recording_summary("deleted", deleted_reason="Deleted by you on 5 Dec") == (
        "Recording deleted: Deleted by you on 5 Dec"
    )


def test_dialer_app_sync_downloads_a_recording_and_says_so(
    team_server: Server, make_client: Callable[[str], Client], tmp_path: Path
) -> None:
    from tests.sync.test_worker_and_cli import _cli

    _old, _call, _recording = _uploaded(
        team_server, make_client, "cli-source", "For the command line"
    )
    done = _cli(tmp_path / "cli-laptop", team_server, team_server.tokens["rep"])
    assert done.returncode in {0, 1}, done.stdout + done.stderr  # 1: shipped lists refused
    assert "Traceback" not in done.stderr
    assert "Downloading recordings (bytes):" in done.stdout
    assert " downloaded." in done.stdout and " 0 downloaded." not in done.stdout
