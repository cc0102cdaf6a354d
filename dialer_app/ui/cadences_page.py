"""The Cadences tab: the list of cadences, the overview of one (a panel per step, seed 003)
with its step editor, and the people on it. Widgets only: every rule is the service's.

The service imports SQLAlchemy, so it is built by ``service_factory`` the first time the
tab is shown, never at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dialer_app.domain.cadences import CadenceRuleError, MembershipAction
from dialer_app.ui.cadence_dialogs import StepDialog, StepFields
from dialer_app.ui.cadence_models import RowsModel, step_type_text

if TYPE_CHECKING:
    from dialer_app.services.cadences import (
        CadenceRow,
        CadenceService,
        MemberRow,
        StepPanel,
    )


def _cadence_cells(row: CadenceRow) -> tuple[str, ...]:
    name = f"{row.name} (archived)" if row.archived else row.name
    return (name, str(row.steps), str(row.people_active))


def _member_cells(row: MemberRow) -> tuple[str, ...]:
    step = f"{row.step_number}. {row.step_name}" if row.step_number else row.step_name
    due = row.due_date.isoformat() if row.due_date else ""
    return (row.name, row.account_name, row.state, step or "—", due)


class StepPanelWidget(QGroupBox):
    """One step of the overview: name, type, day, instructions, Calls Made (phone steps)
    and the people on it, with the editing buttons."""

    def __init__(self, panel: StepPanel, parent: QWidget | None = None) -> None:
        step = panel.step
        number = f"Step {step.number}" if step.number else "Disabled"
        super().__init__(f"{step.name}", parent)
        self.setObjectName("stepPanel")
        self.step = step
        self.header = QLabel(f"{step_type_text(step.step_type)} · Day {step.day} · {number}")
        self.instructions = QLabel(step.instructions or "No instructions.")
        self.instructions.setWordWrap(True)
        self.instructions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        stats = [f"People on step: {panel.people_on_step}", f"Due: {panel.people_due}"]
        if panel.calls_made is not None:
            stats.insert(0, f"Calls Made: {panel.calls_made}")
        self.stats = QLabel(" · ".join(stats))
        self.stats.setObjectName("stepStats")
        self.edit_button = QPushButton("Edit…")
        self.up_button = QPushButton("▲ Up")
        self.down_button = QPushButton("▼ Down")
        self.enable_button = QPushButton("Disable" if step.enabled else "Enable")
        self.delete_button = QPushButton("Delete")
        buttons = QHBoxLayout()
        for button in (
            self.edit_button,
            self.up_button,
            self.down_button,
            self.enable_button,
            self.delete_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.instructions)
        layout.addWidget(self.stats)
        layout.addLayout(buttons)


class CadencesPage(QWidget):
    def __init__(
        self, service_factory: Callable[[], CadenceService], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cadencesPage")
        self._factory = service_factory
        self._service: CadenceService | None = None
        self.step_dialog: StepDialog | None = None
        self.step_panels: list[StepPanelWidget] = []

        self.show_archived = QCheckBox("Show archived")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Cadence name")
        self.new_button = QPushButton("New")
        self.rename_button = QPushButton("Rename")
        self.archive_button = QPushButton("Archive")
        self.cadence_model: RowsModel[CadenceRow] = RowsModel(
            ("Cadence", "Steps", "Active people"), _cadence_cells, self
        )
        self.cadence_table = self._table(self.cadence_model)
        self.message = QLabel("")
        self.message.setObjectName("cadenceMessage")
        self.message.setWordWrap(True)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.show_archived)
        left_layout.addWidget(self.cadence_table, 1)
        left_layout.addWidget(self.name_edit)
        row = QHBoxLayout()
        for button in (self.new_button, self.rename_button, self.archive_button):
            row.addWidget(button)
        left_layout.addLayout(row)

        self.add_step_button = QPushButton("Add step…")
        self.steps_box = QWidget()
        self.steps_layout = QVBoxLayout(self.steps_box)
        self.steps_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.steps_box)
        self.member_model: RowsModel[MemberRow] = RowsModel(
            ("Person", "Account", "State", "Current step", "Due"), _member_cells, self
        )
        self.member_table = self._table(self.member_model)
        self.remove_button = QPushButton("Remove")
        self.pause_button = QPushButton("Pause")
        self.resume_button = QPushButton("Resume")
        self.finish_button = QPushButton("Finish")
        people = QGroupBox("People on this cadence")
        people_layout = QVBoxLayout(people)
        people_layout.addWidget(self.member_table)
        member_buttons = QHBoxLayout()
        for button in (self.remove_button, self.pause_button, self.resume_button):
            member_buttons.addWidget(button)
        member_buttons.addWidget(self.finish_button)
        member_buttons.addStretch(1)
        people_layout.addLayout(member_buttons)

        right = QSplitter(Qt.Orientation.Vertical)
        overview = QWidget()
        overview_layout = QVBoxLayout(overview)
        overview_layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel("")
        self.title.setObjectName("cadenceTitle")
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.add_step_button)
        overview_layout.addLayout(top)
        overview_layout.addWidget(scroll, 1)
        right.addWidget(overview)
        right.addWidget(people)
        right.setStretchFactor(0, 3)  # the step panels first: they are the overview
        right.setStretchFactor(1, 2)
        right.setSizes([390, 260])

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 660])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)

        self.show_archived.toggled.connect(lambda _on: self.reload())
        self.new_button.clicked.connect(self.new_cadence)
        self.rename_button.clicked.connect(self.rename_cadence)
        self.archive_button.clicked.connect(self.toggle_archived)
        self.add_step_button.clicked.connect(self.add_step)
        self.cadence_table.selectionModel().currentRowChanged.connect(
            lambda _now, _before: self._show_selected()
        )
        self.remove_button.clicked.connect(lambda: self._member(MembershipAction.REMOVE))
        self.pause_button.clicked.connect(lambda: self._member(MembershipAction.PAUSE))
        self.resume_button.clicked.connect(lambda: self._member(MembershipAction.RESUME))
        self.finish_button.clicked.connect(lambda: self._member(MembershipAction.FINISH))
        self._show_selected()

    @staticmethod
    def _table(model: QAbstractTableModel) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.setWordWrap(False)  # one line a row; long names are elided, full in the tooltip
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return table

    # -- loading -------------------------------------------------------------------------
    @property
    def service(self) -> CadenceService:
        if self._service is None:
            self._service = self._factory()
            self._service.changed.connect(self.reload)
        return self._service

    @property
    def loaded(self) -> bool:
        return self._service is not None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._service is None:
            self.reload()

    def reload(self) -> None:
        """Re-read everything, keeping the selected cadence."""
        keep = self.selected_cadence()
        rows = self.service.list_cadences(include_archived=self.show_archived.isChecked())
        self.cadence_model.set_rows(rows)
        ids = [r.id for r in rows]
        if keep is not None and keep.id in ids:
            self.select_cadence(keep.id)
        elif rows:
            self.select_cadence(rows[0].id)
        else:
            self._show_selected()

    def select_cadence(self, cadence_id: int) -> None:
        for row, cadence in enumerate(self.cadence_model.rows()):
            if cadence.id == cadence_id:
                self.cadence_table.selectionModel().setCurrentIndex(
                    self.cadence_model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        self._show_selected()

    def selected_cadence(self) -> CadenceRow | None:
        return self.cadence_model.row_at(self.cadence_table.currentIndex().row())

    def selected_member(self) -> MemberRow | None:
        return self.member_model.row_at(self.member_table.currentIndex().row())

    def _show_selected(self) -> None:
        cadence = self.selected_cadence()
        for button in (self.rename_button, self.archive_button, self.add_step_button):
            button.setEnabled(cadence is not None)
        for old in self.step_panels:
            old.setParent(None)
            old.deleteLater()
        self.step_panels = []
        if cadence is None or self._service is None:
            self.title.setText("No cadence selected.")
            self.member_model.set_rows([])
            return
        self.archive_button.setText("Unarchive" if cadence.archived else "Archive")
        self.name_edit.setText(cadence.name)
        overview = self.service.overview(cadence.id)
        self.title.setText(
            f"<b>{overview.cadence.name}</b> · {overview.cadence.steps} steps · "
            f"{overview.cadence.people_active} active people"
        )
        for panel in overview.panels:
            widget = StepPanelWidget(panel)
            self._wire(widget)
            self.steps_layout.insertWidget(self.steps_layout.count() - 1, widget)
            self.step_panels.append(widget)
        self.member_model.set_rows(self.service.members(cadence.id))

    def _wire(self, widget: StepPanelWidget) -> None:
        step = widget.step
        widget.edit_button.clicked.connect(lambda: self.edit_step(step.id))
        widget.up_button.clicked.connect(
            lambda: self._try(lambda: self.service.move_step(step.id, -1))
        )
        widget.down_button.clicked.connect(
            lambda: self._try(lambda: self.service.move_step(step.id, 1))
        )
        widget.enable_button.clicked.connect(
            lambda: self._try(lambda: self.service.set_step_enabled(step.id, not step.enabled))
        )
        widget.delete_button.clicked.connect(lambda: self.delete_step(step.id))

    # -- actions -------------------------------------------------------------------------
    def _try(self, change: Callable[[], object]) -> bool:
        """Run a change; a refusal is shown under the page, in the service's words."""
        try:
            change()
        except CadenceRuleError as exc:
            self.message.setText(str(exc))
            return False
        self.message.setText("")
        return True

    def new_cadence(self) -> None:
        made: list[int] = []
        if self._try(lambda: made.append(self.service.create_cadence(self.name_edit.text()).id)):
            self.select_cadence(made[0])

    def rename_cadence(self) -> None:
        cadence = self.selected_cadence()
        if cadence is not None:
            self._try(lambda: self.service.rename_cadence(cadence.id, self.name_edit.text()))

    def toggle_archived(self) -> None:
        cadence = self.selected_cadence()
        if cadence is not None:
            self._try(lambda: self.service.set_archived(cadence.id, not cadence.archived))

    def add_step(self) -> StepDialog | None:
        cadence = self.selected_cadence()
        if cadence is None:
            return None

        def submit(fields: StepFields) -> object:
            return self.service.add_step(
                cadence.id,
                fields.step_type,
                fields.day,
                fields.name,
                fields.instructions,
                email_subject=fields.email_subject,
                email_body=fields.email_body,
            )

        return self._open_step_dialog(StepDialog(submit, self))

    def edit_step(self, step_id: int) -> StepDialog | None:
        panel = next((p for p in self.step_panels if p.step.id == step_id), None)
        if panel is None:
            return None
        step = panel.step
        initial = StepFields(
            step.step_type,
            step.day,
            step.name,
            step.instructions,
            step.email_subject,
            step.email_body,
        )

        def submit(fields: StepFields) -> object:
            return self.service.edit_step(
                step_id,
                step_type=fields.step_type,
                day=fields.day,
                name=fields.name,
                instructions=fields.instructions,
                email_subject=fields.email_subject,
                email_body=fields.email_body,
            )

        return self._open_step_dialog(StepDialog(submit, self, initial))

    def _open_step_dialog(self, dialog: StepDialog) -> StepDialog:
        if self.step_dialog is not None:
            self.step_dialog.deleteLater()
        self.step_dialog = dialog
        dialog.open()
        return dialog

    def move_step(self, step_id: int, offset: int) -> None:
        self._try(lambda: self.service.move_step(step_id, offset))

    def delete_step(self, step_id: int) -> None:
        result = []
        if self._try(lambda: result.append(self.service.delete_step(step_id))) and result:
            self.message.setText(result[0].reason)

    def _member(self, action: MembershipAction) -> None:
        member = self.selected_member()
        if member is None:
            self.message.setText("Select a person on the cadence first.")
            return
        self._try(lambda: self.service.apply(member.membership_id, action))
