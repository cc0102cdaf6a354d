"""The CSV import wizard, driven like a rep would, importing into the real demo database."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from dialer_app.app import AppContext
from dialer_app.db.models import Person
from dialer_app.db.people_import import ImportReport, OnDuplicate
from dialer_app.domain.csv_import import UNCLOSED_QUOTE, Target
from dialer_app.ui.import_wizard import IGNORE_LABEL, ImportWizard
from dialer_app.ui.main_window import MainWindow
from tests.unit.test_nasty_csv import NASTY_CSV

MakeWizard = Callable[..., ImportWizard]
IMPORT_TIMEOUT_MS = 60_000


@pytest.fixture
def make_wizard(qtbot: QtBot, context: AppContext) -> Iterator[MakeWizard]:
    """Open the wizard on a file, as the main window does; its worker ends before the DB."""
    wizards: list[ImportWizard] = []

    def make(path: Path, **options: object) -> ImportWizard:
        wizard = ImportWizard(
            lambda: context.database.sessions,
            context.settings.default_region,
            path=path,
            **options,  # type: ignore[arg-type]
        )
        qtbot.addWidget(wizard)
        wizards.append(wizard)
        wizard.show()
        qtbot.waitUntil(lambda: not wizard.job.running)
        return wizard

    yield make
    for wizard in wizards:
        wizard.job.cancel()
        wizard.job.wait()


def click(qtbot: QtBot, wizard: ImportWizard, which: QWizard.WizardButton) -> None:
    button = wizard.button(which)
    assert button.isVisible() and button.isEnabled(), which
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def to_options(qtbot: QtBot, wizard: ImportWizard) -> None:
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.mapping_page
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.options_page


def run_import(qtbot: QtBot, wizard: ImportWizard) -> ImportReport:
    """Press Import on the options page and wait for the result page."""
    with qtbot.waitSignal(wizard.imported, timeout=IMPORT_TIMEOUT_MS) as imported:
        click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.result_page)
    report: ImportReport = imported.args[0]
    return report


def import_file(
    qtbot: QtBot, make_wizard: MakeWizard, path: Path, on_duplicate: OnDuplicate = "skip"
) -> tuple[ImportWizard, ImportReport]:
    wizard = make_wizard(path)
    to_options(qtbot, wizard)
    choice = wizard.options_page.duplicate_buttons[on_duplicate]
    qtbot.mouseClick(choice, Qt.MouseButton.LeftButton, pos=QPoint(8, choice.height() // 2))
    assert choice.isChecked()
    return wizard, run_import(qtbot, wizard)


def person_by_email(context: AppContext, email: str) -> Person:
    with context.database.sessions() as session:
        return session.scalars(select(Person).where(Person.email == email)).one()


def bulk_csv(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "bulk.csv"
    lines = ["Name,Email"] + [f"Person {i},p{i:05d}@bulk.example" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def bulk_people(context: AppContext) -> int:
    with context.database.sessions() as session:
        count = session.scalar(
            select(func.count(Person.id)).where(Person.email.like("%@bulk.example"))
        )
    return count or 0


# ----------------------------------------------------------------------------- the file


def test_the_file_page_shows_the_detected_encoding_and_separator(
    qtbot: QtBot, make_wizard: MakeWizard
) -> None:
    wizard = make_wizard(NASTY_CSV / "windows_1252.csv")
    assert wizard.file_page.info_label.text() == (
        "Encoding: Windows-1252 · separated by commas · 5 columns · 2 rows"
    )
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.file_page.load(NASTY_CSV / "utf8_bom.csv")
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # reading
    qtbot.waitUntil(wizard.file_page.isComplete)
    assert wizard.file_page.info_label.text().startswith("Encoding: UTF-8 with BOM")
    wizard.file_page.load(NASTY_CSV / "semicolon.csv")
    qtbot.waitUntil(wizard.file_page.isComplete)
    assert "separated by semicolons" in wizard.file_page.info_label.text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Cannot read missing.csv: No such file or directory."),
        (b"\x00\x01PK\x03\x04", "Cannot read missing.csv: This is not a CSV file"),
        (b"", "Cannot read missing.csv: The file is empty."),
        (b"Name,Email\n", "The file has headers but no rows: nothing to import."),
    ],
)
def test_an_unreadable_file_is_a_message_not_a_crash(
    make_wizard: MakeWizard, tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "missing.csv"
    if content is not None:
        path.write_bytes(content)
    wizard = make_wizard(path)
    assert wizard.file_page.error_label.text().startswith(message)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


# ----------------------------------------------------------------------------- the columns


def test_the_guessed_mapping_is_shown_and_can_be_fixed(
    qtbot: QtBot, make_wizard: MakeWizard, context: AppContext
) -> None:
    wizard = make_wizard(NASTY_CSV / "extra_columns.csv")
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    page = wizard.mapping_page
    assert [combo.currentText() for combo in page.combos] == [
        "First name",
        "Last name",
        "Email",
        "Phone (office)",
        "Custom field",
        "Custom field",
        "Custom field",
        "Custom field",
    ]
    assert page.model.rowCount() == 2
    assert page.model.headerData(4, Qt.Orientation.Horizontal) == "Lead Source\n→ Custom field"
    assert page.model.headerData(7, Qt.Orientation.Horizontal) == "(column 8)\n→ Custom field"
    assert page.count_label.text() == "All 2 rows:"
    every_choice = [page.combos[0].itemText(i) for i in range(page.combos[0].count())]
    assert every_choice[0] == IGNORE_LABEL
    assert len(every_choice) == 1 + len(Target)

    # The rep fixes three guesses: Lead Source is the title, Last Name is kept as a
    # custom field, and Favourite Colour is not imported at all.
    page.combos[4].setCurrentIndex(page.combos[4].findText("Title"))
    page.combos[1].setCurrentIndex(page.combos[1].findText("Custom field"))
    page.combos[5].setCurrentIndex(page.combos[5].findText(IGNORE_LABEL))
    assert page.model.headerData(5, Qt.Orientation.Horizontal) == (
        f"Favourite Colour\n→ {IGNORE_LABEL}"
    )
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    report = run_import(qtbot, wizard)

    assert (report.created, report.problems) == (2, [])
    ada = person_by_email(context, "ada@example.com")
    assert (ada.first_name, ada.last_name, ada.title) == ("Ada", "", "Trade show")
    assert json.loads(ada.custom_fields) == {
        "Last Name": "Lovelace",
        "Work Email": "ada@work.example",
        "column 8": "orphan",
    }


def test_a_warning_when_no_column_is_a_name_email_or_phone(
    qtbot: QtBot, make_wizard: MakeWizard
) -> None:
    wizard = make_wizard(NASTY_CSV / "semicolon.csv")
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    page = wizard.mapping_page
    assert page.warning_label.text() == ""
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    page.set_target(0, None)  # Name
    assert next_button.isEnabled()  # the Phone column still identifies people
    page.set_target(2, Target.CUSTOM)  # Phone
    assert "No column is a name, an email or a phone number" in page.warning_label.text()
    assert not next_button.isEnabled()
    page.set_target(2, Target.MOBILE)
    assert page.warning_label.text() == ""
    assert next_button.isEnabled()


# ----------------------------------------------------------------------------- importing


def test_the_progress_bar_reaches_the_total(
    qtbot: QtBot, make_wizard: MakeWizard, context: AppContext, tmp_path: Path
) -> None:
    wizard = make_wizard(bulk_csv(tmp_path, 1234), batch_size=100)
    seen: list[tuple[int, int]] = []
    wizard.job.progress.connect(lambda done, total: seen.append((done, total)))
    to_options(qtbot, wizard)
    report = run_import(qtbot, wizard)
    bar = wizard.import_page.progress_bar
    assert (bar.value(), bar.maximum()) == (1234, 1234)
    assert bar.text() == "1,234 of 1,234"
    assert seen[0] == (1, 1234)
    assert seen[-1] == (1234, 1234)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert (report.created, report.cancelled) == (1234, False)
    assert wizard.result_page.created_label.text() == "1,234"
    assert bulk_people(context) == 1234
    assert not wizard.result_page.cancelled_label.isVisible()
    back = wizard.button(QWizard.WizardButton.BackButton)
    assert not (back.isVisible() and back.isEnabled())  # importing again takes a new wizard


def test_cancel_stops_a_long_import_and_keeps_the_saved_batches(
    qtbot: QtBot, make_wizard: MakeWizard, context: AppContext, tmp_path: Path
) -> None:
    rows, batch = 5000, 20
    wizard = make_wizard(bulk_csv(tmp_path, rows), batch_size=batch)
    to_options(qtbot, wizard)
    page = wizard.import_page
    with qtbot.waitSignal(wizard.imported, timeout=IMPORT_TIMEOUT_MS) as imported:
        click(qtbot, wizard, QWizard.WizardButton.CommitButton)
        assert wizard.currentPage() is page
        qtbot.waitUntil(lambda: page.progress_bar.value() > 0)
        qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)  # not the dialog's
        assert page.status_label.text() == "Cancelling…"
    report: ImportReport = imported.args[0]

    assert report.cancelled
    assert 0 <= report.created < rows
    assert report.created % batch == 0  # whole batches only: the one in progress rolled back
    assert bulk_people(context) == report.created
    assert wizard.isVisible()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.result_page)
    result = wizard.result_page
    assert result.cancelled_label.isVisible()
    assert result.cancelled_label.text().startswith(
        f"You cancelled the import. The {report.created:,} people saved before that are kept"
    )

    # Importing the same file again adds the rest and skips those already saved.
    _, again = import_file(qtbot, make_wizard, tmp_path / "bulk.csv")
    assert (again.created, again.skipped, again.cancelled) == (
        rows - report.created,
        report.created,
        False,
    )
    assert bulk_people(context) == rows


def test_closing_the_wizard_while_importing_cancels_the_import(
    qtbot: QtBot, make_wizard: MakeWizard, context: AppContext, tmp_path: Path
) -> None:
    wizard = make_wizard(bulk_csv(tmp_path, 5000), batch_size=20)
    to_options(qtbot, wizard)
    with qtbot.waitSignal(wizard.imported, timeout=IMPORT_TIMEOUT_MS) as imported:
        click(qtbot, wizard, QWizard.WizardButton.CommitButton)
        qtbot.waitUntil(lambda: wizard.import_page.progress_bar.value() > 0)
        wizard.reject()  # the window's close button or Esc
        assert wizard.job.wait(timeout=0)  # the worker has ended: the wizard waited for it
        assert not wizard.isVisible()
    assert imported.args[0].cancelled
    assert bulk_people(context) == imported.args[0].created


@pytest.mark.parametrize(
    ("mode", "counts", "ava_title"),
    [("skip", (2, 0, 3), "VP Sales"), ("update", (2, 2, 1), "Head of Operations")],
)
def test_duplicates_skip_or_update(
    qtbot: QtBot,
    make_wizard: MakeWizard,
    context: AppContext,
    mode: OnDuplicate,
    counts: tuple[int, int, int],
    ava_title: str,
) -> None:
    wizard = make_wizard(NASTY_CSV / "duplicates.csv")
    to_options(qtbot, wizard)
    assert wizard.options_page.duplicate_buttons["skip"].isChecked()  # the default
    _, report = import_file(qtbot, make_wizard, NASTY_CSV / "duplicates.csv", mode)
    assert (report.created, report.updated, report.skipped) == counts
    ava = person_by_email(context, "ava.thompson@acme-logistics.example")
    assert ava.title == ava_title


def test_the_region_choice_reads_national_numbers(
    qtbot: QtBot, make_wizard: MakeWizard, context: AppContext
) -> None:
    wizard = make_wizard(NASTY_CSV / "numbers_gb.csv")
    to_options(qtbot, wizard)
    combo = wizard.options_page.region_combo
    assert combo.currentData() == context.settings.default_region == "US"
    combo.setCurrentIndex(combo.findData("GB"))
    report = run_import(qtbot, wizard)
    # Two numbers are demo people's (Mia's mobile, Ava's office): duplicates, skipped.
    assert (report.created, report.skipped, report.problems) == (4, 2, [])
    with context.database.sessions() as session:
        person = session.scalars(select(Person).where(Person.last_name == "national")).one()
        assert [(n.e164, n.original) for n in person.phone_numbers] == [
            ("+442079460018", "020 7946 0018")
        ]


# ----------------------------------------------------------------------------- problems


def test_problem_rows_are_listed_saved_and_import_cleanly_once_fixed(
    qtbot: QtBot,
    make_wizard: MakeWizard,
    context: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "leads.csv"
    source.write_bytes((NASTY_CSV / "bad_rows.csv").read_bytes())
    wizard, report = import_file(qtbot, make_wizard, source)
    assert (report.created, len(report.problems)) == (2, 6)
    result = wizard.result_page
    assert result.problems_label.text() == "6"
    model = result.problems_model
    assert model.rowCount() == 6
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Row",
        "Problem",
        "First Name",
    ]
    rows = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(6)]
    assert [row[0] for row in rows] == ["3", "4", "5", "6", "7", "8"]
    assert rows[0][1] == "has no name and no email: add at least one of them."
    assert rows[0][2:] == ["", "", "", "Nameless Corp", "(404) 555-0151"]
    assert rows[4][1] == UNCLOSED_QUOTE
    assert rows[5][2:] == ["Eve", "Polastri", "eve@@example", "MI6", ""]

    saved = tmp_path / "chosen-name.csv"
    asked: list[str] = []

    def save_dialog(*args: object) -> tuple[str, str]:
        asked.append(str(args[2]))
        return str(saved), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    qtbot.mouseClick(result.save_button, Qt.MouseButton.LeftButton)
    assert asked == [str(tmp_path / "leads-problems.csv")]  # import_command.problems_file
    assert result.saved_label.text().startswith(f"Saved 6 rows to {saved}")

    # The rep fixes each row in a spreadsheet and imports the problems file.
    with saved.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["First Name", "Last Name", "Email", "Company", "Phone", "problem"]
    fixes = {
        "Nameless Corp": ["Nia", "Nameless", "", "Nameless Corp", "(404) 555-0151"],
        "Navy": ["Grace", "Hopper", "grace@navy.example", "Navy", ""],
        "Bletchley Park": ["Alan", "Turing", "", "Bletchley Park", "(404) 555-0154"],
        "Bob": ["Bob", "Builder", "", "", "(404) 555-0155"],
        "Carl": ["Carl", "Sagan", "carl@example.com", "Cosmos", "(404) 555-0152"],
        "Eve": ["Eve", "Polastri", "eve@example.com", "MI6", ""],
    }
    fixed_rows = []
    for row in table[1:]:
        key = row[3] if row[3] in fixes else row[0]
        fixed_rows.append([*fixes[key], row[-1]])
    with saved.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([table[0], *fixed_rows])

    again_wizard, again = import_file(qtbot, make_wizard, saved)
    assert again_wizard.mapping_page.combos[5].currentText() == IGNORE_LABEL  # "problem"
    assert (again.created, again.problems) == (6, [])
    assert not again_wizard.result_page.problems_view.isVisible()
    carl = person_by_email(context, "carl@example.com")
    assert (carl.first_name, carl.last_name) == ("Carl", "Sagan")
    assert json.loads(carl.custom_fields) == {}  # not the "problem" column


@pytest.mark.slow
def test_a_locked_database_is_a_message_and_try_again_works(
    qtbot: QtBot, make_wizard: MakeWizard, context: AppContext
) -> None:
    wizard = make_wizard(NASTY_CSV / "utf8_bom.csv")
    to_options(qtbot, wizard)
    page = wizard.import_page
    locker = sqlite3.connect(context.database.path, isolation_level=None)
    try:
        locker.execute("BEGIN EXCLUSIVE")
        with qtbot.waitSignal(wizard.job.failed, timeout=IMPORT_TIMEOUT_MS):
            click(qtbot, wizard, QWizard.WizardButton.CommitButton)
        locker.execute("ROLLBACK")
    finally:
        locker.close()
    assert page.error_label.text().startswith("The database is busy")
    assert "importing the file again skips them" in page.error_label.text()
    assert wizard.currentPage() is page
    assert page.retry_button.isVisible()

    with qtbot.waitSignal(wizard.imported, timeout=IMPORT_TIMEOUT_MS) as imported:
        qtbot.mouseClick(page.retry_button, Qt.MouseButton.LeftButton)
    assert imported.args[0].created == 2
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.result_page)


# ----------------------------------------------------------------------------- main window


def test_ctrl_i_opens_the_wizard_and_an_import_refreshes_the_people_list(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.people_model.rowCount() == 25
    assert window.actions_by_name["import_people"].text() == "&Import people…"
    pad = window.dial_pad
    qtbot.keyClicks(pad.number_edit, "+49 30 12345678")  # Zoë's, before the import
    assert pad.person_label.text() == "Unknown number"
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    wizard = window.import_wizard
    assert isinstance(wizard, ImportWizard)
    assert wizard.isVisible()
    assert wizard.currentPage() is wizard.file_page
    assert ("Import people", "Ctrl+I") in window.shortcut_table()

    wizard.file_page.load(NASTY_CSV / "utf8_bom.csv")
    qtbot.waitUntil(wizard.file_page.isComplete)
    to_options(qtbot, wizard)
    run_import(qtbot, wizard)
    assert window.people_model.rowCount() == 27
    assert pad.person_label.text() == "Zoë Müller · Café Zürich GmbH"  # the pad knows her now
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert window.import_wizard is None
