"""The people list with its search box (as-you-type, debounced)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dialer_app.db.people_reader import COUNT_CAP, PersonRow
from dialer_app.ui.people_model import PeopleTableModel

SEARCH_DEBOUNCE_MS = 120


class _PeopleTable(QTableView):
    """Enter on a row picks the person (like a double-click)."""

    activated_row = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class PeoplePanel(QWidget):
    """Emits ``person_chosen(PersonRow)`` on double-click or Enter (the current row).

    Several people can be selected (Shift/Ctrl-click, Shift+arrows) for actions on many,
    such as adding them to a cadence; the current row stays "the highlighted person"."""

    person_chosen = Signal(object)

    def __init__(self, model: PeopleTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("peopleSearch")
        self.search_edit.setPlaceholderText(
            "Search people by name, email, account or number  (Ctrl+K)"
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Search people")
        self.search_edit.textChanged.connect(self._schedule_search)
        self.search_edit.returnPressed.connect(self._search_now_and_focus_results)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)

        self.table = _PeopleTable()
        self.table.setObjectName("peopleTable")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((170, 170, 150)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.table.activated_row.connect(self._choose_row)

        self.count_label = QLabel("")
        self.count_label.setObjectName("peopleCount")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self.setFocusProxy(self.search_edit)

    def search_now(self) -> None:
        self._debounce.stop()
        self.model.set_query(self.search_edit.text())
        total = self.model.total
        shown = f"{COUNT_CAP:,}+" if total >= COUNT_CAP and self.model.query else f"{total:,}"
        self.count_label.setText(f"{shown} {'person' if total == 1 else 'people'}")
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def current_query(self) -> str:
        """The search the list shows (a search still being typed is run first)."""
        if self._debounce.isActive():
            self.search_now()
        return self.model.query

    def selected_person(self) -> PersonRow | None:
        index = self.table.currentIndex()
        return self.model.person_at(index.row()) if index.isValid() else None

    def selected_people(self) -> list[PersonRow]:
        """Every selected person, in list order (the current one when none is selected)."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        people = [p for row in rows if (p := self.model.person_at(row)) is not None]
        if not people and (current := self.selected_person()) is not None:
            return [current]
        return people

    def _schedule_search(self) -> None:
        self._debounce.start()

    def _search_now_and_focus_results(self) -> None:
        self.search_now()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        self._choose_row(index.row())

    def _choose_row(self, row: int) -> None:
        person = self.model.person_at(row)
        if person is not None:
            self.person_chosen.emit(person)
