"""People as a Qt table model, fetched a page at a time (never all rows at once)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt

from dialer_app.db.people_reader import PersonRow
from dialer_app.domain.phone import format_for_display
from dialer_app.services.people import PeopleService
from dialer_app.ui.paged_model import PagedTableModel

PERSON_ROLE = Qt.ItemDataRole.UserRole + 1


class PeopleTableModel(PagedTableModel[PersonRow]):
    columns = ("Name", "Title", "Account", "Phone")

    def __init__(self, people: PeopleService, region: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._people = people
        self._region = region
        self._query = ""

    @property
    def query(self) -> str:
        return self._query

    def set_query(self, query: str) -> None:
        self._query = query.strip()
        self.reset_rows()

    def set_region(self, region: str) -> None:
        self._region = region
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 3), self.index(self.rowCount() - 1, 3))

    def person_at(self, row: int) -> PersonRow | None:
        return self.row_at(row)

    def count_rows(self) -> int:
        return self._people.count(self._query)

    def fetch_rows(self, offset: int, limit: int) -> list[PersonRow]:
        return self._people.search(self._query, limit=limit, offset=offset)

    def cell(self, person: PersonRow, column: int, role: int) -> Any:
        if role == PERSON_ROLE:
            return person
        if role == Qt.ItemDataRole.ToolTipRole and person.do_not_contact:
            return "Do not contact: dialling is blocked for this person"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        name = person.name + ("  ⛔" if person.do_not_contact else "")
        return (name, person.title, person.account, self._phone(person))[column]

    def _phone(self, person: PersonRow) -> str:
        if not person.phone_e164:
            return ""
        shown = format_for_display(person.phone_e164, self._region)
        return f"{shown} ext. {person.phone_extension}" if person.phone_extension else shown
