"""The Recordings tab: every recorded call (person, number, date, duration, disposition),
newest first, fetched a page at a time; search as you type; open the player, export, delete.

Light on purpose (no numpy, no QtMultimedia): opening the tab with 10,000 recordings is one
count and one page of SQL (benchmarks/recordings.py). The player loads on the first Play.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dialer_app.db.recordings_reader import RecordingQuery, RecordingRow, RecordingsReader
from dialer_app.domain.recording_status import RECORDING_PERIODS, clock, period_start
from dialer_app.ui.paged_model import PagedTableModel

SEARCH_DELAY_MS = 250
"""Typing pauses this long before the list is searched again."""
DIALER_MARK = "☎ Dialer"
"""Seed 001: recordings made by the Dialer carry a phone icon and the word Dialer."""


class RecordingsTableModel(PagedTableModel[RecordingRow]):
    columns: tuple[str, ...] = ("Source", "Person", "Number", "Date", "Duration", "Disposition")

    def __init__(self, reader: RecordingsReader, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader = reader
        self.query = RecordingQuery()

    def search(self, query: RecordingQuery) -> None:
        self.query = query
        self.reset_rows()

    def count_rows(self) -> int:
        return self._reader.count(self.query)

    def fetch_rows(self, offset: int, limit: int) -> list[RecordingRow]:
        return self._reader.page(self.query, offset, limit)

    def cell(self, row: RecordingRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = [row.notes.strip()] if row.notes.strip() else []
            if row.one_sided:
                tips.append("Only the rep's voice was recorded (one-sided).")
            if row.state == "repaired":
                tips.append("Repaired after a crash: the audio up to the crash was kept.")
            return "\n".join(tips) or None
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0:
            return "Dialer call recording"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        values = (
            DIALER_MARK,
            row.person_name or "—",
            row.number_e164,
            row.call_started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            clock(row.duration_s) if row.duration_s is not None else "",
            row.disposition,
        )
        return values[column]


class RecordingsPage(QWidget):
    """Emits what the rep asks for; the main window's RecordingActions does it."""

    play_requested = Signal(str)  # call uuid
    export_requested = Signal(str)
    delete_requested = Signal(str)

    def __init__(self, reader: RecordingsReader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordingsPage")
        self.model = RecordingsTableModel(reader, self)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.search_now)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("recordingsSearch")
        self.search_edit.setPlaceholderText("Search recordings: person, number, disposition, notes")
        self.search_edit.setAccessibleName("Search recordings")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_edit.returnPressed.connect(self.search_now)
        self.count_label = QLabel("")
        self.count_label.setObjectName("recordingsCount")

        self.table = QTableView()
        self.table.setObjectName("recordingsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # Enter and double-click both "activate" a row (Qt's item view rules).
        self.table.activated.connect(lambda index: self._emit_for(index, self.play_requested))
        self.table.installEventFilter(self)  # Delete on the list: delete (after asking)

        self.play_button = QPushButton("▶ Play")
        self.play_button.setObjectName("recordingsPlay")
        self.play_button.setToolTip("Open the player (Enter or double-click)")
        self.play_button.clicked.connect(self.play_selected)
        self.export_button = QPushButton("Export…")
        self.export_button.setObjectName("recordingsExport")
        self.export_button.clicked.connect(lambda: self._emit_selected(self.export_requested))
        self.delete_button = QPushButton("Delete recording…")
        self.delete_button.setObjectName("recordingsDelete")
        self.delete_button.setToolTip("Delete the selected recording (Delete); asks first")
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.selectionModel().selectionChanged.connect(lambda *_args: self._update_buttons())

        self.period_combo = QComboBox()
        self.period_combo.setObjectName("recordingsPeriod")
        self.period_combo.setAccessibleName("Recorded when")
        for label, days in RECORDING_PERIODS:
            self.period_combo.addItem(label, days)
        self.period_combo.currentIndexChanged.connect(lambda _index: self.search_now())

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.period_combo)
        top.addWidget(self.count_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.play_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.search_now()

    # -- listing -------------------------------------------------------------------------
    def search_now(self) -> None:
        self._search_timer.stop()
        days = self.period_combo.currentData()
        since = period_start(days, datetime.now().astimezone())
        self.model.search(RecordingQuery(text=self.search_edit.text(), since=since))
        total = self.model.total
        text = self.search_edit.text().strip()
        noun = "recording" if total == 1 else "recordings"
        self.count_label.setText(f"{total:,} {noun}" + (f" matching “{text}”" if text else ""))
        if total:
            self.table.selectRow(0)
        self._update_buttons()

    def refresh(self) -> None:
        """Reload (a recording was saved or deleted), keeping the search."""
        self.search_now()

    def selected_row(self) -> RecordingRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    # -- actions -------------------------------------------------------------------------
    def play_selected(self) -> None:
        self._emit_selected(self.play_requested)

    def delete_selected(self) -> None:
        self._emit_selected(self.delete_requested)

    def _emit_selected(self, signal: Any) -> None:
        row = self.selected_row()
        if row is not None:
            signal.emit(row.call_uuid)

    def _emit_for(self, index: QModelIndex, signal: Any) -> None:
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is not None:
            signal.emit(row.call_uuid)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Delete
        ):
            self.delete_selected()
            return True
        return super().eventFilter(watched, event)

    def _update_buttons(self) -> None:
        selected = self.selected_row() is not None
        for button in (self.play_button, self.export_button, self.delete_button):
            button.setEnabled(selected)
