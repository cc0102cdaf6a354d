"""The Calls history: every call with outcome, duration, disposition, sentiment, notes and
sync state, newest first; can be narrowed to one person (their activity)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dialer_app.db.calls_reader import CallRow, CallsReader
from dialer_app.ui.call_panel import format_duration

PAGE_SIZE = 200
_COLUMNS = (
    "When",
    "Person",
    "Number",
    "Duration",
    "Outcome",
    "Disposition",
    "Sentiment",
    "Notes",
    "Log",
    "Sync",
)
_Index = QModelIndex | QPersistentModelIndex


def _when(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class CallsTableModel(QAbstractTableModel):
    def __init__(self, reader: CallsReader, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader = reader
        self._rows: list[CallRow] = []
        self._total = 0
        self.person_id: int | None = None

    def reload(self, person_id: int | None = None) -> None:
        self.beginResetModel()
        self.person_id = person_id
        self._total = self._reader.count(person_id)
        self._rows = self._reader.recent(person_id=person_id, limit=PAGE_SIZE)
        self.endResetModel()

    def call_at(self, row: int) -> CallRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        more = self._reader.recent(
            person_id=self.person_id, limit=PAGE_SIZE, offset=len(self._rows)
        )
        if not more:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

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
        row = self.call_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.notes or row.outcome_message or None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        values = (
            _when(row.started_at),
            row.person_name or "—",
            row.number_e164,
            format_duration(row.duration_s) if row.duration_s is not None else "",
            row.outcome.replace("_", " "),
            row.disposition,
            row.sentiment,
            row.notes.replace("\n", " ")[:120],
            ("logged ✓ success" if row.success else "logged")
            if row.log_state == "logged"
            else "not logged",
            row.sync_state,
        )
        return values[index.column()] if 0 <= index.column() < len(values) else None


class CallsPage(QWidget):
    def __init__(self, reader: CallsReader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CallsTableModel(reader, self)
        self.filter_label = QLabel("All calls")
        self.filter_label.setObjectName("callsFilter")
        self.all_button = QPushButton("Show all calls")
        self.all_button.setObjectName("allCalls")
        self.all_button.clicked.connect(lambda: self.show_person(None, ""))
        self.table = QTableView()
        self.table.setObjectName("callsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        top = QHBoxLayout()
        top.addWidget(self.filter_label, 1)
        top.addWidget(self.all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._person_name = ""

    def show_person(self, person_id: int | None, name: str) -> None:
        """One person's calls (their activity), or everyone's."""
        self._person_name = name
        self.filter_label.setText(f"Calls with {name}" if person_id is not None else "All calls")
        self.all_button.setVisible(person_id is not None)
        self.model.reload(person_id)

    def refresh(self) -> None:
        self.model.reload(self.model.person_id)
