"""Start-up check for logs left open by a crash, without importing SQLAlchemy."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def has_open_logs(database: Path) -> bool:
    """True when a call has autosaved notes but was never logged or discarded."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        row = connection.execute(
            "SELECT 1 FROM calls WHERE log_state = 'open' AND draft_saved_at IS NOT NULL LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    return row is not None
