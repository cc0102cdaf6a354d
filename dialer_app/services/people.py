"""People for the UI: search and paging over the local database."""

from __future__ import annotations

from dialer_app.db.people_reader import AccountRow, PeopleReader, PersonRow, PhoneRow


class PeopleService:
    """Read-only people queries for lists (the GUI thread's own connection)."""

    def __init__(self, reader: PeopleReader) -> None:
        self._reader = reader

    def search(self, query: str, *, limit: int, offset: int = 0) -> list[PersonRow]:
        return self._reader.search(query, limit=limit, offset=offset)

    def count(self, query: str) -> int:
        return self._reader.count(query)

    def matching_ids(self, query: str, *, page_size: int = 1000) -> list[int]:
        """The ids of everyone matching ``query`` (everyone when empty), in list order:
        every page, not only the ones a list has fetched (``count`` stops at a cap)."""
        ids: list[int] = []
        while True:
            page = self.search(query, limit=page_size, offset=len(ids))
            ids.extend(person.id for person in page)
            if len(page) < page_size:
                return ids

    def person(self, person_id: int) -> PersonRow | None:
        return self._reader.person(person_id)

    # -- the dial pad (seed 002): alternative numbers, who owns a number, accounts --------
    def numbers(self, person_id: int) -> list[PhoneRow]:
        return self._reader.numbers(person_id)

    def people_with_number(self, e164: str) -> list[PersonRow]:
        return self._reader.people_with_number(e164)

    def accounts(self, query: str, *, limit: int = 20) -> list[AccountRow]:
        return self._reader.accounts(query, limit=limit)

    def people_at_account(self, account_id: int) -> list[PersonRow]:
        return self._reader.people_at_account(account_id)
