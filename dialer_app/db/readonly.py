"""A read-only connection through the stdlib driver, for the reads that must not pay for
importing SQLAlchemy (start-up checks, the people list, the calls history)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

CACHE_KIB = 65536
MMAP_BYTES = 256 * 1024 * 1024


def connect_read_only(database: Path) -> sqlite3.Connection:
    """Search-as-you-type reads scattered rows (a match's person, account and numbers):
    a 64 MB page cache and memory-mapped reads keep those lookups off the disk path.
    Both only reserve address space; pages are used as the rows are read."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    connection.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    connection.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    return connection
