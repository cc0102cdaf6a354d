"""People for the UI: search and paging over the local database."""

from __future__ import annotations

from dialer_app.db.people_reader import PeopleReader, PersonRow


class PeopleService:
    """Read-only people queries for lists (the GUI thread's own connection)."""

    def __init__(self, reader: PeopleReader) -> None:
        self._reader = reader

    def search(self, query: str, *, limit: int, offset: int = 0) -> list[PersonRow]:
        return self._reader.search(query, limit=limit, offset=offset)

    def count(self, query: str) -> int:
        return self._reader.count(query)
