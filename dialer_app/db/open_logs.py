"""Start-up check for logs left open by a crash, without importing SQLAlchemy."""

from __future__ import annotations

from pathlib import Path

from dialer_app.db.readonly import connect_read_only


def has_open_logs(database: Path) -> bool:
    """True when a call has autosaved notes but was never logged or discarded."""
    connection = connect_read_only(database)
    try:
        row = connection.execute(
            "SELECT 1 FROM calls WHERE log_state = 'open' AND draft_saved_at IS NOT NULL LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    return row is not None
