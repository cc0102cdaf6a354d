"""How values look in the local SQLite file versus on the wire (the server's JSON).

SQLAlchemy stores a ``DateTime(timezone=True)`` in SQLite as UTC text without an offset;
the API wants ISO 8601 with one. The sync reads and writes rows with plain SQL (a 100,000
person pull through ORM objects would take minutes), so it converts here, in one place.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

_STORED = "%Y-%m-%d %H:%M:%S.%f"


def to_wire_time(stored: str | None) -> str | None:
    """``2026-03-02 09:00:00.000000`` -> ``2026-03-02T09:00:00.000000Z``."""
    if stored is None:
        return None
    return stored.replace(" ", "T", 1) + "Z"


def parse_time(text: str) -> datetime:
    """An API or stored time as an aware UTC datetime (stored times are UTC)."""
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_stored_time(text: str | None) -> str | None:
    """An API time as SQLAlchemy stores it in SQLite (a first pull converts 200,000: the
    server's own UTC form is rewritten as text, anything else goes through datetime)."""
    if text is None:
        return None
    if len(text) >= 20 and text[10] == "T" and text[-1] == "Z" and text[19:20] in {".", "Z"}:
        fraction = text[20:-1] if text[19] == "." else ""
        if fraction.isdigit() or not fraction:
            return f"{text[:10]} {text[11:19]}.{fraction[:6]:0<6}"
    return parse_time(text).strftime(_STORED)


def json_object(text: str | None) -> Any:
    """A JSON column's value; a damaged one as its empty default (never blocks a push)."""
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return {}


def json_list(text: str | None) -> Any:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def execute_many(connection: Connection, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """``executemany``, skipped when there is nothing (an empty list would run it once)."""
    if rows:
        connection.exec_driver_sql(sql, list(rows))
