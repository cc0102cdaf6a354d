"""Read side of recordings for the Recordings page, the Calls page and the profile.

Plain SQL over the stdlib driver (like calls_reader.py): the page opens with no ORM import.
The page lists playable recordings (ready or repaired) newest first; a deleted or failed
one is still found by ``for_call`` so the call's history can say what happened to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dialer_app.db.people_search import escape_like
from dialer_app.db.readonly import connect_read_only
from dialer_app.domain.phone import digits_only
from dialer_app.domain.recording_status import PLAYABLE_SQL, SHOWN_STATE_SQL


@dataclass(frozen=True)
class RecordingRow:
    """One recorded call as the Recordings page lists it and the player opens it."""

    call_uuid: str
    person_id: int | None
    person_name: str
    number_e164: str
    call_started_at: datetime
    duration_s: float | None
    disposition: str
    notes: str
    state: str
    """``RecordingState`` value."""
    file_name: str | None
    one_sided: bool
    call_offset_s: float
    segments: str
    """JSON, see ``models.Recording.segments``."""
    problem: str
    deleted_reason: str


@dataclass(frozen=True)
class RecordingQuery:
    """What the Recordings page's search box and date range ask for.

    ``text``: every word must appear in the person's name, the number, the disposition or
    the notes (a word of digits also matches the number's digits). ``since``/``until``
    bound the call's start (``until`` exclusive), aware datetimes.
    """

    text: str = ""
    since: datetime | None = None
    until: datetime | None = None


_COLUMNS = f"""
SELECT c.uuid, c.person_id, coalesce(trim(p.first_name || ' ' || p.last_name), ''),
       c.number_e164, c.started_at, r.duration_s, coalesce(d.name, ''), coalesce(c.notes, ''),
       {SHOWN_STATE_SQL}, r.file_name, r.one_sided, r.call_offset_s, r.segments, r.problem,
       r.deleted_reason
FROM recordings r
JOIN calls c ON c.id = r.call_id
LEFT JOIN people p ON p.id = c.person_id
LEFT JOIN dispositions d ON d.id = c.disposition_id
"""
_PLAYABLE = f"r.upload_state != 'remote' AND r.state IN ({PLAYABLE_SQL})"
_TEXT_MATCH = (
    "(trim(p.first_name || ' ' || p.last_name) LIKE :{n} ESCAPE '\\'"
    " OR c.number_e164 LIKE :{n} ESCAPE '\\' OR d.name LIKE :{n} ESCAPE '\\'"
    " OR c.notes LIKE :{n} ESCAPE '\\'{digits})"
)


class RecordingsReader:
    def __init__(self, database: Path) -> None:
        self._connection = connect_read_only(database)

    def close(self) -> None:
        self._connection.close()

    def count(self, query: RecordingQuery | None = None) -> int:
        query = query or RecordingQuery()
        where, params = _where(query)
        # Only what the filter needs: a bare count reads the recordings table alone (every
        # recording has its call: the foreign key cascades).
        joins = ""
        if query.text.strip():
            joins = _JOINS_FOR_TEXT
        elif query.since is not None or query.until is not None:
            joins = " JOIN calls c ON c.id = r.call_id"
        row = self._connection.execute(
            f"SELECT count(*) FROM recordings r{joins}{where}", params
        ).fetchone()
        return int(row[0])

    def page(
        self, query: RecordingQuery | None = None, offset: int = 0, limit: int = 80
    ) -> list[RecordingRow]:
        """Newest recording first (the ``started_at`` index walks the order)."""
        where, params = _where(query or RecordingQuery())
        params.update(limit=limit, offset=offset)
        cursor = self._connection.execute(
            _COLUMNS + where + " ORDER BY r.started_at DESC, r.id DESC LIMIT :limit OFFSET :offset",
            params,
        )
        return [_row(r) for r in cursor]

    def for_call(self, call_uuid: str) -> RecordingRow | None:
        """The call's recording in any state (deleted and failed ones too), or None."""
        row = self._connection.execute(_COLUMNS + " WHERE c.uuid = ?", (call_uuid,)).fetchone()
        return _row(row) if row is not None else None


_JOINS_FOR_TEXT = (
    " JOIN calls c ON c.id = r.call_id LEFT JOIN people p ON p.id = c.person_id"
    " LEFT JOIN dispositions d ON d.id = c.disposition_id"
)


def _where(query: RecordingQuery) -> tuple[str, dict[str, object]]:
    clauses = [_PLAYABLE]
    params: dict[str, object] = {}
    for n, word in enumerate(query.text.split()):
        name = f"w{n}"
        params[name] = f"%{escape_like(word)}%"
        digits = digits_only(word)
        extra = ""
        if digits and all(ch.isdigit() or ch in "+()-." for ch in word):
            params[f"d{n}"] = f"%{digits}%"
            extra = f" OR replace(c.number_e164, '+', '') LIKE :d{n}"
        clauses.append(_TEXT_MATCH.format(n=name, digits=extra))
    if query.since is not None:
        clauses.append("c.started_at >= :since")
        params["since"] = _stored(query.since)
    if query.until is not None:
        clauses.append("c.started_at < :until")
        params["until"] = _stored(query.until)
    return " WHERE " + " AND ".join(clauses), params


def _stored(moment: datetime) -> str:
    """How SQLAlchemy writes a UTC datetime in SQLite, so text comparison orders by time."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment
    return utc.strftime("%Y-%m-%d %H:%M:%S.%f")


def _parse(text: object) -> datetime:
    moment = datetime.fromisoformat(str(text))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _row(r: tuple[object, ...]) -> RecordingRow:
    return RecordingRow(
        call_uuid=str(r[0]),
        person_id=r[1] if isinstance(r[1], int) else None,
        person_name=str(r[2]),
        number_e164=str(r[3]),
        call_started_at=_parse(r[4]),
        duration_s=float(r[5]) if isinstance(r[5], int | float) else None,
        disposition=str(r[6]),
        notes=str(r[7]),
        state=str(r[8]),
        file_name=str(r[9]) if r[9] is not None else None,
        one_sided=bool(r[10]),
        call_offset_s=float(r[11]) if isinstance(r[11], int | float) else 0.0,
        segments=str(r[12]),
        problem=str(r[13]),
        deleted_reason=str(r[14]),
    )
