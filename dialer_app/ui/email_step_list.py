"""The emails of the email step being run (issue 9), in the cadence side panel: failed
ones first with their reason and fix, then the scheduled and sending ones, so the rep sees
failures without opening each person. Send Again, Unschedule, or open the person's message.

Widgets only: the rows, their order and wording are ``EmailStepService.step_emails`` and
``domain.email_schedule``'s; Send Again and Unschedule are the service's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dialer_app.db.email_store import EmailStoreError
from dialer_app.ui.cadence_models import RowsModel

if TYPE_CHECKING:
    from dialer_app.services.email_steps import EmailStepService, StepEmail

COLUMNS = ("Person", "State")
ERROR_STYLE = "color: #c0392b;"


class StepEmailsBox(QWidget):
    open_requested = Signal(object)
    """A StepEmail whose person's message the rep wants to see."""
    acted = Signal(str)
    """Send Again or Unschedule worked: the notice (the panel re-reads who is due)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepEmails")
        self._service: EmailStepService | None = None
        self._step_id: int | None = None
        self._rep_zone: Callable[[], str] = lambda: ""
        self.model: RowsModel[StepEmail] = RowsModel(COLUMNS, self._cells, self)
        self.summary = QLabel("")
        self.summary.setObjectName("stepEmailsSummary")
        self.summary.setWordWrap(True)
        self.table = QTableView()
        self.table.setObjectName("stepEmailsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMaximumHeight(180)
        self.send_again_button = QPushButton("Send Again")
        self.send_again_button.setObjectName("stepEmailSendAgain")
        self.send_again_button.setToolTip("Fixed it? Send this email again as it is")
        self.unschedule_button = QPushButton("Unschedule")
        self.unschedule_button.setObjectName("stepEmailUnschedule")
        self.unschedule_button.setToolTip("Keep it as a draft: the person is due on the step again")
        self.open_button = QPushButton("Open Message")
        self.open_button.setObjectName("stepEmailOpen")
        self.open_button.setToolTip("Show this person's email")
        self.message = QLabel("")
        self.message.setObjectName("stepEmailsMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        buttons = QHBoxLayout()
        buttons.addWidget(self.send_again_button)
        buttons.addWidget(self.unschedule_button)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.send_again_button.clicked.connect(self.send_again)
        self.unschedule_button.clicked.connect(self.unschedule)
        self.open_button.clicked.connect(self.open_selected)
        self._update_buttons()
        self.setVisible(False)

    def _cells(self, row: StepEmail) -> tuple[str, ...]:
        return (row.name, row.status(self._rep_zone()))

    # -- reading ------------------------------------------------------------------------------
    def show_step(self, service: EmailStepService | None, step_id: int | None) -> None:
        self._service, self._step_id = service, step_id
        if service is not None:
            self._rep_zone = service.rep_zone
        self.message.clear()
        self.reload()

    def reload(self) -> None:
        """Re-read the step's emails (after a send, a failure, a schedule); hidden when
        there are none."""
        service, step_id = self._service, self._step_id
        keep = self.selected()
        rows = service.step_emails(step_id) if service is not None and step_id else []
        self.model.set_rows(rows)
        self.table.resizeRowsToContents()
        failed = sum(r.needs_attention for r in rows)
        waiting = len(rows) - failed
        parts = []
        if failed:
            parts.append(f"<b>{failed} not sent</b>: fix what it says, then Send Again")
        if waiting:
            parts.append(f"{waiting} scheduled or sending")
        self.summary.setText(" · ".join(parts))
        ids = [r.id for r in rows]
        if keep is not None and keep.id in ids:
            self.table.selectRow(ids.index(keep.id))
        elif rows:
            self.table.selectRow(0)
        self._update_buttons()
        self.setVisible(bool(rows))

    def selected(self) -> StepEmail | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected()
        self.send_again_button.setEnabled(row is not None and row.needs_attention)
        self.unschedule_button.setEnabled(row is not None and row.can_unschedule)
        self.open_button.setEnabled(row is not None)

    # -- actions ------------------------------------------------------------------------------
    def send_again(self) -> bool:
        row, service = self.selected(), self._service
        if row is None or service is None:
            return False
        return self._act(lambda: service.send_again(row.id))

    def unschedule(self) -> bool:
        row, service = self.selected(), self._service
        if row is None or service is None:
            return False
        return self._act(lambda: service.unschedule(row.id))

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_requested.emit(row)

    def _act(self, action: Callable[[], str]) -> bool:
        try:
            notice = action()
        except EmailStoreError as exc:
            self.message.setText(str(exc))
            self.reload()
            return False
        self.message.clear()
        self.reload()
        self.acted.emit(notice)
        return True
