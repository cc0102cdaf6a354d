"""The Cadences tab and People → Add to cadence, on real widgets and the demo database."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from dialer_app.app import AppContext
from dialer_app.db.call_log_store import CallLogStore
from dialer_app.db.call_store import CallStart, CallStore
from dialer_app.db.models import Person
from dialer_app.domain.call_log import LogFields
from dialer_app.ui.cadence_dialogs import StepDialog
from dialer_app.ui.cadences_page import CadencesPage
from dialer_app.ui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


def _page(qtbot: QtBot, window: MainWindow) -> CadencesPage:
    assert window.cadences_tab is not None
    window.right_tabs.setCurrentWidget(window.cadences_tab)
    page = window.cadences_page
    assert page is not None
    qtbot.waitUntil(lambda: page.loaded and page.isVisible())
    return page


def _names(page: CadencesPage) -> list[str]:
    return [panel.step.name for panel in page.step_panels]


def _fill_step(
    qtbot: QtBot, dialog: StepDialog | None, step_type: str, day: int, name: str, text: str = ""
) -> None:
    assert dialog is not None
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData(step_type))
    dialog.day_spin.setValue(day)
    dialog.name_edit.setText(name)
    dialog.instructions_edit.setPlainText(text)
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_tab_loads_only_when_shown(qtbot: QtBot, window: MainWindow) -> None:
    assert window.cadences_page is None  # nothing cadence-related at start-up
    assert window._cadence_service is None
    page = _page(qtbot, window)
    assert page.cadence_model.rowCount() == 2  # the demo cadences
    window.right_tabs.setCurrentIndex(0)
    window.right_tabs.setCurrentWidget(window.cadences_tab)
    assert window.cadences_page is page  # built once


def test_build_a_cadence_through_the_ui(qtbot: QtBot, window: MainWindow) -> None:
    page = _page(qtbot, window)
    page.name_edit.setText("Q3 Outbound")
    qtbot.mouseClick(page.new_button, LEFT)
    selected = page.selected_cadence()
    assert selected is not None and selected.name == "Q3 Outbound"
    assert page.step_panels == []

    empty = page.add_step()
    assert empty is not None
    empty.save()  # no name: refused, the dialog stays open with the reason
    assert empty.error_label.text() == "Type a name for the step."
    assert empty.isVisible()
    _fill_step(qtbot, empty, "phone", 1, "Intro Call", "Hi, this is…\n- ask about X")
    _fill_step(qtbot, page.add_step(), "other", 1, "Research the account")
    assert _names(page) == ["Intro Call", "Research the account"]
    call, research = page.step_panels
    assert call.header.text() == "☎ Phone · Day 1 · Step 1"
    assert call.instructions.text() == "Hi, this is…\n- ask about X"
    assert "Calls Made: 0" in call.stats.text()
    assert "Calls Made" not in research.stats.text()

    qtbot.mouseClick(research.up_button, LEFT)
    assert _names(page) == ["Research the account", "Intro Call"]
    qtbot.mouseClick(page.step_panels[0].up_button, LEFT)
    assert page.message.text() == "That step is already the first one on day 1."

    edit = page.edit_step(page.step_panels[1].step.id)
    assert edit is not None and edit.name_edit.text() == "Intro Call"
    _fill_step(qtbot, edit, "phone", 2, "Intro Call v2", "new script")
    assert _names(page) == ["Research the account", "Intro Call v2"]
    assert page.step_panels[1].header.text() == "☎ Phone · Day 2 · Step 2"

    qtbot.mouseClick(page.step_panels[0].enable_button, LEFT)
    assert page.step_panels[0].header.text().endswith("Disabled")
    assert page.step_panels[0].enable_button.text() == "Enable"

    page.name_edit.setText("Q4 Outbound")
    qtbot.mouseClick(page.rename_button, LEFT)
    assert "Q4 Outbound" in [r.name for r in page.cadence_model.rows()]
    selected = page.selected_cadence()
    assert selected is not None and selected.name == "Q4 Outbound"
    qtbot.mouseClick(page.archive_button, LEFT)
    assert "Q4 Outbound" not in [r.name for r in page.cadence_model.rows()]
    page.show_archived.setChecked(True)
    archived = [r for r in page.cadence_model.rows() if r.name == "Q4 Outbound"]
    assert archived and archived[0].archived
    assert (
        page.cadence_model.data(
            page.cadence_model.index(page.cadence_model.rows().index(archived[0]), 0)
        )
        == "Q4 Outbound (archived)"
    )


def _select_person(window: MainWindow, first_name: str) -> None:
    model = window.people_model
    for row in range(model.rowCount()):
        person = model.person_at(row)
        if person is not None and person.name.startswith(first_name):
            window.people_panel.table.selectRow(row)
            return
    raise AssertionError(first_name)


def _first_names(context: AppContext, count: int) -> list[tuple[int, str, str]]:
    with context.database.sessions() as session:
        rows = session.execute(
            select(Person.id, Person.first_name, Person.last_name).order_by(Person.id).limit(count)
        ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def test_add_people_from_the_people_menu(
    qtbot: QtBot, window: MainWindow, context: AppContext
) -> None:
    service = window.cadence_service()
    cadence = service.create_cadence("From the menu")
    service.add_step(cadence.id, "phone", 1, "Call")
    (ok_id, ok_first, _), (dnc_id, dnc_first, dnc_last) = _first_names(context, 2)
    with context.database.sessions.begin() as session:
        session.execute(update(Person).where(Person.id == dnc_id).values(do_not_contact=True))

    _select_person(window, ok_first)
    window.actions_by_name["add_to_cadence"].trigger()
    dialog = window.add_to_cadence_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.cadence_combo.setCurrentIndex(dialog.cadence_combo.findText("From the menu"))
    qtbot.mouseClick(dialog.add_button, LEFT)
    assert dialog.result_label.text() == "Added 1 person."
    qtbot.mouseClick(dialog.add_button, LEFT)
    assert "already on “From the menu”" in dialog.result_label.text()

    _select_person(window, dnc_first)
    window.actions_by_name["add_to_cadence"].trigger()
    dialog = window.add_to_cadence_dialog
    assert dialog is not None
    dialog.cadence_combo.setCurrentIndex(dialog.cadence_combo.findText("From the menu"))
    qtbot.mouseClick(dialog.add_button, LEFT)
    assert dialog.result_label.text() == (
        f"Added 0 people. {dnc_first} {dnc_last} is marked do not contact."
    )
    assert [m.person_id for m in service.members(cadence.id)] == [ok_id]


def test_pause_resume_finish_and_remove_people(
    qtbot: QtBot, window: MainWindow, context: AppContext
) -> None:
    page = _page(qtbot, window)
    service = page.service
    cadence = service.create_cadence("People")
    service.add_step(cadence.id, "phone", 1, "Call")
    service.add_people(cadence.id, [pid for pid, _, _ in _first_names(context, 2)])
    page.select_cadence(cadence.id)
    assert page.member_model.rowCount() == 2

    def state() -> str:
        page.member_table.selectRow(0)
        member = page.selected_member()
        assert member is not None
        return member.state

    page.member_table.selectRow(0)
    qtbot.mouseClick(page.pause_button, LEFT)
    assert state() == "paused"
    qtbot.mouseClick(page.pause_button, LEFT)
    assert page.message.text().startswith("Only an active person can be paused")
    qtbot.mouseClick(page.resume_button, LEFT)
    assert state() == "active"
    qtbot.mouseClick(page.finish_button, LEFT)
    assert state() == "finished"
    qtbot.mouseClick(page.remove_button, LEFT)
    assert page.member_model.rowCount() == 1


def test_overview_counts_calls_made_after_a_logged_call(
    qtbot: QtBot, window: MainWindow, context: AppContext
) -> None:
    page = _page(qtbot, window)
    intro = next(r for r in page.cadence_model.rows() if r.name == "Intro Cadence")
    page.select_cadence(intro.id)
    member = page.member_model.rows()[0]
    assert member.step_id is not None
    panel = next(p for p in page.step_panels if p.step.id == member.step_id)
    assert "Calls Made: 0" in panel.stats.text()

    call_uuid = str(uuid.uuid4())
    CallStore(context.database.sessions).started(
        CallStart(call_uuid, member.person_id, "+14045550100", None, "Demo line")
    )
    log_store = CallLogStore(context.database.sessions)
    log_store.attach_cadence_step(call_uuid, member.membership_id, member.step_id)
    log_store.log(call_uuid, LogFields(notes="Talked"), success=False)
    with qtbot.waitSignal(page.service.changed):
        window._cadences_changed()  # what the window does when the logger logs a call
    panel = next(p for p in page.step_panels if p.step.id == member.step_id)
    assert "Calls Made: 1" in panel.stats.text()
