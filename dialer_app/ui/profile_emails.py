"""The person profile's Emails tab (issue 9): the person's cadence emails in a table
(subject, state, sent time, late, step), the selected one's message read-only below, and
Unschedule for one still waiting to go.

Widgets only: the rows and their wording come from ``PersonProfileService.emails`` and
``domain.email_schedule``; Unschedule is ``EmailStepService.unschedule`` (handed in by the
main window, which also refreshes the due lists when it changes anything).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dialer_app.db.email_store import EmailStoreError
from dialer_app.ui.cadence_models import RowsModel

if TYPE_CHECKING:
    from dialer_app.services.person_profile import ProfileEmail

COLUMNS = ("Subject", "State", "Sent", "Late", "Step")
ERROR_STYLE = "color: #c0392b;"


class ProfileEmailsPage(QWidget):
    def __init__(
        self,
        load: Callable[[], Sequence[ProfileEmail]],
        rep_zone: Callable[[], str],
        unschedule: Callable[[int], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("profileEmails")
        self._load = load
        self._rep_zone = rep_zone
        self._unschedule = unschedule
        self.model: RowsModel[ProfileEmail] = RowsModel(COLUMNS, self._cells, self)
        self.table = QTableView()
        self.table.setObjectName("profileEmailsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.empty_label = QLabel("No emails to this person yet.")
        self.empty_label.setObjectName("profileEmailsEmpty")
        self.header_label = QLabel("")
        self.header_label.setObjectName("profileEmailHeader")
        self.header_label.setWordWrap(True)
        self.header_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body_view = QPlainTextEdit()
        self.body_view.setObjectName("profileEmailBody")
        self.body_view.setReadOnly(True)
        self.body_view.setPlaceholderText("Select an email to read it.")
        self.unschedule_button = QPushButton("Unschedule")
        self.unschedule_button.setObjectName("profileUnschedule")
        self.unschedule_button.setToolTip(
            "Keep this email as a draft instead of sending it: the person is due on the step again"
        )
        self.unschedule_button.setEnabled(False)
        self.unschedule_button.setVisible(unschedule is not None)
        self.message = QLabel("")
        self.message.setObjectName("profileEmailsMessage")
        self.message.setWordWrap(True)

        viewer = QWidget()
        viewer_layout = QVBoxLayout(viewer)
        viewer_layout.setContentsMargins(0, 0, 0, 0)
        viewer_layout.addWidget(self.header_label)
        viewer_layout.addWidget(self.body_view, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.unschedule_button)
        viewer_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(viewer)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty_label)
        layout.addWidget(splitter, 1)

        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(lambda _index: self.body_view.setFocus())
        self.unschedule_button.clicked.connect(self.unschedule_selected)

    def _cells(self, row: ProfileEmail) -> tuple[str, ...]:
        zone = self._rep_zone()
        return (
            row.subject or "(no subject)",
            row.status(zone),
            row.sent_text(zone),
            "late" if row.late else "",
            row.step or "—",
        )

    # -- reading ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the person's emails, keeping the selected one selected."""
        keep = self.selected()
        self.model.set_rows(self._load())
        self.empty_label.setVisible(self.model.rowCount() == 0)
        ids = [r.id for r in self.model.rows()]
        if keep is not None and keep.id in ids:
            self.table.selectRow(ids.index(keep.id))
        else:
            self._show(None)

    def selected(self) -> ProfileEmail | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.row_at(rows[0].row()) if rows else None

    def open_row(self, row: int) -> ProfileEmail | None:
        """Select the row and show its message (what a click does)."""
        self.table.selectRow(row)
        return self.selected()

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show(self.selected())

    def _show(self, email: ProfileEmail | None) -> None:
        if email is None:
            self.header_label.setText("")
            self.body_view.clear()
            self.unschedule_button.setEnabled(False)
            return
        zone = self._rep_zone()
        lines = [
            f"To: {email.to_address}",
            f"Subject: {email.subject}",
            f"State: {email.status(zone)}" + (" (late)" if email.late else ""),
        ]
        if email.step:
            lines.append(f"Step: {email.step}")
        self.header_label.setText("\n".join(lines))
        self.body_view.setPlainText(email.body)
        self.unschedule_button.setEnabled(self._unschedule is not None and email.can_unschedule)

    # -- Unschedule ---------------------------------------------------------------------------
    def unschedule_selected(self) -> bool:
        email = self.selected()
        if email is None or self._unschedule is None or not email.can_unschedule:
            return False
        try:
            notice = self._unschedule(email.id)
        except EmailStoreError as exc:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(str(exc))
            self.refresh()
            return False
        self.message.setStyleSheet("color: #555;")
        self.message.setText(notice)
        self.refresh()
        return True
