"""The calls history for lists: plain SQL over the stdlib driver (like people_reader), so the
Calls page costs no SQLAlchemy import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dialer_app.db.readonly import connect_read_only
from dialer_app.domain.recording_status import SHOWN_STATE_SQL, is_playable, recording_summary


@dataclass(frozen=True)
class CallRow:
    uuid: str
    started_at: str
    person_id: int | None
    person_name: str
    number_e164: str
    duration_s: float | None
    outcome: str
    outcome_message: str
    disposition: str
    sentiment: str
    notes: str
    log_state: str
    success: bool
    sync_state: str
    recording_state: str = ""
    """``RecordingState`` value, "" when the call has no recording."""
    recording_problem: str = ""
    recording_deleted_reason: str = ""

    @property
    def has_recording(self) -> bool:
        """A file to play ("Listen to Recording")."""
        return is_playable(self.recording_state)

    @property
    def recording_text(self) -> str:
        """ "Listen to Recording", "No Recording", "Recording deleted: <reason>", ..."""
        return recording_summary(
            self.recording_state,
            problem=self.recording_problem,
            deleted_reason=self.recording_deleted_reason,
        )


_SELECT = f"""
SELECT c.uuid, c.started_at, c.person_id,
       coalesce(trim(p.first_name || ' ' || p.last_name), ''),
       c.number_e164, c.duration_s, coalesce(c.outcome, ''), coalesce(c.outcome_message, ''),
       coalesce(d.name, ''), coalesce(s.name, ''), c.notes, c.log_state, c.success, c.sync_state,
       coalesce({SHOWN_STATE_SQL}, ''), coalesce(r.problem, ''), coalesce(r.deleted_reason, '')
FROM calls c
LEFT JOIN recordings r ON r.call_id = c.id
LEFT JOIN people p ON p.id = c.person_id
LEFT JOIN dispositions d ON d.id = c.disposition_id
LEFT JOIN sentiments s ON s.id = c.sentiment_id
"""


class CallsReader:
    def __init__(self, database: Path) -> None:
        self._connection = connect_read_only(database)

    def close(self) -> None:
        self._connection.close()

    def count(self, person_id: int | None = None) -> int:
        where, params = _where(person_id)
        row = self._connection.execute(f"SELECT count(*) FROM calls c{where}", params).fetchone()
        return int(row[0])

    def recent(
        self, *, person_id: int | None = None, limit: int = 200, offset: int = 0
    ) -> list[CallRow]:
        """Newest first; discarded logs stay out of the history."""
        where, params = _where(person_id)
        cursor = self._connection.execute(
            _SELECT + where + " ORDER BY c.started_at DESC, c.id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [
            CallRow(
                uuid=r[0],
                started_at=str(r[1]),
                person_id=r[2],
                person_name=r[3],
                number_e164=r[4],
                duration_s=r[5],
                outcome=r[6],
                outcome_message=r[7],
                disposition=r[8],
                sentiment=r[9],
                notes=r[10] or "",
                log_state=r[11],
                success=bool(r[12]),
                sync_state=r[13],
                recording_state=r[14],
                recording_problem=r[15],
                recording_deleted_reason=r[16],
            )
            for r in cursor
        ]


def _where(person_id: int | None) -> tuple[str, list[object]]:
    clauses = ["c.log_state != 'discarded'"]
    params: list[object] = []
    if person_id is not None:
        clauses.append("c.person_id = ?")
        params.append(person_id)
    return " WHERE " + " AND ".join(clauses), params
