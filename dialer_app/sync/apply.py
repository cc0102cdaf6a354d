"""Server records -> local rows: the pull side, with the conflict rules of issue 8.

* Team settings (dispositions, sentiments, custom call fields, cadences and their steps,
  ``team_settings`` incl. the recording governance): the server wins, always; a local
  unpushed edit is dropped from the outbox.
* People, accounts and cadence memberships: last writer wins by ``updated_at``. A local
  person that loses while it still had an unpushed change is kept in ``person_history``.
* Calls, step completions and recordings are the rep's alone: the pull only fills in the
  rep's own records missing locally (a new computer) and never overwrites one.

Rows are written with plain SQL in the caller's transaction, bypassing the ORM and so the
outbox (these are the server's versions: nothing to push back). References arrive as uuids
and are resolved to local ids here; the feed is applied in dependency order per page.
"""

from __future__ import annotations

import json
import uuid as uuid_module
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy import Connection

from dialer_app.db.models import utc_now
from dialer_app.domain.recording_status import DELETED, FAILED, PLAYABLE_STATES
from dialer_app.recordings.storage import final_name
from dialer_app.sync.serialise import CALL_COLUMNS, CALL_TIMES, read_records
from dialer_app.sync.wire import execute_many, parse_time, to_stored_time

Record = dict[str, Any]

_CHUNK = 500

ORDER = (
    "account",
    "person",
    "cadence",
    "cadence_step",
    "cadence_membership",
    "disposition",
    "sentiment",
    "custom_call_field",
    "team_setting",
    "call",
    "step_completion",
    "recording",
    "email",
)
"""Referenced types first, so a page's references resolve."""

SERVER_WINS = frozenset(
    {"cadence", "cadence_step", "disposition", "sentiment", "custom_call_field", "team_setting"}
)
TABLES = {
    "account": "accounts",
    "person": "people",
    "cadence": "cadences",
    "cadence_step": "cadence_steps",
    "cadence_membership": "cadence_memberships",
    "disposition": "dispositions",
    "sentiment": "sentiments",
    "custom_call_field": "custom_call_fields",
    "call": "calls",
    "step_completion": "step_completions",
    "recording": "recordings",
    "email": "emails",
}


_AUDIO_STATES = frozenset(PLAYABLE_STATES)
_PULLED = _AUDIO_STATES | {FAILED, DELETED}
"""Recording states taken from the server ("recording": still being written elsewhere)."""
_RECORDING_COLUMNS = (
    "uuid",
    "updated_at",
    "call_id",
    "state",
    "one_sided",
    "file_name",
    "started_at",
    "call_offset_s",
    "duration_s",
    "size_bytes",
    "sha256",
    "segments",
    "problem",
    "deleted_at",
    "deleted_reason",
    "upload_state",
)


@dataclass
class Applied:
    """What a pull changed locally (for the progress line and the tests)."""

    written: dict[str, int] = field(default_factory=dict)
    deleted: int = 0
    kept_local: int = 0
    history: int = 0
    settings_changed: bool = False

    def count(self, record_type: str, n: int = 1) -> None:
        if n:
            self.written[record_type] = self.written.get(record_type, 0) + n


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if value else "{}"


def _bool(value: Any) -> int:
    return 1 if value else 0


class Applier:
    """Applies pages of the changes feed to one local database connection."""

    def __init__(self, connection: Connection, me_email: str) -> None:
        self.c = connection
        self.me = me_email
        self.applied = Applied()
        self._now = utc_now().strftime("%Y-%m-%d %H:%M:%S.%f")

    # ---------------------------------------------------------------- entry points

    def apply(self, changes: Iterable[Record]) -> Applied:
        """Apply feed entries ({type, uuid, deleted, updated_at, owner, record})."""
        latest: dict[tuple[str, str], Record] = {}
        for change in changes:
            latest[(change["type"], change["uuid"])] = change
        for record_type in ORDER:
            entries = [c for (t, _u), c in latest.items() if t == record_type]
            if not entries:
                continue
            gone = [c for c in entries if c["deleted"]]
            live = [c for c in entries if not c["deleted"]]
            if live:
                self._UPSERTS[record_type](self, live)
            if gone:
                self._delete(record_type, gone)
        return self.applied

    # ---------------------------------------------------------------- lookups

    def ids(self, table: str, uuids: Iterable[str | None]) -> dict[str, int]:
        wanted = sorted({u for u in uuids if u})
        found: dict[str, int] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = self.c.exec_driver_sql(
                f"SELECT uuid, id FROM {table} WHERE uuid IN ({_marks(chunk)})", tuple(chunk)
            )
            found.update((str(u), int(i)) for u, i in rows)
        return found

    def _versions(self, table: str, uuids: Sequence[str]) -> dict[str, tuple[int, str]]:
        found: dict[str, tuple[int, str]] = {}
        for start in range(0, len(uuids), _CHUNK):
            chunk = tuple(uuids[start : start + _CHUNK])
            rows = self.c.exec_driver_sql(
                f"SELECT uuid, id, updated_at FROM {table} WHERE uuid IN ({_marks(chunk)})", chunk
            )
            found.update((str(u), (int(i), str(t))) for u, i, t in rows)
        return found

    def pending(self, record_type: str, uuids: Sequence[str]) -> set[str]:
        """Records with a local change not pushed yet."""
        found: set[str] = set()
        for start in range(0, len(uuids), _CHUNK):
            chunk = tuple(uuids[start : start + _CHUNK])
            rows = self.c.exec_driver_sql(
                f"SELECT uuid FROM outbox WHERE record_type = ? AND uuid IN ({_marks(chunk)})",
                (record_type, *chunk),
            )
            found.update(str(u) for (u,) in rows)
        return found

    def drop_outbox(self, record_type: str, uuids: Iterable[str]) -> None:
        execute_many(
            self.c,
            "DELETE FROM outbox WHERE record_type = ? AND uuid = ?",
            [(record_type, u) for u in uuids],
        )

    def _lww(
        self, record_type: str, table: str, live: Sequence[Record]
    ) -> tuple[list[Record], dict[str, int]]:
        """The entries that win over the local rows (last writer wins) and the local ids of
        those that exist. A local row with an unpushed, newer change is kept (it is pushed
        next); an older unpushed change loses and leaves the outbox."""
        uuids = [c["uuid"] for c in live]
        versions = self._versions(table, uuids)
        pending = self.pending(record_type, uuids)
        winners: list[Record] = []
        losers: list[str] = []
        for change in live:
            uuid = change["uuid"]
            if uuid in versions and versions[uuid][1] == to_stored_time(change["updated_at"]):
                continue  # this very version is stored (our own push, echoed by the feed)
            if uuid in pending and uuid in versions:
                if parse_time(versions[uuid][1]) > parse_time(change["updated_at"]):
                    self.applied.kept_local += 1
                    continue
                losers.append(uuid)
            winners.append(change)
        if losers:
            if record_type == "person":
                self._keep_history(losers, {c["uuid"]: c for c in live})
            self.drop_outbox(record_type, losers)
        return winners, {u: v[0] for u, v in versions.items()}

    def _keep_history(self, uuids: Sequence[str], winners: dict[str, Record]) -> None:
        local = read_records(self.c, "person", uuids)
        rows = [
            (
                uuid,
                self._now,
                winners[uuid].get("owner") or "team server",
                to_stored_time(winners[uuid]["updated_at"]),
                json.dumps(record, sort_keys=True),
            )
            for uuid, record in local.items()
        ]
        execute_many(
            self.c,
            "INSERT INTO person_history (person_uuid, overwritten_at, overwritten_by,"
            " server_updated_at, replaced) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        self.applied.history += len(rows)

    # ---------------------------------------------------------------- writes

    def _write(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[tuple[Any, ...]],
        existing: dict[str, int],
    ) -> dict[str, int]:
        """Update rows whose uuid exists, insert the rest (first value of a row: its uuid).
        Returns the local id of every written uuid."""
        updates = [(*row[1:], existing[row[0]]) for row in rows if row[0] in existing]
        inserts = [row for row in rows if row[0] not in existing]
        if updates:
            assignments = ", ".join(f"{name} = ?" for name in columns[1:])
            self.c.exec_driver_sql(
                f"UPDATE {table} SET {assignments} WHERE id = ?",
                updates,
            )
        ids = {row[0]: existing[row[0]] for row in rows if row[0] in existing}
        if inserts:
            first = (self.c.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar() or 0) + 1
            names = ("id", "created_at", *columns)
            values = [(first + n, self._now, *row) for n, row in enumerate(inserts)]
            self.c.exec_driver_sql(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({_marks(names)})",
                values,
            )
            ids.update((row[0], first + n) for n, row in enumerate(inserts))
        return ids

    def _accounts(self, live: Sequence[Record]) -> None:
        winners, existing = self._lww("account", "accounts", live)
        rows = [
            (c["uuid"], to_stored_time(c["updated_at"]), c["record"]["name"], c["record"]["domain"])
            for c in winners
        ]
        self._write("accounts", ("uuid", "updated_at", "name", "domain"), rows, existing)
        self.applied.count("account", len(rows))

    def _people(self, live: Sequence[Record]) -> None:
        winners, existing = self._lww("person", "people", live)
        accounts = self.ids("accounts", (c["record"].get("account_uuid") for c in winners))
        columns = (
            "uuid",
            "updated_at",
            "first_name",
            "last_name",
            "title",
            "email",
            "account_id",
            "time_zone",
            "city",
            "state",
            "country",
            "crm_id",
            "do_not_contact",
            "custom_fields",
        )
        rows = []
        for change in winners:
            r = change["record"]
            rows.append(
                (
                    change["uuid"],
                    to_stored_time(change["updated_at"]),
                    r.get("first_name", ""),
                    r.get("last_name", ""),
                    r.get("title"),
                    r.get("email"),
                    accounts.get(r.get("account_uuid") or ""),
                    r.get("time_zone"),
                    r.get("city"),
                    r.get("state"),
                    r.get("country"),
                    r.get("crm_id"),
                    _bool(r.get("do_not_contact")),
                    _json_text(r.get("custom_fields")),
                )
            )
        ids = self._write("people", columns, rows, existing)
        updated = [existing[c["uuid"]] for c in winners if c["uuid"] in existing]
        for start in range(0, len(updated), _CHUNK):
            chunk = tuple(updated[start : start + _CHUNK])
            self.c.exec_driver_sql(
                f"DELETE FROM phone_numbers WHERE person_id IN ({_marks(chunk)})", chunk
            )
        numbers = [
            (
                n["uuid"],
                stamp,
                ids[c["uuid"]],
                n["kind"],
                n["e164"],
                n.get("extension"),
                n.get("original") or "",
                n["e164"].lstrip("+"),
                n.get("position", 0),
            )
            for c, stamp in zip(winners, (row[1] for row in rows), strict=True)
            for n in c["record"].get("phone_numbers") or []
        ]
        number_columns = ("uuid", "updated_at", "person_id", "kind", "e164", "extension")
        number_columns_all = (*number_columns, "original", "digits", "position")
        self._write("phone_numbers", number_columns_all, numbers, {})
        self.applied.count("person", len(rows))

    def _cadences(self, live: Sequence[Record]) -> None:
        existing = self.ids("cadences", (c["uuid"] for c in live))
        self.drop_outbox("cadence", existing)
        rows = [
            (
                c["uuid"],
                to_stored_time(c["updated_at"]),
                c["record"]["name"],
                _bool(c["record"].get("archived")),
            )
            for c in live
        ]
        self._write("cadences", ("uuid", "updated_at", "name", "archived"), rows, existing)
        self.applied.count("cadence", len(rows))

    def _steps(self, live: Sequence[Record]) -> None:
        existing = self.ids("cadence_steps", (c["uuid"] for c in live))
        self.drop_outbox("cadence_step", existing)
        cadences = self.ids("cadences", (c["record"]["cadence_uuid"] for c in live))
        rows = []
        for change in live:
            r = change["record"]
            cadence_id = cadences.get(r["cadence_uuid"])
            if cadence_id is None:
                continue
            rows.append(
                (
                    change["uuid"],
                    to_stored_time(change["updated_at"]),
                    cadence_id,
                    r["step_type"],
                    r["day"],
                    r.get("position", 0),
                    r["name"],
                    r.get("instructions", ""),
                    _bool(r.get("enabled", True)),
                )
            )
        columns = ("uuid", "updated_at", "cadence_id", "step_type", "day", "position", "name")
        self._write("cadence_steps", (*columns, "instructions", "enabled"), rows, existing)
        self.applied.count("cadence_step", len(rows))

    def _memberships(self, live: Sequence[Record]) -> None:
        winners, existing = self._lww("cadence_membership", "cadence_memberships", live)
        records = [c["record"] for c in winners]
        cadences = self.ids("cadences", (r["cadence_uuid"] for r in records))
        people = self.ids("people", (r["person_uuid"] for r in records))
        steps = self.ids("cadence_steps", (r.get("current_step_uuid") for r in records))
        rows = []
        for change in winners:
            r = change["record"]
            cadence_id, person_id = cadences.get(r["cadence_uuid"]), people.get(r["person_uuid"])
            if cadence_id is None or person_id is None:
                continue
            if change["uuid"] not in existing:  # the same person added on two computers
                same = self.c.exec_driver_sql(
                    "SELECT id, uuid FROM cadence_memberships"
                    " WHERE cadence_id = ? AND person_id = ?",
                    (cadence_id, person_id),
                ).first()
                if same is not None:
                    existing[change["uuid"]] = int(same[0])
                    self.drop_outbox("cadence_membership", [str(same[1])])
            rows.append(
                (
                    change["uuid"],
                    to_stored_time(change["updated_at"]),
                    cadence_id,
                    person_id,
                    steps.get(r.get("current_step_uuid") or ""),
                    r.get("state", "active"),
                    r["added_on"],
                )
            )
        columns = ("uuid", "updated_at", "cadence_id", "person_id", "current_step_id", "state")
        self._write("cadence_memberships", (*columns, "added_on"), rows, existing)
        self.applied.count("cadence_membership", len(rows))

    def _options(self, record_type: str, live: Sequence[Record]) -> None:
        table = TABLES[record_type]
        existing = self.ids(table, (c["uuid"] for c in live))
        for change in live:  # a shipped default made on this computer: take the server's uuid
            key = change["record"].get("default_key")
            if change["uuid"] in existing or not key:
                continue
            same = self.c.exec_driver_sql(
                f"SELECT id, uuid FROM {table} WHERE default_key = ?", (key,)
            ).first()
            if same is not None:
                existing[change["uuid"]] = int(same[0])
                self.drop_outbox(record_type, [str(same[1])])
        self.drop_outbox(record_type, [c["uuid"] for c in live])
        rows = [
            (
                c["uuid"],
                to_stored_time(c["updated_at"]),
                c["record"]["name"],
                c["record"].get("default_key"),
                c["record"].get("position", 0),
                _bool(c["record"].get("archived")),
            )
            for c in live
        ]
        columns = ("uuid", "updated_at", "name", "default_key", "position", "archived")
        self._write(table, columns, rows, existing)
        self.applied.count(record_type, len(rows))
        self.applied.settings_changed = True

    def _dispositions(self, live: Sequence[Record]) -> None:
        self._options("disposition", live)

    def _sentiments(self, live: Sequence[Record]) -> None:
        self._options("sentiment", live)

    def _fields(self, live: Sequence[Record]) -> None:
        existing = self.ids("custom_call_fields", (c["uuid"] for c in live))
        self.drop_outbox("custom_call_field", [c["uuid"] for c in live])
        rows = [
            (
                c["uuid"],
                to_stored_time(c["updated_at"]),
                c["record"]["name"],
                c["record"]["field_type"],
                _bool(c["record"].get("required")),
                json.dumps(c["record"].get("choices") or [], ensure_ascii=False),
                c["record"].get("position", 0),
                _bool(c["record"].get("archived")),
            )
            for c in live
        ]
        columns = ("uuid", "updated_at", "name", "field_type", "required", "choices")
        self._write("custom_call_fields", (*columns, "position", "archived"), rows, existing)
        self.applied.count("custom_call_field", len(rows))
        self.applied.settings_changed = True

    def _settings(self, live: Sequence[Record]) -> None:
        self.drop_outbox("team_setting", [c["uuid"] for c in live])
        for change in live:
            value = change["record"]["value"]
            text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
            self.c.exec_driver_sql(
                "INSERT INTO team_settings (key, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (change["uuid"], text, to_stored_time(change["updated_at"])),
            )
        self.applied.count("team_setting", len(live))
        self.applied.settings_changed = True

    def _own_missing(self, table: str, live: Sequence[Record]) -> list[Record]:
        """The rep's own records that this database lacks (never overwrite a local one)."""
        mine = [c for c in live if c.get("owner") in (None, self.me)]
        existing = self.ids(table, (c["uuid"] for c in mine))
        return [c for c in mine if c["uuid"] not in existing]

    def _calls(self, live: Sequence[Record]) -> None:
        missing = self._own_missing("calls", live)
        records = [c["record"] for c in missing]
        refs = {
            "person_id": self.ids("people", (r.get("person_uuid") for r in records)),
            "disposition_id": self.ids(
                "dispositions", (r.get("disposition_uuid") for r in records)
            ),
            "sentiment_id": self.ids("sentiments", (r.get("sentiment_uuid") for r in records)),
            "membership_id": self.ids(
                "cadence_memberships", (r.get("membership_uuid") for r in records)
            ),
            "step_id": self.ids("cadence_steps", (r.get("step_uuid") for r in records)),
        }
        ref_fields = {
            "person_id": "person_uuid",
            "disposition_id": "disposition_uuid",
            "sentiment_id": "sentiment_uuid",
            "membership_id": "membership_uuid",
            "step_id": "step_uuid",
        }
        rows = []
        for change in missing:
            r = change["record"]
            values: list[Any] = [change["uuid"], to_stored_time(change["updated_at"]), "synced"]
            values += [refs[name].get(r.get(ref_fields[name]) or "") for name in ref_fields]
            for name in CALL_COLUMNS:
                value = r.get(name)
                if name in CALL_TIMES:
                    value = to_stored_time(value)
                elif name == "custom_values":
                    value = json.dumps(value or {})
                elif name == "line_name":
                    value = value or ""
                values.append(value)
            rows.append(tuple(values))
        columns = ("uuid", "updated_at", "sync_state", *ref_fields, *CALL_COLUMNS)
        self._write("calls", columns, rows, {})
        self.applied.count("call", len(rows))

    def _completions(self, live: Sequence[Record]) -> None:
        missing = self._own_missing("step_completions", live)
        records = [c["record"] for c in missing]
        memberships = self.ids("cadence_memberships", (r["membership_uuid"] for r in records))
        steps = self.ids("cadence_steps", (r["step_uuid"] for r in records))
        calls = self.ids("calls", (r.get("call_uuid") for r in records))
        rows = []
        for change in missing:
            r = change["record"]
            membership, step = memberships.get(r["membership_uuid"]), steps.get(r["step_uuid"])
            if membership is None or step is None:
                self.defer(change)  # its membership or step comes on a later page
                continue
            rows.append(
                (
                    change["uuid"],
                    to_stored_time(change["updated_at"]),
                    membership,
                    step,
                    calls.get(r.get("call_uuid") or ""),
                    to_stored_time(r["completed_at"]),
                    _bool(r.get("success")),
                    r.get("outcome", ""),
                    r.get("notes", ""),
                )
            )
        columns = ("uuid", "updated_at", "membership_id", "step_id", "call_id", "completed_at")
        self._write("step_completions", (*columns, "success", "outcome", "notes"), rows, {})
        self.applied.count("step_completion", len(rows))

    def _recordings(self, live: Sequence[Record]) -> None:
        """The rep's recordings made on another computer (a new laptop): their metadata,
        marked ``remote`` until the sync downloads the audio (``downloads.py``). A call has
        one recording; one still being written elsewhere waits for its final version."""
        self._refresh_remote(live)
        missing = [
            c for c in self._own_missing("recordings", live) if c["record"]["state"] in _PULLED
        ]
        records = [c["record"] for c in missing]
        calls = self.ids("calls", (r["call_uuid"] for r in records))
        taken = self._recorded_calls(calls.values())
        rows = []
        for change in missing:
            r = change["record"]
            call_id = calls.get(r["call_uuid"])
            if call_id is None:
                self.defer(change)  # its call comes on a later page
                continue
            if call_id in taken:
                continue
            taken.add(call_id)
            audio = r["state"] in _AUDIO_STATES and bool(r.get("sha256"))
            rows.append(
                (
                    change["uuid"],
                    to_stored_time(change["updated_at"]),
                    call_id,
                    r["state"],
                    _bool(r.get("one_sided")),
                    # named by the call's uuid as everywhere (never by what a server sends)
                    final_name(str(uuid_module.UUID(r["call_uuid"]))) if audio else None,
                    to_stored_time(r["started_at"]),
                    r.get("call_offset_s") or 0.0,
                    r.get("duration_s"),
                    r.get("size_bytes"),
                    r.get("sha256"),
                    json.dumps(r.get("segments") or []),
                    r.get("problem") or "",
                    to_stored_time(r.get("deleted_at")),
                    r.get("deleted_reason") or "",
                    "remote" if audio else "synced",
                )
            )
        self._write("recordings", _RECORDING_COLUMNS, rows, {})
        self.applied.count("recording", len(rows))

    def _refresh_remote(self, live: Sequence[Record]) -> None:
        """A recording whose audio is still on the server follows the server's later
        versions when it ends there (deleted, or failed): nothing left to download."""
        ended = [c for c in live if c["record"]["state"] in _PULLED - _AUDIO_STATES]
        if not ended:
            return
        self.c.exec_driver_sql(
            "UPDATE recordings SET state = ?, file_name = NULL, problem = ?, deleted_at = ?,"
            " deleted_reason = ?, upload_state = 'synced', updated_at = ?"
            " WHERE uuid = ? AND upload_state = 'remote'",
            [
                (
                    c["record"]["state"],
                    c["record"].get("problem") or "",
                    to_stored_time(c["record"].get("deleted_at")),
                    c["record"].get("deleted_reason") or "",
                    to_stored_time(c["updated_at"]),
                    c["uuid"],
                )
                for c in ended
            ],
        )

    # ---------------------------------------------------------------- deferred

    def defer(self, change: Record) -> None:
        """Keep a change whose reference has not arrived yet (``models.SyncDeferred``)."""
        self.c.exec_driver_sql(
            "INSERT INTO sync_deferred (record_type, uuid, change) VALUES (?, ?, ?)"
            " ON CONFLICT (record_type, uuid) DO UPDATE SET change = excluded.change",
            (change["type"], change["uuid"], json.dumps(change)),
        )

    def retry_deferred(self) -> None:
        """Apply the deferred changes again (after a page: their references may be here
        now); those still missing a reference are deferred again."""
        rows = self.c.exec_driver_sql("SELECT change FROM sync_deferred").all()
        if not rows:
            return
        self.c.exec_driver_sql("DELETE FROM sync_deferred")
        self.apply([json.loads(row[0]) for row in rows])

    def _recorded_calls(self, call_ids: Iterable[int]) -> set[int]:
        wanted = sorted(set(call_ids))
        found: set[int] = set()
        for start in range(0, len(wanted), _CHUNK):
            chunk = tuple(wanted[start : start + _CHUNK])
            rows = self.c.exec_driver_sql(
                f"SELECT call_id FROM recordings WHERE call_id IN ({_marks(chunk)})", chunk
            )
            found.update(int(row[0]) for row in rows)
        return found

    def _emails(self, live: Sequence[Record]) -> None:
        """The rep's emails are written here and only pushed; the server's copy is the
        team's record of them (a sender here owns their state: never overwritten)."""

    _UPSERTS: ClassVar[dict[str, Callable[[Applier, Sequence[Record]], None]]] = {
        "account": _accounts,
        "person": _people,
        "cadence": _cadences,
        "cadence_step": _steps,
        "cadence_membership": _memberships,
        "disposition": _dispositions,
        "sentiment": _sentiments,
        "custom_call_field": _fields,
        "team_setting": _settings,
        "call": _calls,
        "step_completion": _completions,
        "recording": _recordings,
        "email": _emails,
    }

    # ---------------------------------------------------------------- tombstones

    def _delete(self, record_type: str, gone: Sequence[Record]) -> None:
        """Deletes from the server. Team lists are archived, not deleted: old calls keep
        their disposition. A rep's own calls are never deleted by a pull."""
        uuids = [c["uuid"] for c in gone]
        if record_type in {"call", "step_completion", "recording", "email"}:
            return
        if record_type == "team_setting":
            self.drop_outbox(record_type, uuids)
            self.c.exec_driver_sql(
                "DELETE FROM team_settings WHERE key = ?",
                [(u,) for u in uuids],
            )
            self.applied.settings_changed = True
            return
        table = TABLES[record_type]
        if record_type in SERVER_WINS:
            self.drop_outbox(record_type, uuids)
            column = "enabled = 0" if record_type == "cadence_step" else "archived = 1"
            self.c.exec_driver_sql(
                f"UPDATE {table} SET {column} WHERE uuid = ?",
                [(u,) for u in uuids],
            )
            self.applied.settings_changed = True
            return
        winners, existing = self._lww(record_type, table, gone)
        ids = [existing[c["uuid"]] for c in winners if c["uuid"] in existing]
        if not ids:
            return
        rows = [(i,) for i in ids]
        if record_type == "account":
            self.c.exec_driver_sql(
                "UPDATE people SET account_id = NULL WHERE account_id = ?",
                rows,
            )
        if record_type == "cadence_membership":  # keep its completions: mark it removed
            self.c.exec_driver_sql(
                "UPDATE cadence_memberships SET state = 'removed' WHERE id = ?",
                rows,
            )
        else:
            self.c.exec_driver_sql(
                f"DELETE FROM {table} WHERE id = ?",
                rows,
            )
        self.applied.deleted += len(ids)
