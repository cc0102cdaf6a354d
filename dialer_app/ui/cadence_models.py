"""Table models of the Cadences tab: plain rows from the service, shown column by column."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from dialer_app.domain.cadences import STEP_TYPE_LABELS

_Row = TypeVar("_Row")
_Index = QModelIndex | QPersistentModelIndex

STEP_TYPE_ICONS = {"phone": "☎", "email": "✉", "other": "✓", "integration": "⇄"}
"""Text icons of the step types (no image files to ship; the font has them)."""


def step_type_text(step_type: str) -> str:
    return f"{STEP_TYPE_ICONS.get(step_type, '•')} {STEP_TYPE_LABELS.get(step_type, step_type)}"


class RowsModel(QAbstractTableModel, Generic[_Row]):
    """A read-only table of frozen rows; ``cells`` turns a row into its column texts."""

    def __init__(
        self,
        columns: Sequence[str],
        cells: Callable[[_Row], Sequence[str]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._cells = cells
        self._rows: list[_Row] = []

    def set_rows(self, rows: Sequence[_Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> _Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list[_Row]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        row = self.row_at(index.row())
        return None if row is None else self._cells(row)[index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section]
        return None
