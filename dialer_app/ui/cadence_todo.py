"""The cadence to-do list (seed 004): steps with people due today, grouped by cadence or by
account, or flat across cadences (the Focus Zone, a ▶ per row). Widgets only: the rows and
their order are the service's (``CadenceService.due_steps``)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from dialer_app.domain.cadences import DueStep, GroupBy
from dialer_app.ui.cadence_models import step_type_text

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
"""Index into ``rows`` (step rows; group rows have none)."""
COLUMNS = ("Step", "Day", "No.", "Name", "Due", "Run")
PLAY_COLUMN = 5
FOCUS_ZONE = "focus_zone"


class CadenceTodo(QWidget):
    run_requested = Signal(object)  # DueStep: Run Step, Enter, double-click or a ▶

    def __init__(
        self, due_steps: Callable[[GroupBy], list[DueStep]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._due_steps = due_steps
        self.rows: list[DueStep] = []
        self.group_combo = QComboBox()
        self.group_combo.addItem("Group by cadence", GroupBy.CADENCE)
        self.group_combo.addItem("Group by account", GroupBy.ACCOUNT)
        self.group_combo.addItem("Focus Zone: today, every cadence", FOCUS_ZONE)
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.tree = QTreeView()
        self.tree.setObjectName("cadenceTodo")
        self.tree.setModel(self.model)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setRootIsDecorated(False)
        self.tree.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.empty_label = QLabel("Nothing due today. Well done!")
        self.run_button = QPushButton("▶ Run Step")
        self.run_button.setObjectName("runStep")
        self.run_button.setToolTip("Run the selected step (Enter or double-click)")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.group_combo)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.run_button)
        self.group_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.tree.activated.connect(self._run_index)
        self.run_button.clicked.connect(self.run_selected)

    @property
    def focus_zone(self) -> bool:
        """The Focus Zone: today's due steps of every cadence in one flat list, each with
        its own ▶ (seed 004's "Run a Cadence Step from the Cadence Focus Zone")."""
        return bool(self.group_combo.currentData() == FOCUS_ZONE)

    @property
    def group_by(self) -> GroupBy:
        """Suggestions and the people of a row follow the grouping (the Focus Zone's rows
        are whole steps, as grouped by cadence)."""
        data = self.group_combo.currentData()
        return GroupBy.ACCOUNT if data == GroupBy.ACCOUNT else GroupBy.CADENCE

    def reload(self) -> None:
        """Re-read the due steps (the service's ``changed``: a log, an edit, a new day)."""
        keep = self.selected_row()
        self.rows = self._due_steps(self.group_by)
        self.model.removeRows(0, self.model.rowCount())
        self.tree.setColumnHidden(PLAY_COLUMN, not self.focus_zone)
        group_item: QStandardItem | None = None
        group_key: tuple[str, int | None] | None = None
        select: QModelIndex | None = None
        for number, row in enumerate(self.rows):
            key = row.group(self.group_by)
            if not self.focus_zone and (key != group_key or group_item is None):
                group_key = key
                group_item = self._group_item(row)
            items = [QStandardItem(text) for text in self._cells(row)]
            for item in items:
                item.setData(number, ROW_ROLE)
            items[3].setToolTip(row.instructions)
            if group_item is None:
                self.model.appendRow(items)
                play = QPushButton("▶")
                play.setObjectName("focusPlay")
                play.setToolTip(f"Run “{row.name}”")
                play.clicked.connect(lambda _c=False, r=row: self.run_requested.emit(r))
                self.tree.setIndexWidget(items[PLAY_COLUMN].index(), play)
            else:
                group_item.appendRow(items)
            if keep is not None and (keep.step_id, keep.account_id) == (
                row.step_id,
                row.account_id,
            ):
                select = items[0].index()
        self.tree.expandAll()
        self.empty_label.setVisible(not self.rows)
        if select is None and self.rows:
            first = self.model.index(0, 0)
            select = first if self.focus_zone else self.model.index(0, 0, first)
        if select is not None:
            self.tree.setCurrentIndex(select)
        self.run_button.setEnabled(bool(self.rows))

    def _group_item(self, row: DueStep) -> QStandardItem:
        """A bold, unselectable header row: the cadence or the account."""
        title = row.cadence_name if self.group_by is GroupBy.CADENCE else row.account_name
        item = QStandardItem(title or "No account")
        bold = QFont(item.font())
        bold.setBold(True)
        item.setFont(bold)
        item.setSelectable(False)
        filler = [QStandardItem("") for _ in COLUMNS[1:]]
        for cell in filler:
            cell.setSelectable(False)
        self.model.appendRow([item, *filler])
        return item

    def _cells(self, row: DueStep) -> list[str]:
        grouped_by_cadence = self.group_by is GroupBy.CADENCE and not self.focus_zone
        return [
            step_type_text(row.step_type),
            str(row.day),
            str(row.step_number),
            row.name if grouped_by_cadence else f"{row.name} ({row.cadence_name})",
            str(row.people_due),
            "",
        ]

    def selected_row(self) -> DueStep | None:
        return self._row_at(self.tree.currentIndex())

    def _row_at(self, index: QModelIndex) -> DueStep | None:
        number = index.siblingAtColumn(0).data(ROW_ROLE) if index.isValid() else None
        return self.rows[number] if isinstance(number, int) and number < len(self.rows) else None

    def _run_index(self, index: QModelIndex) -> None:
        row = self._row_at(index)
        if row is not None:
            self.run_requested.emit(row)

    def run_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.run_requested.emit(row)
