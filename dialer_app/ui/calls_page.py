"""The Calls history: every call with outcome, duration, disposition, sentiment, notes and
sync state, newest first; can be narrowed to one person (their activity)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt
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
from dialer_app.sync.status_text import CALL_SYNC_WORDS
from dialer_app.ui.call_panel import format_duration
from dialer_app.ui.paged_model import PagedTableModel


def _when(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class CallsTableModel(PagedTableModel[CallRow]):
    columns: tuple[str, ...] = (
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

    def __init__(self, reader: CallsReader, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader = reader
        self.person_id: int | None = None

    def reload(self, person_id: int | None = None) -> None:
        self.person_id = person_id
        self.reset_rows()

    def count_rows(self) -> int:
        return self._reader.count(self.person_id)

    def fetch_rows(self, offset: int, limit: int) -> list[CallRow]:
        return self._reader.recent(person_id=self.person_id, limit=limit, offset=offset)

    def cell(self, row: CallRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.notes or row.outcome_message or None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        logged = (
            ("logged ✓ success" if row.success else "logged")
            if row.log_state == "logged"
            else "not logged"
        )
        values = (
            _when(row.started_at),
            row.person_name or "—",
            row.number_e164,
            format_duration(row.duration_s) if row.duration_s is not None else "",
            row.outcome.replace("_", " "),
            row.disposition,
            row.sentiment,
            row.notes.replace("\n", " ")[:120],
            logged,
            CALL_SYNC_WORDS.get(row.sync_state, row.sync_state),
        )
        return values[column]


class CallsPage(QWidget):
    def __init__(
        self,
        reader: CallsReader,
        parent: QWidget | None = None,
        *,
        model_class: type[CallsTableModel] = CallsTableModel,
        person_only: bool = False,
    ) -> None:
        """``person_only``: always one person's calls (a profile's activity), no "all"."""
        super().__init__(parent)
        self._person_only = person_only
        self.model = model_class(reader, self)
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
        self.all_button.setVisible(person_id is not None and not self._person_only)
        self.model.reload(person_id)

    def refresh(self) -> None:
        self.model.reload(self.model.person_id)
