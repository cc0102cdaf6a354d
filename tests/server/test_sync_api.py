"""The sync API against a real server process: idempotent pushes, last writer wins, team and
rep isolation, admin-only settings, tombstones and the changes feed."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from dialer_app.server.schemas import Account, ChangesPage
from tests.server.conftest import Server, create_user, new_uuid, run_cli

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def person(uuid: str, minutes: int = 0, **fields: Any) -> dict[str, Any]:
    return {
        "uuid": uuid,
        "updated_at": at(minutes),
        "first_name": "Ada",
        "last_name": "Lovelace",
        "phone_numbers": [{"uuid": new_uuid(), "kind": "mobile", "e164": "+14045551234"}],
        "custom_fields": {"Lead source": "Webinar"},
        **fields,
    }


def call(uuid: str, minutes: int = 0, **fields: Any) -> dict[str, Any]:
    return {
        "uuid": uuid,
        "updated_at": at(minutes),
        "number_e164": "+14045551234",
        "started_at": at(minutes),
        "log_state": "logged",
        "notes": "Spoke to Ada",
        "success": True,
        "mos": 4.3,
        **fields,
    }


def head(client: httpx.Client) -> int:
    """The feed's current end for this user (where an up-to-date client stands)."""
    cursor = 0
    while True:
        page = client.get("/changes", params={"since": cursor, "limit": 5000}).json()
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return int(cursor)


def changes_since(client: httpx.Client, cursor: int, limit: int = 500) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while True:
        reply = client.get("/changes", params={"since": cursor, "limit": limit})
        assert reply.status_code == 200, reply.text
        page = reply.json()
        found += page["changes"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return found


def push(
    client: httpx.Client, upserts: list[dict[str, Any]], deletes: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    reply = client.post("/sync/push", json={"upserts": upserts, "deletes": deletes or []})
    assert reply.status_code == 200, reply.text
    results: list[dict[str, Any]] = reply.json()["results"]
    return results


def test_tokens_from_the_cli_and_the_admin_endpoint_identify_their_users(server: Server) -> None:
    with server.client("admin") as admin, server.client("rep") as rep:
        assert admin.get("/me").json() == {
            "email": "admin@acme.test",
            "role": "admin",
            "team": "Acme",
        }
        assert rep.get("/me").json() == {"email": "rep@acme.test", "role": "rep", "team": "Acme"}
        assert rep.post("/admin/users", json={"email": "x@acme.test"}).status_code == 403
        another = admin.post(f"/admin/users/{_user_id(admin, 'rep@acme.test')}/tokens").json()
    with httpx.Client(base_url=server.base_url) as anonymous:
        assert anonymous.get("/me").status_code == 401
        assert anonymous.get("/changes").status_code == 401
        wrong = anonymous.get("/me", headers={"Authorization": "Bearer dlr_not-a-token"})
        assert wrong.status_code == 401
        second = anonymous.get("/me", headers={"Authorization": f"Bearer {another['token']}"})
        assert second.json()["email"] == "rep@acme.test"


def test_an_admin_revokes_a_lost_laptop_s_token_and_the_cli_revokes_all(server: Server) -> None:
    def me(token: str) -> int:
        with httpx.Client(base_url=server.base_url) as anonymous:
            headers = {"Authorization": f"Bearer {token}"}
            return anonymous.get("/me", headers=headers).status_code

    with server.client("admin") as admin, server.client("rep") as rep:
        rep_id = _user_id(admin, "rep@acme.test")
        laptop = admin.post(f"/admin/users/{rep_id}/tokens").json()
        assert me(laptop["token"]) == 200
        listed = admin.get(f"/admin/users/{rep_id}/tokens").json()
        assert laptop["token_id"] in [t["id"] for t in listed] and len(listed) >= 2
        assert rep.delete(f"/admin/tokens/{laptop['token_id']}").status_code == 403
        with server.client("other_admin") as globex:  # another team's admin: not theirs
            assert globex.delete(f"/admin/tokens/{laptop['token_id']}").status_code == 404
            assert globex.get(f"/admin/users/{rep_id}/tokens").status_code == 404
        assert admin.delete(f"/admin/tokens/{laptop['token_id']}").status_code == 204
        assert me(laptop["token"]) == 401  # the lost laptop is locked out
        assert rep.get("/me").status_code == 200  # the rep's other tokens still work
        assert admin.delete(f"/admin/tokens/{laptop['token_id']}").status_code == 404
        assert laptop["token_id"] not in [
            t["id"] for t in admin.get(f"/admin/users/{rep_id}/tokens").json()
        ]

    leaver = create_user(server.data_dir, server.db_url, "leaver@exit.test", "Exit", "admin")
    assert me(leaver) == 200
    done = run_cli(server.data_dir, "--db", server.db_url, "--revoke-tokens", "Leaver@exit.test")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Revoked 1 token of leaver@exit.test")
    assert me(leaver) == 401
    unknown = run_cli(server.data_dir, "--db", server.db_url, "--revoke-tokens", "nobody@x.test")
    assert unknown.returncode == 1 and "no user nobody@x.test" in unknown.stderr


def _user_id(admin: httpx.Client, email: str) -> int:
    users = admin.get("/admin/users").json()
    return int(next(user["id"] for user in users if user["email"] == email))


def test_the_same_batch_twice_stores_each_record_once(server: Server) -> None:
    people = [person(new_uuid()) for _ in range(3)]
    calls = [call(new_uuid(), person_uuid=people[0]["uuid"]) for _ in range(2)]
    upserts = [{"type": "person", "record": p} for p in people]
    upserts += [{"type": "call", "record": c} for c in calls]
    with server.client("rep") as rep:
        start = head(rep)
        first = push(rep, upserts)
        retry = push(rep, upserts)  # the response to the first was "lost"
        assert [r["status"] for r in first] == ["created"] * 5
        assert [r["status"] for r in retry] == ["unchanged"] * 5
        seen = changes_since(rep, start)
        assert sorted(c["uuid"] for c in seen) == sorted(r["uuid"] for r in people + calls)
        stored = rep.get(f"/calls/{calls[0]['uuid']}").json()
        assert stored["notes"] == "Spoke to Ada"
        assert stored["person_uuid"] == people[0]["uuid"]
        # The single-record PUT is idempotent the same way.
        again = rep.put(f"/people/{people[1]['uuid']}", json=people[1])
        assert again.json()["status"] == "unchanged"
        assert changes_since(rep, start)[-1]["uuid"] == calls[-1]["uuid"]


def test_an_older_version_does_not_overwrite_a_newer_one(server: Server) -> None:
    uuid = new_uuid()
    with server.client("rep") as rep, server.client("rep2") as rep2:
        assert (
            rep.put(f"/people/{uuid}", json=person(uuid, 10, title="CTO")).json()["status"]
            == "created"
        )
        late = rep2.put(f"/people/{uuid}", json=person(uuid, 5, title="Intern")).json()
        assert late["status"] == "stale"
        assert datetime.fromisoformat(late["updated_at"]) == T0 + timedelta(minutes=10)
        assert rep2.get(f"/people/{uuid}").json()["title"] == "CTO"
        newer = rep2.put(f"/people/{uuid}", json=person(uuid, 20, title="CEO")).json()
        assert newer["status"] == "updated"
        assert rep.get(f"/people/{uuid}").json()["title"] == "CEO"


def test_other_teams_and_other_reps_records_are_not_found(server: Server) -> None:
    theirs, mine = new_uuid(), new_uuid()
    with (
        server.client("other_admin") as globex,
        server.client("rep") as rep,
        server.client("rep2") as rep2,
        server.client("admin") as admin,
    ):
        start = head(rep)
        assert globex.put(f"/people/{theirs}", json=person(theirs)).status_code == 200
        assert rep.get(f"/people/{theirs}").status_code == 404
        assert theirs not in {c["uuid"] for c in changes_since(rep, start)}
        # The same uuid in another team is another record, not an overwrite.
        assert rep.put(f"/people/{theirs}", json=person(theirs, 1)).json()["status"] == "created"
        assert globex.get(f"/people/{theirs}").json()["updated_at"].startswith("2026-03-02T09:00")

        assert rep.put(f"/calls/{mine}", json=call(mine)).status_code == 200
        assert rep2.get(f"/calls/{mine}").status_code == 404
        assert rep2.put(f"/calls/{mine}", json=call(mine, 9, notes="mine now")).status_code == 404
        assert mine not in {c["uuid"] for c in changes_since(rep2, 0)}
        assert globex.get(f"/calls/{mine}").status_code == 404
        entry = next(c for c in changes_since(admin, start) if c["uuid"] == mine)
        assert entry["owner"] == "rep@acme.test"
        assert admin.get(f"/calls/{mine}").json()["notes"] == "Spoke to Ada"


GOVERNANCE = {
    "version": 1,
    "record_by_default": True,
    "rules": [{"scope": "US-CA", "mode": "do_not_record", "note": "all-party consent"}],
    "recording_allowed": True,
    "retention_days": 90,
}


def test_reps_cannot_change_team_settings(server: Server) -> None:
    setting = {"key": "recording_governance", "updated_at": at(30), "value": GOVERNANCE}
    with server.client("rep") as rep, server.client("admin") as admin:
        refused = rep.put("/team-settings/recording_governance", json=setting)
        assert refused.status_code == 403
        assert "Only a team admin can change team settings" in refused.json()["detail"]
        assert admin.put("/team-settings/recording_governance", json=setting).status_code == 200
        stored = rep.get("/team-settings/recording_governance").json()
        assert stored["value"]["rules"][0]["mode"] == "do_not_record"
        assert stored["value"]["retention_days"] == 90
        twice = {**GOVERNANCE, "rules": GOVERNANCE["rules"] * 2}
        bad = admin.put(
            "/team-settings/recording_governance",
            json={**setting, "value": twice, "updated_at": at(31)},
        )
        assert bad.status_code == 422
        assert "two rules" in bad.text
        # The typed /governance route is the same setting.
        typed = {"updated_at": at(40), "value": {**GOVERNANCE, "record_by_default": False}}
        assert rep.put("/governance", json=typed).status_code == 403
        assert admin.put("/governance", json=typed).json()["status"] == "updated"
        assert rep.get("/governance").json()["value"]["record_by_default"] is False
        assert rep.get("/team-settings/recording_governance").json()["value"] == typed["value"]


def test_an_admins_disposition_reaches_a_rep_through_the_feed(server: Server) -> None:
    disposition = {"uuid": new_uuid(), "updated_at": at(0), "name": "Left voicemail", "position": 3}
    with server.client("rep") as rep, server.client("admin") as admin:
        cursor = head(rep)
        assert rep.put(f"/dispositions/{disposition['uuid']}", json=disposition).status_code == 403
        [refused] = push(rep, [{"type": "disposition", "record": disposition}])
        assert refused["status"] == "forbidden"
        assert (
            admin.put(f"/dispositions/{disposition['uuid']}", json=disposition).status_code == 200
        )
        [change] = changes_since(rep, cursor)
        assert change["type"] == "disposition"
        assert change["record"]["name"] == "Left voicemail"
        assert change["deleted"] is False


def test_deletes_reach_the_feed_as_tombstones(server: Server) -> None:
    uuid = new_uuid()
    with server.client("rep") as rep, server.client("rep2") as rep2:
        rep.put(f"/people/{uuid}", json=person(uuid))
        cursor = head(rep2)
        gone = rep.delete(f"/people/{uuid}", params={"updated_at": at(5)})
        assert gone.json()["status"] == "deleted"
        [tombstone] = changes_since(rep2, cursor)
        assert tombstone == {
            "cursor": tombstone["cursor"],
            "type": "person",
            "uuid": uuid,
            "deleted": True,
            "updated_at": tombstone["updated_at"],
            "owner": None,
            "record": None,
        }
        assert rep.get(f"/people/{uuid}").status_code == 404
        # A device still holding the old version cannot bring it back...
        assert rep2.put(f"/people/{uuid}", json=person(uuid, 2)).json()["status"] == "stale"
        # ...and a batch delete of something never pushed still leaves a tombstone.
        never = new_uuid()
        [result] = push(rep, [], [{"type": "call", "uuid": never, "updated_at": at(1)}])
        assert result["status"] == "deleted"


def test_the_feed_pages_in_order_without_gaps(server: Server) -> None:
    accounts = [
        {"uuid": new_uuid(), "updated_at": at(0), "name": f"Account {i}"} for i in range(25)
    ]
    with server.client("rep") as rep:
        cursor = head(rep)
        push(rep, [{"type": "account", "record": a} for a in accounts])
        pages = []
        while True:
            reply = rep.get("/changes", params={"since": cursor, "limit": 10})
            ChangesPage.model_validate_json(
                reply.text, strict=True
            )  # hand-made JSON, same contract
            page = reply.json()
            pages.append(len(page["changes"]))
            cursors = [c["cursor"] for c in page["changes"]]
            assert cursors == sorted(cursors)
            assert all(c > cursor for c in cursors)
            cursor = page["next_cursor"]
            if not page["has_more"]:
                break
        assert pages[:3] == [10, 10, 5]
        for change in changes_since(rep, cursor - 25):
            assert Account.model_validate(change["record"]).name.startswith("Account ")
        assert rep.get("/changes", params={"since": cursor}).json()["changes"] == []


def test_concurrent_writers_never_make_a_reader_skip_a_change(server: Server) -> None:
    """Many pushes at once while a reader follows the feed: it sees every call exactly once."""
    pushed: list[str] = []
    errors: list[str] = []

    def writer() -> None:
        with server.client("admin") as client:
            for _ in range(8):
                batch = [call(new_uuid()) for _ in range(25)]
                reply = client.post(
                    "/sync/push", json={"upserts": [{"type": "call", "record": c} for c in batch]}
                )
                if reply.status_code != 200:
                    errors.append(reply.text)
                pushed.extend(c["uuid"] for c in batch)

    with server.client("admin") as reader:
        cursor = head(reader)
        threads = [threading.Thread(target=writer) for _ in range(4)]
        for thread in threads:
            thread.start()
        seen: list[str] = []
        while any(thread.is_alive() for thread in threads):
            page = reader.get("/changes", params={"since": cursor, "limit": 50}).json()
            seen += [c["uuid"] for c in page["changes"]]
            cursor = page["next_cursor"]
        for thread in threads:
            thread.join()
        seen += [c["uuid"] for c in changes_since(reader, cursor)]
    assert errors == []
    assert len(seen) == len(set(seen))
    assert set(seen) == set(pushed)
    assert len(pushed) == 4 * 8 * 25


def test_step_completions_follow_their_calls_owner(server: Server) -> None:
    call_uuid, completion_uuid = new_uuid(), new_uuid()
    completion = {
        "uuid": completion_uuid,
        "updated_at": at(3),
        "membership_uuid": new_uuid(),
        "step_uuid": new_uuid(),
        "call_uuid": call_uuid,
        "completed_at": at(3),
        "success": True,
        "outcome": "log_and_complete",
    }
    with server.client("rep") as rep, server.client("rep2") as rep2:
        rep.put(f"/calls/{call_uuid}", json=call(call_uuid))
        [refused] = push(rep2, [{"type": "step_completion", "record": completion}])
        assert refused["status"] == "not_found"
        [stored] = push(rep, [{"type": "step_completion", "record": completion}])
        assert stored["status"] == "created"
        assert rep.get(f"/step-completions/{completion_uuid}").json()["success"] is True
        assert rep2.get(f"/step-completions/{completion_uuid}").status_code == 404


def test_sent_emails_are_their_reps_alone_and_pushes_are_idempotent(server: Server) -> None:
    email_uuid = new_uuid()
    email = {
        "uuid": email_uuid,
        "updated_at": at(5),
        "person_uuid": new_uuid(),
        "state": "sent",
        "to_address": "ava@example.com",
        "subject": "Hello Ava",
        "body": "Hi Ava, ...",
        "message_id": "<1@example.com>",
        "sent_at": at(5),
        "late": True,
    }
    with server.client("rep") as rep, server.client("rep2") as rep2:
        [first] = push(rep, [{"type": "email", "record": email}])
        [again] = push(rep, [{"type": "email", "record": email}])
        assert (first["status"], again["status"]) == ("created", "unchanged")
        stored = rep.get(f"/emails/{email_uuid}").json()
        assert (stored["state"], stored["late"]) == ("sent", True)
        assert rep2.get(f"/emails/{email_uuid}").status_code == 404
        bad = {**email, "uuid": new_uuid(), "state": "posted"}
        assert rep.put(f"/emails/{bad['uuid']}", json=bad).status_code == 422
