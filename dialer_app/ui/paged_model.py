"""A read-only table model that fetches rows a page at a time (Qt's fetchMore protocol),
so lists of thousands of people or calls never load at once."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

PAGE_SIZE = 80
"""Rows fetched at a time: more than a tall window shows (Qt asks for more as the rep
scrolls), few enough that each keystroke of a search reads little."""
Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex


class PagedTableModel(QAbstractTableModel, Generic[Row]):
    """Subclasses say how to count and fetch rows and how to show a cell."""

    columns: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._total = 0
        self._exhausted = True

    # -- for subclasses ------------------------------------------------------------------
    def count_rows(self) -> int:
        raise NotImplementedError

    def fetch_rows(self, offset: int, limit: int) -> list[Row]:
        raise NotImplementedError

    def cell(self, row: Row, column: int, role: int) -> Any:
        raise NotImplementedError

    # -- loading -------------------------------------------------------------------------
    @property
    def total(self) -> int:
        """How many rows match, including those not fetched yet (as counted: may be capped)."""
        return max(self._total, len(self._rows))

    def reset_rows(self) -> None:
        self.beginResetModel()
        self._rows = self.fetch_rows(0, PAGE_SIZE)
        self._exhausted = len(self._rows) < PAGE_SIZE
        # a short first page is the whole answer: count only when there is more
        self._total = len(self._rows) if self._exhausted else self.count_rows()
        self.endResetModel()

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        # Not "fewer rows than the count": a count may stop at a cap (people_reader.py).
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted:
            return
        more = self.fetch_rows(len(self._rows), PAGE_SIZE)
        self._exhausted = len(more) < PAGE_SIZE
        if not more:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    # -- Qt model API --------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section] if 0 <= section < len(self.columns) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None or not 0 <= index.column() < len(self.columns):
            return None
        return self.cell(row, index.column(), role)
