"""Two clients against a real ``dialer-app serve`` (SQLite) on 127.0.0.1: people pulled, an
offline call arriving once, a lost push response, an interrupted 20 MB upload, team and
role isolation, and the team settings' server-wins rules."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from dialer_app.db.models import Person, TeamSetting
from dialer_app.db.recording_governance_store import GOVERNANCE_KEY, RecordingGovernanceStore
from dialer_app.domain.recording_rules import GovernanceSettings
from dialer_app.sync.client import Offline, ServerApi
from dialer_app.sync.engine import SyncEngine
from tests.server.conftest import Server, free_port
from tests.sync.conftest import Client, FaultProxy, start_team_server
from tests.sync.helpers import add_person, add_recording, log_call, outbox, scalar

pytestmark = pytest.mark.slow


def feed(server: Server, who: str) -> list[dict[str, object]]:
    with server.client(who) as http:
        found: list[dict[str, object]] = []
        cursor = 0
        while True:
            page = http.get("/changes", params={"since": cursor, "limit": 5000}).json()
            found += page["changes"]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return found


def test_people_made_on_one_client_are_pulled_by_another(
    team_server: Server, make_client: Callable[[str], Client]
) -> None:
    alice, bob = make_client("alice"), make_client("bob")
    uuid = add_person(alice.database, "Grace", "Hopper", "+14045559876")
    alice.sync_engine(team_server.base_url, team_server.tokens["rep"]).run_once()
    report = bob.sync_engine(team_server.base_url, team_server.tokens["rep2"]).run_once()
    assert report.pulled >= 1
    with bob.database.sessions() as session:
        person = session.scalars(select(Person).where(Person.uuid == uuid)).one()
        assert person.full_name == "Grace Hopper"
        assert [n.e164 for n in person.phone_numbers] == ["+14045559876"]
    assert outbox(bob.database, refused=False) == [], "pulled records are not pushed back"
    # and a no-op sync moves nothing
    again = bob.sync_engine(team_server.base_url, team_server.tokens["rep2"]).run_once()
    assert (again.pushed, again.pulled) == (0, 0)


def test_a_call_logged_offline_arrives_once_when_the_server_starts_later(
    tmp_path: Path, make_client: Callable[[str], Client]
) -> None:
    client = make_client("offline")
    call = log_call(client.database, notes="Logged on the plane")
    port = free_port()
    engine = client.sync_engine(f"http://127.0.0.1:{port}", "dlr_not_yet")
    with pytest.raises(Offline, match="Can't reach the team server"):
        engine.run_once()
    assert ("call", call, "upsert") in outbox(client.database)
    server = start_team_server(tmp_path / "late-server", port=port)
    try:
        engine = client.sync_engine(server.base_url, server.tokens["rep"])
        engine.run_once()
        engine.run_once()
        calls = [c for c in feed(server, "admin") if c["type"] == "call"]
        assert [c["uuid"] for c in calls] == [call]
        assert calls[0]["owner"] == "rep@acme.test"
        assert calls[0]["record"]["notes"] == "Logged on the plane"  # type: ignore[index]
        assert scalar(client.database, "SELECT sync_state FROM calls WHERE uuid = ?", call) == (
            "synced"
        )
    finally:
        server.stop()


def test_a_push_whose_response_is_lost_is_retried_without_a_duplicate(
    team_server: Server, fault_proxy: FaultProxy, make_client: Callable[[str], Client]
) -> None:
    client = make_client("lossy")
    engine = client.sync_engine(team_server.base_url, team_server.tokens["rep"])
    engine.run_once()  # the team lists and whoami are settled first
    call = log_call(client.database, notes="Response lost")
    lossy = SyncEngine(
        client.database.engine,
        ServerApi(fault_proxy.url, team_server.tokens["rep"]),
        client.recordings_dir,
    )
    lossy._me = engine.me()
    fault_proxy.drop_response = True
    with pytest.raises(Offline):
        lossy.run_once()
    lossy.api.close()
    assert fault_proxy.faults == 1
    assert ("call", call, "upsert") in outbox(client.database), "kept until the server answers"
    on_server = [c for c in feed(team_server, "rep") if c["uuid"] == call]
    assert len(on_server) == 1, "the lost push was applied"
    engine.run_once()
    assert [c for c in feed(team_server, "rep") if c["uuid"] == call] == on_server
    assert ("call", call, "upsert") not in outbox(client.database)


def test_an_interrupted_20_mb_recording_upload_resumes_and_matches(
    team_server: Server, fault_proxy: FaultProxy, make_client: Callable[[str], Client]
) -> None:
    client = make_client("recorder")
    call = log_call(client.database, notes="Recorded")
    size = 20 * 1024 * 1024
    recording = add_recording(client.database, client.recordings_dir, call, size)
    engine = client.sync_engine(team_server.base_url, team_server.tokens["rep"])
    engine.me()
    from dialer_app.sync.push import push_outbox

    push_outbox(client.database.engine, engine.api, "rep@acme.test", lambda d, t: None)
    cut = SyncEngine(
        client.database.engine,
        ServerApi(fault_proxy.url, team_server.tokens["rep"]),
        client.recordings_dir,
    )
    cut._me = engine.me()
    fault_proxy.cut_request_after = 6 * 1024 * 1024  # headers plus half of the second chunk
    with pytest.raises(Offline):
        cut.run_once()
    cut.api.close()
    with team_server.client("rep") as http:
        status = http.get(f"/recordings/{recording}/upload-status").json()
    assert 0 < status["offset"] < size and not status["complete"]
    report = engine.run_once()
    assert report.uploaded == 1
    with team_server.client("rep") as http:
        audio = http.get(f"/recordings/{recording}/content").content
    local = (client.recordings_dir / f"{call}.wav").read_bytes()
    assert hashlib.sha256(audio).hexdigest() == hashlib.sha256(local).hexdigest()
    assert scalar(
        client.database, "SELECT upload_state FROM recordings WHERE uuid = ?", recording
    ) == ("uploaded")


def test_a_rep_sees_only_the_team_s_data_and_cannot_change_governance(
    team_server: Server, make_client: Callable[[str], Client]
) -> None:
    globex, rep = make_client("globex"), make_client("rep")
    secret = add_person(globex.database, "Globex", "Secret")
    globex.sync_engine(team_server.base_url, team_server.tokens["other_admin"]).run_once()
    other_call = log_call(make_client("rep2").database)
    engine = rep.sync_engine(team_server.base_url, team_server.tokens["rep"])
    engine.run_once()
    assert scalar(rep.database, "SELECT count(*) FROM people WHERE uuid = ?", secret) == 0
    assert engine.api.get_record("people", secret) is None  # another team's: 404
    assert scalar(rep.database, "SELECT count(*) FROM calls WHERE uuid = ?", other_call) == 0
    store = RecordingGovernanceStore(rep.database.sessions)
    store.save(GovernanceSettings(True, (), True, None))
    report = engine.run_once()
    assert any("Only a team admin can change" in reason for reason in report.refused)
    assert scalar(
        rep.database,
        "SELECT error FROM outbox WHERE record_type = 'team_setting' AND uuid = ?",
        GOVERNANCE_KEY,
    )


def test_an_admin_s_dispositions_and_governance_reach_the_reps_and_win(
    team_server: Server, make_client: Callable[[str], Client]
) -> None:
    admin, rep = make_client("admin"), make_client("rep-b")
    admin_engine = admin.sync_engine(team_server.base_url, team_server.tokens["admin"])
    rep_engine = rep.sync_engine(team_server.base_url, team_server.tokens["rep"])
    from dialer_app.services.team_options import OptionKind, TeamOptionsService

    TeamOptionsService(admin.database.sessions).add_option(OptionKind.DISPOSITION, "Demo booked")
    admin_engine.run_once()
    # a rep edits the local governance; the admin's (newer) one replaces it at the next sync
    RecordingGovernanceStore(rep.database.sessions).save(GovernanceSettings(True, (), True, None))
    later = GovernanceSettings(False, (), False, 30)
    with admin.database.sessions.begin() as session:
        row = session.get(TeamSetting, GOVERNANCE_KEY)
        value = json.dumps(
            {
                "version": 1,
                "record_by_default": False,
                "recording_allowed": False,
                "retention_days": 30,
                "rules": [],
            },
            sort_keys=True,
        )
        if row is None:
            session.add(TeamSetting(key=GOVERNANCE_KEY, value=value))
        else:
            row.value = value
            row.updated_at = datetime.now(UTC) + timedelta(seconds=1)
    admin_engine.run_once()
    report = rep_engine.run_once()
    names = [
        o.name
        for o in TeamOptionsService(rep.database.sessions).list_options(OptionKind.DISPOSITION)
    ]
    assert "Demo booked" in names
    assert RecordingGovernanceStore(rep.database.sessions).load() == later
    assert report.settings_changed


def test_a_newer_server_person_wins_and_the_local_version_goes_to_history(
    team_server: Server, make_client: Callable[[str], Client]
) -> None:
    alice, bob = make_client("alice-h"), make_client("bob-h")
    uuid = add_person(alice.database, "Ada", "Lovelace")
    alice_engine = alice.sync_engine(team_server.base_url, team_server.tokens["rep"])
    bob_engine = bob.sync_engine(team_server.base_url, team_server.tokens["rep2"])
    alice_engine.run_once()
    bob_engine.run_once()
    with alice.database.sessions.begin() as session:  # alice edits first (older)
        person = session.scalars(select(Person).where(Person.uuid == uuid)).one()
        person.title = "Countess"
        person.updated_at = datetime(2026, 1, 1, tzinfo=UTC)
    with bob.database.sessions.begin() as session:  # bob later (newer), pushes first
        person = session.scalars(select(Person).where(Person.uuid == uuid)).one()
        person.title = "Mathematician"
    bob_engine.run_once()
    alice_engine.run_once()
    with alice.database.sessions() as session:
        person = session.scalars(select(Person).where(Person.uuid == uuid)).one()
        assert person.title == "Mathematician"
    replaced = scalar(
        alice.database, "SELECT replaced FROM person_history WHERE person_uuid = ?", uuid
    )
    assert json.loads(str(replaced))["title"] == "Countess"
    assert outbox(alice.database, refused=False) == []


def test_a_sent_email_reaches_the_server_once_and_stays_the_rep_s(
    team_server: Server, make_client: Callable[[str], Client]
) -> None:
    from sqlalchemy import update

    from dialer_app.db.models import Email

    client = make_client("mailer")
    person = add_person(client.database, "Ada", "Lovelace")
    with client.database.sessions.begin() as session:
        ada = session.scalars(select(Person).where(Person.uuid == person)).one()
        email = Email(
            person_id=ada.id, state="scheduled", to_address="ada@example.com", subject="Hi"
        )
        session.add(email)
        session.flush()
        email_uuid = email.uuid
    with client.database.sessions.begin() as session:  # how the sender marks it (bulk UPDATE)
        sent = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        session.execute(
            update(Email).where(Email.uuid == email_uuid).values(state="sent", sent_at=sent)
        )
    assert ("email", email_uuid, "upsert") in outbox(client.database)
    engine = client.sync_engine(team_server.base_url, team_server.tokens["rep"])
    engine.run_once()
    engine.run_once()
    emails = [c for c in feed(team_server, "admin") if c["type"] == "email"]
    assert [c["uuid"] for c in emails] == [email_uuid]
    record = emails[0]["record"]
    assert isinstance(record, dict)
    assert (record["state"], record["person_uuid"], record["sent_at"]) == (
        "sent",
        person,
        "2026-03-02T09:00:00Z",  # as the server stores it
    )
    assert emails[0]["owner"] == "rep@acme.test"
    assert not [c for c in feed(team_server, "rep2") if c["type"] == "email"]
    assert outbox(client.database, refused=False) == []
