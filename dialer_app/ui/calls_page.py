"""The Calls history: every call with outcome, duration, disposition, sentiment, notes,
its recording ("Listen to Recording" or "No Recording", seed 001) and sync state, newest
first; can be narrowed to one person (their activity)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor
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

LISTEN_COLOUR = QColor("#2874a6")


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
        "Recording",
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
        recording = self.columns[column] == "Recording"
        if role == Qt.ItemDataRole.ToolTipRole:
            if recording and row.has_recording:
                return "Double-click or press Enter to listen"
            return row.notes or row.outcome_message or None
        if role == Qt.ItemDataRole.ForegroundRole and recording and row.has_recording:
            return LISTEN_COLOUR
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
            ("▶ " if row.has_recording else "") + row.recording_text,
            logged,
            CALL_SYNC_WORDS.get(row.sync_state, row.sync_state),
        )
        return values[CallsTableModel.columns.index(self.columns[column])]


class CallsPage(QWidget):
    """Emits ``listen_requested(call uuid)`` for a call with a recording (the Listen button,
    Enter or a double-click on its row)."""

    listen_requested = Signal(str)

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
        self.table.activated.connect(self._listen_to)
        self.listen_button = QPushButton("▶ Listen to Recording")
        self.listen_button.setObjectName("listenButton")
        self.listen_button.setToolTip("Play the selected call's recording (Enter)")
        self.listen_button.setEnabled(False)
        self.listen_button.clicked.connect(lambda: self._listen_to(self.table.currentIndex()))
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._update_listen(current)
        )
        self.model.modelReset.connect(lambda: self._update_listen(self.table.currentIndex()))
        top = QHBoxLayout()
        top.addWidget(self.filter_label, 1)
        top.addWidget(self.listen_button)
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

    def selected_call(self) -> CallRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _listen_to(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is not None and row.has_recording:
            self.listen_requested.emit(row.uuid)

    def _update_listen(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row()) if index.isValid() else None
        self.listen_button.setEnabled(row is not None and row.has_recording)
