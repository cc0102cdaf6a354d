"""The person profile window on the real main window and the demo database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from dialer_app.app import AppContext
from dialer_app.db.models import Person
from dialer_app.services.calls import CallService
from dialer_app.ui.main_window import MainWindow
from tests.gui.fake_engine import FakeEngine

Phone = tuple[MainWindow, CallService, FakeEngine]
AVA_BLOCKED = (
    "Ava Thompson is marked do not contact: dialling is blocked. "
    "Clear the flag on their profile to call."
)


def _select(qtbot: QtBot, window: MainWindow, query: str) -> int:
    """Search the people list like a rep; the first hit is selected. Returns its id."""
    panel = window.people_panel
    panel.search_edit.clear()
    qtbot.keyClicks(panel.search_edit, query)
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
    person = panel.selected_person()
    assert person is not None
    return person.id


def test_a_flagged_person_is_refused_from_the_people_list_too(
    qtbot: QtBot, phone: Phone, context: AppContext
) -> None:
    with context.database.sessions.begin() as session:
        ava = session.scalars(select(Person).where(Person.first_name == "Ava")).one()
        ava.do_not_contact = True  # e.g. set by an import or another rep
    window, calls, engine = phone
    _select(qtbot, window, "ava")
    qtbot.keyClick(window.people_panel.table, Qt.Key.Key_Return)  # Enter: on the dial pad
    with qtbot.waitSignal(calls.dial_refused) as refused:
        qtbot.keyClick(window.dial_pad.number_edit, Qt.Key.Key_Return)
    assert refused.args == [AVA_BLOCKED]
    assert [c for c in engine.commands if c[0] == "dial"] == []
    _select(qtbot, window, "ben")  # someone else still gets through
    qtbot.keyClick(window.people_panel.table, Qt.Key.Key_Return)
    qtbot.keyClick(window.dial_pad.number_edit, Qt.Key.Key_Return)
    assert engine.last("dial")[3] == "+14045550486"
