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

    def owner(self, e164: str | None, person_id: int | None = None) -> tuple[PersonRow | None, int]:
        """Who a number from outside (a clicked link) is for: the named person when they
        exist, else the number's only owner. Also says how many people share the number,
        so a shared switchboard is never pinned on one of them."""
        person = None if person_id is None else self._reader.person(person_id)
        if person is not None or not e164:
            return person, int(person is not None)
        owners = self._reader.people_with_number(e164)
        return (owners[0] if len(owners) == 1 else None), len(owners)
