"""The cadence side panel and Run Step (seed 004) on the real window, the demo database and
the fake engine: each log button, Complete All, and the next step suggestions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from dialer_app.app import AppContext
from dialer_app.db.models import Cadence, CadenceMembership, Person, StepCompletion
from dialer_app.domain.cadences import DueStep, GroupBy, PeopleSort, Suggestion
from dialer_app.engine.events import CallEnded, CallState, CallStateChanged
from dialer_app.services.cadences import CadenceService
from dialer_app.services.calls import CallService
from dialer_app.ui.cadence_panel import CadencePanel
from dialer_app.ui.main_window import MainWindow
from tests.gui.fake_engine import FakeEngine

Phone = tuple[MainWindow, CallService, FakeEngine]
LEFT = Qt.MouseButton.LeftButton
PEOPLE = ("Ava", "Ben", "Chloe", "Daniel")


def _person_ids(context: AppContext, names: tuple[str, ...]) -> dict[str, int]:
    with context.database.sessions() as session:
        rows = session.execute(
            select(Person.first_name, Person.id).where(Person.first_name.in_(names))
        ).all()
    return {first: person_id for first, person_id in rows}


def _cadence(window: MainWindow, context: AppContext, names: tuple[str, ...]) -> int:
    """Only this cadence is due: a phone, an other and an integration step, everyone added
    two weeks ago (so every step is due whatever the weekday)."""
    service = window.cadence_service()
    for row in service.list_cadences():
        service.set_archived(row.id, True)  # the demo cadences' dates depend on the weekday
    cadence = service.create_cadence("Runner")
    service.add_step(cadence.id, "phone", 1, "Intro Call", "Ask who owns outbound calling.")
    service.add_step(cadence.id, "other", 2, "Research", "Read their last annual report.")
    service.add_step(cadence.id, "integration", 3, "LinkedIn - Connection Request")
    ids = _person_ids(context, names)
    added = service.add_people(
        cadence.id, [ids[n] for n in names], today=service.today() - timedelta(days=14)
    )
    assert len(added.added) == len(names)
    return cadence.id


def _panel(qtbot: QtBot, window: MainWindow) -> CadencePanel:
    assert window.cadence_dock is None  # built on first use, not at start-up
    window.actions_by_name["cadence_todo"].trigger()
    dock = window.cadence_dock
    assert dock is not None
    qtbot.waitUntil(dock.isVisible)
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
    return dock.panel


def _row(panel: CadencePanel, name: str) -> DueStep:
    return next(r for r in panel.todo.rows if r.name == name)


def _step_of(context: AppContext, person_id: int) -> str:
    """The person's place on the test's cadence (they are on demo cadences too)."""
    with context.database.sessions() as session:
        membership = session.scalars(
            select(CadenceMembership)
            .join(CadenceMembership.cadence)
            .where(CadenceMembership.person_id == person_id, Cadence.name == "Runner")
        ).one()
        return membership.current_step.name if membership.current_step else membership.state


def _call_and_log(
    qtbot: QtBot, window: MainWindow, calls: CallService, engine: FakeEngine, action: str
) -> None:
    qtbot.mouseClick(window.dial_pad.dial_button, LEFT)
    call_id = str(engine.last("dial")[1])
    engine.on_event(CallStateChanged(call_id, CallState.CONNECTED, 200, "OK"))
    with qtbot.waitSignal(calls.call_finished):
        engine.on_event(CallEnded(call_id, 200, "OK", 12.0, True, True))
    logger_window = window.logger_window
    assert logger_window is not None
    panel = logger_window.panel
    if action == "Log and Complete":
        qtbot.mouseClick(panel.main_button, LEFT)
    elif action == "Success":
        qtbot.mouseClick(panel.success_button, LEFT)
    else:
        next(a for a in panel.more_menu.actions() if a.text() == action).trigger()


def test_shortcut_opens_and_hides_the_panel(qtbot: QtBot, window: MainWindow) -> None:
    assert window.actions_by_name["cadence_todo"].shortcuts()[0].toString() == "Ctrl+Shift+D"
    assert window._cadence_service is None
    panel = _panel(qtbot, window)
    assert panel.todo.rows  # the demo cadences have work due (or the empty text shows)
    window.actions_by_name["cadence_todo"].trigger()
    assert window.cadence_dock is not None and not window.cadence_dock.isVisible()


def test_run_a_phone_step_through_each_log_button(
    qtbot: QtBot, phone: Phone, context: AppContext
) -> None:
    window, calls, engine = phone
    _cadence(window, context, PEOPLE)
    ids = _person_ids(context, PEOPLE)
    panel = _panel(qtbot, window)
    assert [(r.name, r.people_due) for r in panel.todo.rows] == [("Intro Call", 4)]
    assert panel.todo.model.index(0, 0).data() == "Runner"  # the group row
    step = panel.todo.model.index(0, 0, panel.todo.model.index(0, 0))
    assert [step.siblingAtColumn(c).data() for c in range(5)] == [
        "☎ Phone",
        "1",
        "1",
        "Intro Call",
        "4",
    ]
    panel.sort_combo.setCurrentIndex(panel.sort_combo.findData(PeopleSort.NAME))
    qtbot.mouseClick(panel.todo.run_button, LEFT)
    logger = window._deps.logger
    assert logger is not None

    def shown(name: str, position: str) -> None:
        assert panel.position_label.text() == position
        assert name in panel.person_label.text()
        assert window.dial_pad.person_id == ids[name]
        pending = logger.pending_step
        assert pending is not None and pending.step_name == "Intro Call"

    shown("Ava", "Person 1 of 4")
    assert window.dial_pad.number_edit.text()  # Ava's number, ready to dial
    qtbot.mouseClick(panel.profile_button, LEFT)  # the person's profile, on demand
    assert window.profile_windows[ids["Ava"]].isVisible()
    window.profile_windows[ids["Ava"]].close()
    assert "Ask who owns" in panel.instructions.text()
    engine_dials = len([c for c in engine.commands if c[0] == "dial"])

    _call_and_log(qtbot, window, calls, engine, "Log and Complete")
    shown("Ben", "Person 1 of 3")
    assert _step_of(context, ids["Ava"]) == "Research"
    assert _row(panel, "Intro Call").people_due == 3  # the list refreshed on `changed`
    assert len([c for c in engine.commands if c[0] == "dial"]) == engine_dials + 1  # no auto

    _call_and_log(qtbot, window, calls, engine, "Log Only")
    shown("Chloe", "Person 2 of 3")  # Ben stays due on the step, the runner moves on
    assert _step_of(context, ids["Ben"]) == "Intro Call"
    assert _row(panel, "Intro Call").people_due == 3

    _call_and_log(qtbot, window, calls, engine, "Complete Only")
    shown("Daniel", "Person 2 of 2")
    assert _step_of(context, ids["Chloe"]) == "Research"

    _call_and_log(qtbot, window, calls, engine, "Success")
    assert _step_of(context, ids["Daniel"]) == "Research"
    # Ben (Log Only) was handled in this run: the step is done, seed 004's suggestions
    assert panel.pages.currentIndex() == 2
    assert logger.pending_step is None
    suggestions = panel.suggestions
    assert suggestions is not None
    assert suggestions.options == (
        Suggestion.RETURN_TO_OVERVIEW,
        Suggestion.RETURN_HOME,
        Suggestion.RUN_NEXT_STEP,
    )
    assert panel.suggestion_buttons[Suggestion.RUN_NEXT_STEP].isVisible()
    assert not panel.suggestion_buttons[Suggestion.RETURN_TO_STEPS_LIST].isVisible()
    assert panel.next_label.text() == "Next: ✓ Other · Day 2 · Step 2 · Runner"
    with context.database.sessions() as session:
        outcomes = sorted(session.scalars(select(StepCompletion.outcome)).all())
    assert outcomes == ["complete_only", "log_and_complete", "success"]


def test_auto_dial_calls_the_next_person(qtbot: QtBot, phone: Phone, context: AppContext) -> None:
    window, calls, engine = phone
    _cadence(window, context, ("Ava", "Ben"))
    panel = _panel(qtbot, window)
    panel.auto_dial_check.setChecked(True)
    assert window._deps.settings.auto_dial is True
    panel.sort_combo.setCurrentIndex(panel.sort_combo.findData(PeopleSort.NAME))
    panel.todo.run_selected()
    first = engine.last("dial")  # the first person is called at once
    call_id = str(first[1])
    engine.on_event(CallStateChanged(call_id, CallState.CONNECTED, 200, "OK"))
    with qtbot.waitSignal(calls.call_finished):
        engine.on_event(CallEnded(call_id, 200, "OK", 12.0, True, True))
    assert window.logger_window is not None
    qtbot.mouseClick(window.logger_window.panel.main_button, LEFT)
    second = engine.last("dial")
    assert second[1] != first[1] and second[3] != first[3]  # Ben, straight away
    assert calls.active_call is not None and calls.active_call.person_name.startswith("Ben")


def test_other_and_integration_steps_then_steps_list(
    qtbot: QtBot,
    window: MainWindow,
    context: AppContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cadence_id = _cadence(window, context, ("Ava", "Ben", "Chloe"))
    service: CadenceService = window.cadence_service()
    ids = _person_ids(context, ("Ava", "Ben", "Chloe"))
    call_step = _row_named(service, "Intro Call")
    for person in service.due_people(call_step.step_id):
        service.complete(person.membership_id, call_step.step_id)
    panel = _panel(qtbot, window)
    assert [r.name for r in panel.todo.rows] == ["Research"]
    panel.sort_combo.setCurrentIndex(panel.sort_combo.findData(PeopleSort.NAME))
    panel.run(_row(panel, "Research"))
    assert panel.task_box.isVisible() and not panel.phone_box.isVisible()
    assert "Ava" in panel.person_label.text()
    qtbot.keyClicks(panel.notes, "Annual report: hiring 20 SDRs")
    qtbot.mouseClick(panel.complete_button, LEFT)
    assert panel.position_label.text() == "Person 1 of 2"
    assert "Ben" in panel.person_label.text()
    with context.database.sessions() as session:
        done = session.scalars(select(StepCompletion).where(StepCompletion.outcome == "complete"))
        notes = [c.notes for c in done if c.step_id == _row(panel, "Research").step_id]
    assert notes == ["Annual report: hiring 20 SDRs"]

    asked: list[str] = []

    def accept(*args: object, **_kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", accept)
    qtbot.mouseClick(panel.complete_all_button, LEFT)
    assert asked == ["Mark “Research” done for all 2 people due on it?"]
    assert {_step_of(context, ids[n]) for n in ("Ava", "Ben", "Chloe")} == {
        "LinkedIn - Connection Request"
    }
    assert panel.next_label.text() == "Next: ⇄ Integration · Day 3 · Step 3 · Runner"
    with context.database.sessions.begin() as session:  # an import brought Ava's LinkedIn
        ava = session.get(Person, ids["Ava"])
        assert ava is not None
        ava.custom_fields = '{"Person Linkedin Url": "www.linkedin.com/in/ava-t"}'
    qtbot.mouseClick(panel.suggestion_buttons[Suggestion.RUN_NEXT_STEP], LEFT)
    assert panel.complete_button.text() == "Done: LinkedIn - Connection Request"
    assert 'href="https://www.linkedin.com/in/ava-t"' in panel.link_label.text()
    qtbot.mouseClick(panel.complete_all_button, LEFT)
    assert {_step_of(context, ids[n]) for n in ("Ava", "Ben", "Chloe")} == {"finished"}
    # nothing else due in the cadence: Return to Steps List instead of Run Next Step
    assert not panel.suggestion_buttons[Suggestion.RUN_NEXT_STEP].isVisible()
    assert panel.suggestion_buttons[Suggestion.RETURN_TO_STEPS_LIST].isVisible()
    qtbot.mouseClick(panel.suggestion_buttons[Suggestion.RETURN_TO_OVERVIEW], LEFT)
    assert window.right_tabs.currentWidget() is window.cadences_tab
    page = window.cadences_page
    assert page is not None
    selected = page.selected_cadence()
    assert selected is not None and selected.id == cadence_id
    qtbot.mouseClick(panel.suggestion_buttons[Suggestion.RETURN_TO_STEPS_LIST], LEFT)
    assert panel.pages.currentIndex() == 0
    assert panel.todo.rows == [] and panel.todo.empty_label.isVisible()


def _row_named(service: CadenceService, name: str) -> DueStep:
    return next(r for r in service.due_steps() if r.name == name)


def test_grouped_by_account_runs_and_completes_one_account(
    qtbot: QtBot,
    window: MainWindow,
    context: AppContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = ("Ava", "Ben", "Emma")  # Acme Logistics, Acme Logistics, Globex Retail
    _cadence(window, context, names)
    service = window.cadence_service()
    ids = _person_ids(context, names)
    call_step = _row_named(service, "Intro Call")
    for person in service.due_people(call_step.step_id):
        service.complete(person.membership_id, call_step.step_id)
    panel = _panel(qtbot, window)
    panel.todo.group_combo.setCurrentIndex(panel.todo.group_combo.findData(GroupBy.ACCOUNT))
    assert [(r.account_name, r.name, r.people_due) for r in panel.todo.rows] == [
        ("Acme Logistics", "Research", 2),
        ("Globex Retail", "Research", 1),
    ]
    assert panel.todo.model.index(0, 0).data() == "Acme Logistics"
    assert panel.todo.model.index(0, 3, panel.todo.model.index(0, 0)).data() == "Research (Runner)"
    assert panel.todo.selected_row() == panel.todo.rows[0]
    qtbot.keyClick(panel.todo.tree, Qt.Key.Key_Return)  # Enter runs the highlighted step
    assert panel.pages.currentIndex() == 1
    assert panel.position_label.text() == "Person 1 of 2"
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(panel.complete_all_button, LEFT)
    assert _step_of(context, ids["Ava"]) == _step_of(context, ids["Ben"])
    assert _step_of(context, ids["Ben"]) == "LinkedIn - Connection Request"
    assert _step_of(context, ids["Emma"]) == "Research"  # another account: not touched
    # the account's next step is recommended, not Globex's Research
    suggestions = panel.suggestions
    assert suggestions is not None and suggestions.next_step is not None
    assert suggestions.next_step.name == "LinkedIn - Connection Request"
    assert suggestions.next_step.account_name == "Acme Logistics"
    qtbot.mouseClick(panel.suggestion_buttons[Suggestion.RETURN_HOME], LEFT)
    assert panel.pages.currentIndex() == 0
    assert [(r.account_name, r.name) for r in panel.todo.rows] == [
        ("Acme Logistics", "LinkedIn - Connection Request"),
        ("Globex Retail", "Research"),
    ]


def test_focus_zone_lists_every_cadence_with_a_play_button(
    qtbot: QtBot, window: MainWindow, context: AppContext
) -> None:
    _cadence(window, context, ("Ava",))
    service = window.cadence_service()
    second = service.create_cadence("Second")
    service.add_step(second.id, "other", 1, "Ping on Slack")
    service.add_people(
        second.id, _person_ids(context, ("Ben",)).values(), service.today() - timedelta(days=7)
    )
    panel = _panel(qtbot, window)
    assert panel.todo.tree.isColumnHidden(5)  # the ▶ column is the Focus Zone's
    panel.todo.group_combo.setCurrentIndex(
        panel.todo.group_combo.findText("Focus Zone", Qt.MatchFlag.MatchStartsWith)
    )
    assert panel.todo.focus_zone and not panel.todo.tree.isColumnHidden(5)
    flat = [panel.todo.model.index(r, 3).data() for r in range(panel.todo.model.rowCount())]
    assert flat == ["Intro Call (Runner)", "Ping on Slack (Second)"]  # no group rows
    play = panel.todo.tree.indexWidget(panel.todo.model.index(1, 5))
    assert isinstance(play, QPushButton) and play.text() == "▶"
    qtbot.mouseClick(play, LEFT)
    assert panel.pages.currentIndex() == 1
    assert "Ping on Slack" in panel.step_label.text()
    assert "Ben" in panel.person_label.text()
