"""A read-only connection through the stdlib driver, for the reads that must not pay for
importing SQLAlchemy (start-up checks, the people list, the calls history)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def connect_read_only(database: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{database}?mode=ro", uri=True)
