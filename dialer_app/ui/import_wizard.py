"""Import people from a CSV export: choose the file, check the columns, choose what to do
with duplicates, watch it import, then see (and save) the rows that could not be imported.

The rules live in domain.csv_import (reading, guessing the columns, checking rows) and
db.people_import (writing); the work runs on a :class:`PeopleImportJob` worker thread.
This module only shows them. The wizard takes a path so tests need no file dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from dialer_app.domain.csv_import import USEFUL_TARGETS, CsvTable, RowProblem, Target, guess_mapping
from dialer_app.import_command import delimiter_name, problems_file, write_problems
from dialer_app.services.people_import_job import PeopleImportJob, SessionsFactory
from dialer_app.ui.region_combo import region_combo

if TYPE_CHECKING:
    from dialer_app.db.people_import import ImportReport, OnDuplicate

PREVIEW_ROWS = 20
ERROR_STYLE = "color: #c62828;"
WARNING_STYLE = "color: #e65100;"
Index = QModelIndex | QPersistentModelIndex

TARGET_LABELS: dict[Target, str] = {
    Target.FIRST_NAME: "First name",
    Target.LAST_NAME: "Last name",
    Target.FULL_NAME: "Full name",
    Target.TITLE: "Title",
    Target.EMAIL: "Email",
    Target.ACCOUNT: "Account / company",
    Target.PHONE: "Phone (office)",
    Target.MOBILE: "Mobile phone",
    Target.HOME: "Home phone",
    Target.EXTENSION: "Office phone extension",
    Target.TIME_ZONE: "Time zone",
    Target.CITY: "City",
    Target.STATE: "State / region",
    Target.COUNTRY: "Country",
    Target.CRM_ID: "CRM id",
    Target.CUSTOM: "Custom field",
}
IGNORE_LABEL = "Don't import"
ENCODING_NAMES = {
    "utf-8-sig": "UTF-8 with BOM",
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
    "latin-1": "Latin-1",
}
DUPLICATE_CHOICES: tuple[tuple[OnDuplicate, str, str], ...] = (
    ("skip", "&Skip them", "keep the person already in the app as they are"),
    ("update", "&Update them", "fill in and replace their details from the file"),
    ("create", "&Create new people", "add them again, as separate people"),
)


def _label(name: str, style: str = "") -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    if style:
        label.setStyleSheet(style)
    return label


def _column_name(table: CsvTable, column: int) -> str:
    return table.headers[column] if table.headers[column] else f"(column {column + 1})"


def _one_line(cell: str) -> str:
    return " ⏎ ".join(cell.splitlines())


# ----------------------------------------------------------------------------- models


class PreviewModel(QAbstractTableModel):
    """The first rows of the file as they are, each column headed by where it goes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._table: CsvTable | None = None
        self._targets: list[str] = []

    def set_table(self, table: CsvTable) -> None:
        self.beginResetModel()
        self._table = table
        self._targets = [""] * len(table.headers)
        self.endResetModel()

    def set_target(self, column: int, label: str) -> None:
        self._targets[column] = label
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._table is None:
            return 0
        return min(len(self._table.rows), PREVIEW_ROWS)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._table is None else len(self._table.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._table is None or not index.isValid():
            return None
        row = self._table.rows[index.row()]
        cell = row[index.column()] if index.column() < len(row) else ""
        if role == Qt.ItemDataRole.DisplayRole:
            return _one_line(cell)
        if role == Qt.ItemDataRole.ToolTipRole and "\n" in cell:
            return cell
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or self._table is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(self._table.row_number(section))
        return f"{_column_name(self._table, section)}\n→ {self._targets[section]}"


class ProblemsModel(QAbstractTableModel):
    """The rows that were not imported: row number, reason, then the original cells."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers: tuple[str, ...] = ()
        self._problems: list[RowProblem] = []

    def set_problems(self, headers: tuple[str, ...], problems: list[RowProblem]) -> None:
        self.beginResetModel()
        self._headers = headers
        self._problems = list(problems)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._problems)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2 + len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        problem = self._problems[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return problem.message
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return str(problem.row_number)
        if column == 1:
            return problem.message
        values = problem.values
        return _one_line(values[column - 2]) if column - 2 < len(values) else ""

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section < 2:
            return ("Row", "Problem")[section]
        return self._headers[section - 2] or f"(column {section - 1})"


# ----------------------------------------------------------------------------- pages


class FilePage(QWizardPage):
    """Choose the file; it is read (on the job's thread) to show what was detected."""

    def __init__(self, job: PeopleImportJob) -> None:
        super().__init__()
        self.setTitle("Choose a file")
        self.setSubTitle(
            "A CSV export from a CRM or a spreadsheet: any encoding, separated by commas, "
            "semicolons or tabs."
        )
        self._job = job
        self.path: Path | None = None
        self.table: CsvTable | None = None
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPathEdit")
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("No file chosen")
        self.browse_button = QPushButton("&Choose file…")
        self.browse_button.setObjectName("importBrowseButton")
        self.browse_button.clicked.connect(self.browse)
        self.info_label = _label("importFileInfo")
        self.error_label = _label("importFileError", ERROR_STYLE)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.info_label)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        job.table_read.connect(self._on_read)
        job.read_failed.connect(self._on_read_failed)

    def browse(self) -> None:
        start = str(self.path.parent) if self.path else str(Path.home())
        name, _ = QFileDialog.getOpenFileName(
            self, "Import people", start, "CSV files (*.csv *.tsv *.txt);;All files (*)"
        )
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> None:
        if self._job.running:
            return
        self.path, self.table = path, None
        self.path_edit.setText(str(path))
        self.info_label.setText("Reading…")
        self.error_label.clear()
        self.completeChanged.emit()
        self._job.read(path)

    def _on_read(self, table: CsvTable) -> None:
        self.table = table
        rows = len(table.rows)
        self.info_label.setText(
            f"Encoding: {ENCODING_NAMES.get(table.encoding, table.encoding)} · "
            f"separated by {delimiter_name(table.delimiter)} · "
            f"{len(table.headers)} columns · {rows:,} {'row' if rows == 1 else 'rows'}"
        )
        if not rows:
            self.error_label.setText("The file has headers but no rows: nothing to import.")
        self.completeChanged.emit()

    def _on_read_failed(self, text: str) -> None:
        self.info_label.clear()
        self.error_label.setText(text)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.table is not None and bool(self.table.rows)


class MappingPage(QWizardPage):
    """The first rows and one choice a column; the guesses can be fixed before importing."""

    def __init__(self, file_page: FilePage) -> None:
        super().__init__()
        self.setTitle("Check the columns")
        self.setSubTitle(
            "Each column goes to a field of the person; columns with no field of their own "
            "are kept as custom fields. Fix any guess that is wrong."
        )
        self._file_page = file_page
        self._table: CsvTable | None = None
        self.combos: list[QComboBox] = []
        self.model = PreviewModel(self)
        self.preview = QTableView()
        self.preview.setObjectName("importPreview")
        self.preview.setModel(self.model)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.count_label = _label("importPreviewCount")
        self._form_widget = QWidget()
        self._form = QFormLayout(self._form_widget)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._form_widget)
        scroll.setMinimumWidth(280)
        self.warning_label = _label("importMappingWarning", WARNING_STYLE)
        columns = QHBoxLayout()
        columns.addWidget(scroll)
        right = QVBoxLayout()
        right.addWidget(self.count_label)
        right.addWidget(self.preview, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.warning_label)

    def initializePage(self) -> None:
        table = self._file_page.table
        if table is None or table is self._table:
            return  # back and forth keeps the rep's choices
        self._table = table
        self.model.set_table(table)
        while self._form.rowCount():
            self._form.removeRow(0)
        self.combos = []
        guessed = guess_mapping(table.headers)  # may leave columns out: "Don't import"
        for column in range(len(table.headers)):
            combo = self._combo(column, guessed.get(column))
            self.combos.append(combo)
            self._form.addRow(_column_name(table, column), combo)
        shown = self.model.rowCount()
        self.count_label.setText(
            f"The first {shown} of {len(table.rows):,} rows:"
            if shown < len(table.rows)
            else f"All {shown} rows:"
        )
        self._update_warning()

    def _combo(self, column: int, target: Target | None) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"importColumn{column}")
        combo.addItem(IGNORE_LABEL, None)
        for choice, label in TARGET_LABELS.items():
            combo.addItem(label, choice.value)
        combo.setCurrentIndex(0 if target is None else combo.findData(target.value))
        self.model.set_target(column, combo.currentText())
        combo.currentIndexChanged.connect(lambda _i: self._on_changed(column, combo))
        return combo

    def _on_changed(self, column: int, combo: QComboBox) -> None:
        self.model.set_target(column, combo.currentText())
        self._update_warning()

    def set_target(self, column: int, target: Target | None) -> None:
        """Choose where a column goes, as the rep does with its combo box."""
        combo = self.combos[column]
        combo.setCurrentIndex(0 if target is None else combo.findData(target.value))

    def mapping(self) -> dict[int, Target]:
        """Column index -> Target; columns set to "Don't import" are left out."""
        return {
            column: Target(combo.currentData())
            for column, combo in enumerate(self.combos)
            if combo.currentData() is not None
        }

    def _update_warning(self) -> None:
        if USEFUL_TARGETS & set(self.mapping().values()):
            self.warning_label.clear()
        else:
            self.warning_label.setText(
                "No column is a name, an email or a phone number: every row would fail. "
                "Choose one of those for at least one column."
            )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(USEFUL_TARGETS & set(self.mapping().values()))


class OptionsPage(QWizardPage):
    """The region for national numbers and what to do with people already in the app."""

    def __init__(self, default_region: str) -> None:
        super().__init__()
        self.setTitle("Options")
        self.setSubTitle("Numbers without a country code are read for the region chosen here.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Import")
        self.region_combo = region_combo(default_region, "importRegionCombo")
        self.duplicate_group = QButtonGroup(self)
        duplicates = QGroupBox(
            "People already in the app or earlier in the file (same email or phone number)"
        )
        box = QVBoxLayout(duplicates)
        self.duplicate_buttons: dict[OnDuplicate, QRadioButton] = {}
        for choice, text, detail in DUPLICATE_CHOICES:
            button = QRadioButton(f"{text}: {detail}")
            button.setObjectName(f"importDuplicates_{choice}")
            self.duplicate_group.addButton(button)
            self.duplicate_buttons[choice] = button
            box.addWidget(button)
        self.duplicate_buttons["skip"].setChecked(True)
        form = QFormLayout()
        form.addRow("Default region for national numbers", self.region_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(duplicates)
        layout.addWidget(
            QLabel("Rows with a problem are not imported: you will see them, with the reason.")
        )
        layout.addStretch(1)

    def region(self) -> str:
        return str(self.region_combo.currentData())

    def on_duplicate(self) -> OnDuplicate:
        for choice, button in self.duplicate_buttons.items():
            if button.isChecked():
                return choice
        return "skip"


class ImportPage(QWizardPage):
    """The progress bar; Cancel stops the import (the wizard stays open with the result)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.setTitle("Importing")
        self.setCommitPage(True)  # no way back from the result to a second import
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Next >")
        self._wizard = wizard
        self.report: ImportReport | None = None
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("importProgress")
        self.cancel_button = QPushButton("&Cancel import")
        self.cancel_button.setObjectName("importCancelButton")
        self.cancel_button.clicked.connect(self.cancel)
        self.retry_button = QPushButton("&Try again")
        self.retry_button.setObjectName("importRetryButton")
        self.retry_button.clicked.connect(self.start)
        self.retry_button.setVisible(False)
        self.status_label = _label("importStatus")
        self.error_label = _label("importError", ERROR_STYLE)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress_bar)
        layout.addLayout(buttons)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        job = wizard.job
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)

    def initializePage(self) -> None:
        self.start()

    def start(self) -> None:
        wizard = self._wizard
        table = wizard.file_page.table
        if table is None or wizard.job.running:
            return
        self.report = None
        self._show_progress(0, len(table.rows))
        self.cancel_button.setEnabled(True)
        self.retry_button.setVisible(False)
        self.error_label.clear()
        self.status_label.setText(
            "Cancelling keeps the people saved so far (they are saved in batches)."
        )
        wizard.job.start(
            table,
            wizard.mapping_page.mapping(),
            wizard.options_page.region(),
            wizard.options_page.on_duplicate(),
        )

    def cancel(self) -> None:
        self._wizard.job.cancel()
        self.cancel_button.setEnabled(False)
        self.status_label.setText("Cancelling…")

    def _show_progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        self.progress_bar.setFormat(f"{done:,} of {total:,}")

    def _on_progress(self, done: int, total: int) -> None:
        self._show_progress(done, total)

    def _on_finished(self, report: ImportReport) -> None:
        self.report = report
        self.cancel_button.setEnabled(False)
        self.completeChanged.emit()
        if self._wizard.currentPage() is self:
            self._wizard.next()

    def _on_failed(self, text: str) -> None:
        self.cancel_button.setEnabled(False)
        self.retry_button.setVisible(True)
        self.status_label.clear()
        self.error_label.setText(text)

    def isComplete(self) -> bool:
        return self.report is not None


class ResultPage(QWizardPage):
    """What happened, the rows that failed with the reason, and a way to save them; and,
    when the window offers cadences, a way to add the people it saved to one."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.setTitle("Import finished")
        self.setFinalPage(True)
        self._wizard = wizard
        self.created_label = _label("importCreated")
        self.updated_label = _label("importUpdated")
        self.skipped_label = _label("importSkipped")
        self.problems_label = _label("importProblems")
        self.cancelled_label = _label("importCancelled", WARNING_STYLE)
        self.problems_model = ProblemsModel(self)
        self.problems_view = QTableView()
        self.problems_view.setObjectName("importProblemsTable")
        self.problems_view.setModel(self.problems_model)
        self.problems_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems_view.verticalHeader().setVisible(False)
        self.save_button = QPushButton("&Save problems as CSV…")
        self.save_button.setObjectName("importSaveProblems")
        self.save_button.clicked.connect(self.choose_problems_file)
        self.saved_label = _label("importSaved")
        self.cadence_button = QPushButton("&Add these people to a cadence…")
        self.cadence_button.setObjectName("importAddToCadence")
        self.cadence_button.setVisible(False)
        self.cadence_button.clicked.connect(self.add_to_cadence)
        counts = QFormLayout()
        counts.addRow("New people", self.created_label)
        counts.addRow("Updated", self.updated_label)
        counts.addRow("Skipped (already in the app)", self.skipped_label)
        counts.addRow("Rows with problems", self.problems_label)
        save_row = QHBoxLayout()
        save_row.addWidget(self.saved_label, 1)
        save_row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.cancelled_label)
        layout.addLayout(counts)
        cadence_row = QHBoxLayout()
        cadence_row.addWidget(self.cadence_button)
        cadence_row.addStretch(1)
        layout.addLayout(cadence_row)
        layout.addWidget(self.problems_view, 1)
        layout.addLayout(save_row)

    def initializePage(self) -> None:
        report = self._wizard.report
        table = self._wizard.file_page.table
        if report is None or table is None:
            return
        self.created_label.setText(f"{report.created:,}")
        self.updated_label.setText(f"{report.updated:,}")
        self.skipped_label.setText(f"{report.skipped:,}")
        self.problems_label.setText(f"{len(report.problems):,}")
        saved = report.created + report.updated
        self.cancelled_label.setVisible(report.cancelled)
        self.cancelled_label.setText(
            f"You cancelled the import. The {saved:,} people saved before that are kept; "
            "import the file again to add the rest (people already imported are skipped)."
            if report.cancelled
            else ""
        )
        people = len(report.person_ids)
        self.cadence_button.setText(
            f"&Add {'this person' if people == 1 else f'these {people:,} people'} to a cadence…"
        )
        self.cadence_button.setVisible(self._wizard.offer_cadences and people > 0)
        self.problems_model.set_problems(table.headers, report.problems)
        self.problems_view.resizeColumnsToContents()
        has_problems = bool(report.problems)
        self.problems_view.setVisible(has_problems)
        self.save_button.setVisible(has_problems)
        self.saved_label.setText(
            "Save these rows as a CSV, fix them there and import that file." if has_problems else ""
        )

    def add_to_cadence(self) -> None:
        """The people the import created or updated, to the window's Add to cadence."""
        report = self._wizard.report
        if report is not None and report.person_ids:
            self._wizard.add_to_cadence_requested.emit(list(report.person_ids))

    def choose_problems_file(self) -> None:
        path = self._wizard.file_page.path
        default = str(problems_file(path)) if path else ""
        name, _ = QFileDialog.getSaveFileName(
            self, "Save problems as CSV", default, "CSV files (*.csv)"
        )
        if name:
            self.save_problems(Path(name))

    def save_problems(self, path: Path) -> bool:
        """Write the failed rows (original columns plus "problem"); False after saying why."""
        report, table = self._wizard.report, self._wizard.file_page.table
        if report is None or table is None:
            return False
        try:
            write_problems(path, table, report.problems)
        except OSError as exc:
            self.saved_label.setStyleSheet(ERROR_STYLE)
            self.saved_label.setText(f"Could not save {path.name}: {exc.strerror or exc}.")
            return False
        self.saved_label.setStyleSheet("")
        rows = len(report.problems)
        self.saved_label.setText(
            f"Saved {rows} {'row' if rows == 1 else 'rows'} to {path}: "
            "fix them and import that file again."
        )
        return True


# ----------------------------------------------------------------------------- wizard


class ImportWizard(QWizard):
    """The whole flow; ``imported`` carries the report when an import ends. With
    ``offer_cadences`` the result page offers to add the imported people to a cadence
    (``add_to_cadence_requested`` carries their ids; the window shows the choice)."""

    imported = Signal(object)  # ImportReport (also a cancelled one: its batches are saved)
    add_to_cadence_requested = Signal(list)  # list[int]: created and updated people

    def __init__(
        self,
        sessions: SessionsFactory,
        default_region: str,
        parent: QWidget | None = None,
        *,
        path: Path | None = None,
        batch_size: int | None = None,
        offer_cadences: bool = False,
    ) -> None:
        super().__init__(parent)
        self.offer_cadences = offer_cadences
        self.setObjectName("importWizard")
        self.setWindowTitle("Import people")
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Done")
        self.resize(860, 560)
        self.job = PeopleImportJob(sessions, self, batch_size=batch_size)
        self.file_page = FilePage(self.job)
        self.mapping_page = MappingPage(self.file_page)
        self.options_page = OptionsPage(default_region)
        self.import_page = ImportPage(self)
        self.result_page = ResultPage(self)
        for page in (
            self.file_page,
            self.mapping_page,
            self.options_page,
            self.import_page,
            self.result_page,
        ):
            self.addPage(page)
        self.job.finished.connect(self.imported)
        if path is not None:
            self.file_page.load(path)

    @property
    def report(self) -> ImportReport | None:
        return self.import_page.report

    def reject(self) -> None:
        """Closing while it imports cancels the import first (its saved batches stay)."""
        if self.job.running:
            self.job.cancel()
            self.job.wait()
        super().reject()
