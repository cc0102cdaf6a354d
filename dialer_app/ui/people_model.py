"""People as a Qt table model, fetched a page at a time (never all rows at once)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from dialer_app.db.people_reader import PersonRow
from dialer_app.domain.phone import format_for_display
from dialer_app.services.people import PeopleService

PAGE_SIZE = 200
PERSON_ROLE = Qt.ItemDataRole.UserRole + 1

_COLUMNS = ("Name", "Title", "Account", "Phone")
_Index = QModelIndex | QPersistentModelIndex


class PeopleTableModel(QAbstractTableModel):
    def __init__(self, people: PeopleService, region: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._people = people
        self._region = region
        self._query = ""
        self._rows: list[PersonRow] = []
        self._total = 0

    # -- loading ---------------------------------------------------------------------
    @property
    def query(self) -> str:
        return self._query

    @property
    def total(self) -> int:
        """How many people match, including rows not fetched yet."""
        return self._total

    def set_query(self, query: str) -> None:
        self.beginResetModel()
        self._query = query.strip()
        self._total = self._people.count(self._query)
        self._rows = self._people.search(self._query, limit=PAGE_SIZE)
        self.endResetModel()

    def set_region(self, region: str) -> None:
        self._region = region
        if self._rows:
            self.dataChanged.emit(self.index(0, 3), self.index(len(self._rows) - 1, 3))

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more = self._people.search(self._query, limit=PAGE_SIZE, offset=len(self._rows))
        if not more:
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def person_at(self, row: int) -> PersonRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # -- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _COLUMNS[section] if 0 <= section < len(_COLUMNS) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        person = self._rows[index.row()]
        if role == PERSON_ROLE:
            return person
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(person, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and person.do_not_contact:
            return "Do not contact: dialling is blocked for this person"
        return None

    def _display(self, person: PersonRow, column: int) -> str | None:
        if column == 0:
            return person.name + ("  ⛔" if person.do_not_contact else "")
        if column == 1:
            return person.title
        if column == 2:
            return person.account
        if column == 3:
            if not person.phone_e164:
                return ""
            shown = format_for_display(person.phone_e164, self._region)
            return f"{shown} ext. {person.phone_extension}" if person.phone_extension else shown
        return None
