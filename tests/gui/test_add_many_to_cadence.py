"""Adding many people to a cadence at once (issue 6): a multi-selection of the people list,
every search result, or the people an import saved; on real widgets and the demo database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QMessageBox, QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from dialer_app.app import AppContext
from dialer_app.db.models import Person
from dialer_app.ui import main_window as main_window_module
from dialer_app.ui import paged_model
from dialer_app.ui.cadence_dialogs import AddToCadenceDialog
from dialer_app.ui.import_wizard import ImportWizard
from dialer_app.ui.main_window import MainWindow
from tests.gui.test_import_wizard import click, run_import

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture(autouse=True)
def no_unexpected_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal question nobody answers would hang the test: fail at once instead."""

    def unexpected(*args: object, **_kwargs: object) -> QMessageBox.StandardButton:
        raise AssertionError(f"unexpected question: {args[1:3]}")

    monkeypatch.setattr(QMessageBox, "question", unexpected)


def _cadence(window: MainWindow, name: str) -> int:
    service = window.cadence_service()
    cadence = service.create_cadence(name)
    service.add_step(cadence.id, "phone", 1, "Call")
    return cadence.id


def _mark_do_not_contact(context: AppContext, person_id: int) -> None:
    with context.database.sessions.begin() as session:
        session.execute(update(Person).where(Person.id == person_id).values(do_not_contact=True))


def _add(qtbot: QtBot, dialog: AddToCadenceDialog | None, cadence: str) -> str:
    assert dialog is not None and dialog.isVisible()
    dialog.cadence_combo.setCurrentIndex(dialog.cadence_combo.findText(cadence))
    qtbot.mouseClick(dialog.add_button, LEFT)
    return dialog.result_label.text()


def _click_row(qtbot: QtBot, window: MainWindow, row: int, modifier: Qt.KeyboardModifier) -> None:
    table = window.people_panel.table
    rect = table.visualRect(window.people_model.index(row, 0))
    qtbot.mouseClick(table.viewport(), LEFT, modifier, rect.center())


def _member_ids(window: MainWindow, cadence_id: int) -> set[int]:
    return {m.person_id for m in window.cadence_service().members(cadence_id)}


def test_the_list_selects_many_and_keeps_the_highlighted_person(
    qtbot: QtBot, window: MainWindow
) -> None:
    model = window.people_model
    first, second, third = (model.person_at(row) for row in range(3))
    assert first is not None and second is not None and third is not None
    _click_row(qtbot, window, 0, Qt.KeyboardModifier.NoModifier)
    _click_row(qtbot, window, 2, CTRL)
    assert [p.id for p in window.people_panel.selected_people()] == [first.id, third.id]
    selected = window.people_panel.selected_person()
    assert selected is not None and selected.id == third.id  # the current row

    table = window.people_panel.table
    _click_row(qtbot, window, 0, Qt.KeyboardModifier.NoModifier)
    qtbot.keyClick(table, Qt.Key.Key_Down, SHIFT)
    qtbot.keyClick(table, Qt.Key.Key_Down, SHIFT)
    assert [p.id for p in window.people_panel.selected_people()] == [
        first.id,
        second.id,
        third.id,
    ]

    qtbot.keyClick(table, Qt.Key.Key_Return)  # Enter still dials the current person
    assert window.dial_pad.person_id == third.id
    second_row = table.visualRect(model.index(1, 0)).center()
    qtbot.mouseClick(table.viewport(), LEFT, pos=second_row)  # a double-click's first press
    qtbot.mouseDClick(table.viewport(), LEFT, pos=second_row)
    assert window.dial_pad.person_id == second.id


def test_add_the_selected_people_refuses_do_not_contact(
    qtbot: QtBot, window: MainWindow, context: AppContext
) -> None:
    cadence_id = _cadence(window, "Many at once")
    model = window.people_model
    people = [model.person_at(row) for row in range(3)]
    assert all(people)
    ok_one, dnc, ok_two = (p for p in people if p is not None)
    _mark_do_not_contact(context, dnc.id)
    selection = window.people_panel.table.selectionModel()
    window.people_panel.table.selectRow(0)
    for row in (1, 2):
        selection.select(
            model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )

    window.actions_by_name["add_to_cadence"].trigger()
    dialog = window.add_to_cadence_dialog
    assert dialog is not None and dialog.windowTitle() == "Add 3 people to a cadence"
    assert _add(qtbot, dialog, "Many at once") == (
        "Added 2 people, skipped 0 (already on it), refused 1.\n"
        f"{dnc.name} is marked do not contact."
    )
    assert _member_ids(window, cadence_id) == {ok_one.id, ok_two.id}
    assert _add(qtbot, dialog, "Many at once") == (
        "Added 0 people, skipped 2 (already on it), refused 1.\n"
        f"{dnc.name} is marked do not contact."
    )


def test_add_all_search_results_pages_past_the_fetched_rows(
    qtbot: QtBot, window: MainWindow, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paged_model, "PAGE_SIZE", 2)  # the list fetches two at a time
    cadence_id = _cadence(window, "Acme push")
    acme = window._deps.people.matching_ids("acme")
    assert len(acme) >= 4
    assert window._deps.people.matching_ids("acme", page_size=3) == acme  # every page
    _mark_do_not_contact(context, acme[-1])
    window.people_panel.search_edit.setText("acme")  # typed: the search is still pending
    window.actions_by_name["add_results_to_cadence"].trigger()
    assert window.people_model.query == "acme"
    assert window.people_model.rowCount() == 2  # only one page fetched
    dialog = window.add_to_cadence_dialog
    assert dialog is not None and dialog.windowTitle() == f"Add {len(acme)} people to a cadence"
    text = _add(qtbot, dialog, "Acme push")
    assert text.startswith(f"Added {len(acme) - 1} people, skipped 0 (already on it), refused 1.")
    assert text.endswith("is marked do not contact.")
    assert _member_ids(window, cadence_id) == set(acme[:-1])


def test_many_search_results_ask_first_with_the_count(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_window_module, "CONFIRM_ADD_ABOVE", 2)
    cadence_id = _cadence(window, "Asked first")
    asked: list[str] = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]

    def question(_parent: object, _title: str, text: str) -> QMessageBox.StandardButton:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    window.people_panel.search_edit.setText("acme")
    window.people_panel.search_now()
    count = len(window._deps.people.matching_ids("acme"))
    assert window.add_search_results_to_cadence() is None  # No: nothing opens
    assert asked == [f"Add all {count} people matching “acme” to a cadence?"]
    dialog = window.add_search_results_to_cadence()
    assert len(asked) == 2
    assert _add(qtbot, dialog, "Asked first").startswith(f"Added {count} people")
    assert len(_member_ids(window, cadence_id)) == count

    window.people_panel.search_edit.setText("zzzz-nobody")
    assert window.add_search_results_to_cadence() is None
    assert window.statusBar().currentMessage() == "No one matches “zzzz-nobody”."


@pytest.fixture
def imported_csv(tmp_path: Path) -> Path:
    path = tmp_path / "leads.csv"
    path.write_text(
        "Name,Email,Company\n"
        "Zed Import,zed@imported.example,Imported Co\n"
        "Yara Import,yara@imported.example,Imported Co\n"
        "Xavi Import,xavi@imported.example,Imported Co\n"
    )
    return path


@pytest.fixture
def import_window(window: MainWindow) -> Iterator[MainWindow]:
    yield window
    wizard = window.import_wizard
    if wizard is not None:
        wizard.job.cancel()
        wizard.job.wait()


def test_add_the_imported_people_to_a_cadence(
    qtbot: QtBot, import_window: MainWindow, context: AppContext, imported_csv: Path
) -> None:
    window = import_window
    cadence_id = _cadence(window, "Imported leads")
    window.open_import_wizard(imported_csv)
    wizard = window.import_wizard
    assert isinstance(wizard, ImportWizard)
    qtbot.waitUntil(lambda: not wizard.job.running and wizard.file_page.table is not None)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    report = run_import(qtbot, wizard)
    with context.database.sessions() as session:
        imported = set(
            session.scalars(select(Person.id).where(Person.email.like("%@imported.example")))
        )
    assert report.created == 3 and set(report.person_ids) == imported

    button = wizard.result_page.cadence_button
    assert button.isVisible() and button.text() == "&Add these 3 people to a cadence…"
    qtbot.mouseClick(button, LEFT)
    dialog = window.add_to_cadence_dialog
    assert dialog is not None and dialog.windowTitle() == "Add 3 imported people to a cadence"
    assert _add(qtbot, dialog, "Imported leads") == (
        "Added 3 people, skipped 0 (already on it), refused 0."
    )
    assert _member_ids(window, cadence_id) == imported
    dialog.reject()
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(lambda: window.import_wizard is None)
