"""The dial pad knows people (seed 002): alternative numbers, the extension after connect,
the name behind a typed number, and searching the dialer by account. Real demo database,
real main window; the fake engine only records what would go to pjsua2."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from dialer_app.app import AppContext
from dialer_app.db.models import Call, Person, PhoneKind, PhoneNumber
from dialer_app.db.people_reader import PersonRow
from dialer_app.engine.events import CallMediaChanged, CallState, CallStateChanged
from dialer_app.services.calls import CallService
from dialer_app.services.people import PeopleService
from dialer_app.ui.account_search import ROW_ROLE
from dialer_app.ui.main_window import MainWindow
from tests.gui.fake_engine import FakeEngine

Phone = tuple[MainWindow, CallService, FakeEngine]

# Drop-downs are popups; the offscreen platform cannot grab the keyboard for them (the
# popup still gets the keys, as the tests show).
pytestmark = pytest.mark.qt_log_ignore("does not support grabbing the keyboard")


def _person(window: MainWindow, name: str) -> PersonRow:
    return next(p for p in window._deps.people.search(name, limit=5) if p.name == name)


def _connect(qtbot: QtBot, calls: CallService, engine: FakeEngine) -> str:
    call_id: str = engine.last("dial")[1]
    with qtbot.waitSignal(calls.call_changed):
        engine.on_event(CallStateChanged(call_id, CallState.CONNECTED, 200, "OK"))
    with qtbot.waitSignal(calls.call_changed):
        engine.on_event(CallMediaChanged(call_id, True, False, True, "PCMU"))
    return call_id


def _dtmf_sent(engine: FakeEngine) -> list[str]:
    return [command[2] for command in engine.commands if command[0] == "send_dtmf"]


# -- alternative numbers -------------------------------------------------------------------
def test_a_person_with_several_numbers_offers_the_others(qtbot: QtBot, window: MainWindow) -> None:
    pad = window.dial_pad
    ava = _person(window, "Ava Thompson")
    window.load_person(ava)
    combo = pad.numbers_combo
    assert combo.isVisible()
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Office · (404) 555-0100 ext. 204",
        "Mobile · (404) 555-0101",
    ]
    assert combo.currentIndex() == 0  # the first number by position is the default
    assert pad.number_edit.text() == "+1 404-555-0100"
    assert pad.extension_edit.text() == "204"

    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # a closed combo: Down picks the next number
    assert pad.number_edit.text() == "+1 404-555-0101"
    assert pad.extension_edit.text() == ""
    assert (pad.person_id, pad.person_name) == (ava.id, "Ava Thompson")
    assert pad.person_label.text() == "Ava Thompson · Acme Logistics"
    assert combo.isVisible() and combo.currentIndex() == 1

    qtbot.keyClick(combo, Qt.Key.Key_Up)
    assert pad.number_edit.text() == "+1 404-555-0100"
    assert pad.extension_edit.text() == "204"
    assert pad.person_id == ava.id


def test_alt_down_in_the_number_field_opens_the_numbers(qtbot: QtBot, window: MainWindow) -> None:
    pad = window.dial_pad
    window.load_person(_person(window, "Ava Thompson"))
    assert pad.number_edit.hasFocus()
    qtbot.keyClick(pad.number_edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    popup = pad.numbers_combo.view()
    qtbot.waitUntil(popup.isVisible)
    pad.numbers_combo.hidePopup()
    assert "Other numbers of this person" in dict(window.shortcut_table())


def test_one_number_or_a_typed_number_shows_no_drop_down(qtbot: QtBot, window: MainWindow) -> None:
    pad = window.dial_pad
    window.load_person(_person(window, "Grace Kim"))  # one office number
    assert pad.person_id is not None
    assert not pad.numbers_combo.isVisible()
    window.load_person(_person(window, "Ava Thompson"))
    assert pad.numbers_combo.isVisible()
    qtbot.keyClicks(pad.number_edit, "9")  # the rep types over it: no person, no choices
    assert pad.person_id is None
    assert not pad.numbers_combo.isVisible()
    assert not pad.open_number_choices()


# -- the extension after connect -----------------------------------------------------------
def test_the_extension_is_offered_after_connect_and_sent_when_clicked(
    qtbot: QtBot, phone: Phone
) -> None:
    window, calls, engine = phone
    window.load_person(_person(window, "Ava Thompson"))
    qtbot.mouseClick(window.dial_pad.dial_button, Qt.MouseButton.LeftButton)
    panel = window.call_panel
    assert panel.extension_button.isVisible()
    assert not panel.extension_button.isEnabled()  # nothing to send it to yet
    assert "once the call connects" in panel.extension_hint.text()

    call_id = _connect(qtbot, calls, engine)
    assert panel.extension_button.isEnabled()
    assert panel.extension_button.text() == "Dial extension 204"
    assert panel.extension_button.property("highlighted") is True
    assert "Ctrl+Shift+X" in panel.extension_hint.text()
    assert _dtmf_sent(engine) == []  # seed 002: the rep clicks, nothing is sent on its own

    with qtbot.waitSignal(calls.call_changed):
        qtbot.mouseClick(panel.extension_button, Qt.MouseButton.LeftButton)
    assert engine.last("send_dtmf") == ("send_dtmf", call_id, "204")
    assert panel.extension_button.property("highlighted") is False
    assert panel.extension_hint.text() == "Extension 204 sent."
    qtbot.keyClick(
        window,
        Qt.Key.Key_X,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert _dtmf_sent(engine) == ["204", "204"]  # again, if the phone system asks twice


def test_the_extension_typed_on_the_pad_is_the_one_offered(qtbot: QtBot, phone: Phone) -> None:
    window, calls, engine = phone
    pad = window.dial_pad
    window.load_person(_person(window, "Ava Thompson"))
    pad.extension_edit.clear()
    qtbot.keyClicks(pad.extension_edit, "31#")
    qtbot.keyClick(pad.number_edit, Qt.Key.Key_Return)
    call_id = _connect(qtbot, calls, engine)
    assert window.call_panel.extension_button.text() == "Dial extension 31#"
    qtbot.mouseClick(window.call_panel.extension_button, Qt.MouseButton.LeftButton)
    assert engine.last("send_dtmf") == ("send_dtmf", call_id, "31#")


def test_a_number_chosen_without_extension_offers_none(qtbot: QtBot, phone: Phone) -> None:
    window, calls, engine = phone
    window.load_person(_person(window, "Ava Thompson"))
    window.dial_pad_people.choose_number(1)  # her mobile
    qtbot.mouseClick(window.dial_pad.dial_button, Qt.MouseButton.LeftButton)
    assert engine.last("dial")[3] == "+14045550101"
    _connect(qtbot, calls, engine)
    assert not window.call_panel.extension_button.isVisible()
    assert not window.call_panel.extension_hint.isVisible()
    qtbot.keyClick(
        window,
        Qt.Key.Key_X,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert _dtmf_sent(engine) == []


# -- the name behind a typed number --------------------------------------------------------
def test_typing_a_persons_number_names_them_and_the_call_is_theirs(
    qtbot: QtBot, phone: Phone, context: AppContext
) -> None:
    window, calls, engine = phone
    pad = window.dial_pad
    qtbot.keyClicks(pad.number_edit, "404555010")
    assert pad.person_label.text() == ""  # not a number yet: nothing looked up
    qtbot.keyClicks(pad.number_edit, "0")
    ava = _person(window, "Ava Thompson")
    assert pad.person_label.text() == "Ava Thompson · Acme Logistics"
    assert (pad.person_id, pad.person_name) == (ava.id, "Ava Thompson")
    assert pad.extension_edit.text() == "204"  # her office extension, ready to send
    assert pad.numbers_combo.isVisible() and pad.numbers_combo.currentIndex() == 0

    qtbot.keyClick(pad.number_edit, Qt.Key.Key_Return)
    assert engine.last("dial")[3] == "+14045550100"
    call = calls.active_call
    assert call is not None
    assert (call.person_id, call.person_name) == (ava.id, "Ava Thompson")
    with context.database.sessions() as session:
        row = session.scalars(select(Call).where(Call.uuid == call.call_id)).one()
        assert row.person_id == ava.id
        assert row.number_e164 == "+14045550100"


def test_lookups_run_only_when_the_number_changes(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up: list[str] = []
    original = PeopleService.people_with_number

    def spy(self: PeopleService, e164: str) -> list[PersonRow]:
        looked_up.append(e164)
        return original(self, e164)

    monkeypatch.setattr(PeopleService, "people_with_number", spy)
    pad = window.dial_pad
    qtbot.keyClicks(pad.number_edit, "4045550100")
    assert looked_up == ["+14045550100"]
    qtbot.keyClicks(pad.number_edit, "7")  # too long: the person goes, and her extension
    assert pad.person_label.text() == ""
    assert pad.person_id is None
    assert pad.extension_edit.text() == ""
    qtbot.keyClick(pad.number_edit, Qt.Key.Key_Backspace)  # the same number again
    assert pad.person_label.text() == "Ava Thompson · Acme Logistics"
    assert looked_up == ["+14045550100"]  # answered from the last lookup

    pad.clear()
    qtbot.keyClicks(pad.number_edit, "4045550177")
    assert pad.person_label.text() == "Unknown number"
    assert pad.person_id is None
    assert looked_up == ["+14045550100", "+14045550177"]


def test_a_pasted_number_is_named_too(qtbot: QtBot, window: MainWindow) -> None:
    pad = window.dial_pad
    QGuiApplication.clipboard().setText('="+44 20 7183 8750"')  # an Excel cell
    pad.number_edit.setFocus()
    qtbot.keyClick(pad.number_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert pad.person_label.text() == "Mia Hughes · Umbrella Health"
    assert pad.person_id == _person(window, "Mia Hughes").id


def test_a_shared_number_lets_the_rep_pick_the_person(
    qtbot: QtBot, window: MainWindow, context: AppContext
) -> None:
    with context.database.sessions.begin() as session:
        ben = session.scalars(select(Person).where(Person.first_name == "Ben")).one()
        ben.do_not_contact = True
        ben.phone_numbers.append(
            PhoneNumber(
                kind=PhoneKind.OFFICE,
                e164="+14045550100",
                original="(404) 555-0100",
                digits="14045550100",
                position=2,
            )
        )
        ben_id = ben.id
    pad = window.dial_pad
    qtbot.keyClicks(pad.number_edit, "4045550100")
    assert pad.person_label.text() == "2 people have this number:"
    owners = pad.owners_combo
    assert owners.isVisible()
    assert [owners.itemText(i) for i in range(owners.count())] == [
        "Ava Thompson · Acme Logistics",
        "Ben Carter ⛔ · Acme Logistics",
    ]
    assert pad.person_name == "Ava Thompson"  # the first until the rep picks
    assert pad.extension_edit.text() == "204"

    owners.setFocus()
    qtbot.keyClick(owners, Qt.Key.Key_Down)
    assert (pad.person_id, pad.person_name) == (ben_id, "Ben Carter")
    assert pad.extension_edit.text() == ""  # Ava's extension is not Ben's
    assert pad.number_edit.text() == "(404) 555-0100"  # as typed
    assert pad.numbers_combo.count() == 3
    assert pad.numbers_combo.currentIndex() == 2


# -- search the dialer by account ----------------------------------------------------------
def test_an_account_search_lists_its_contacts_and_picking_one_loads_them(
    qtbot: QtBot, window: MainWindow
) -> None:
    search = window.account_search
    qtbot.keyClick(
        window,
        Qt.Key.Key_K,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert search.edit.hasFocus()
    qtbot.keyClicks(search.edit, "acme")
    qtbot.waitUntil(search.popup.isVisible)  # one account matches: its people at once
    model = search.model
    assert model.account is not None and model.account.name == "Acme Logistics"
    labels = [model.index(row).data() for row in range(model.rowCount())]
    assert labels == [
        "Ava Thompson · VP Sales · (404) 555-0100 ext. 204",
        "Ben Carter · Sales Ops Manager · (404) 555-0486",
        "Chloe Nguyen · Director of Operations · (404) 555-0408",
        "Daniel Brooks · CFO · (404) 555-0199",
    ]
    qtbot.keyClick(search.popup, Qt.Key.Key_Down)
    with qtbot.waitSignal(search.person_chosen):
        qtbot.keyClick(search.popup, Qt.Key.Key_Return)
    pad = window.dial_pad
    assert pad.person_name == "Ben Carter"
    assert pad.person_id == _person(window, "Ben Carter").id
    assert pad.number_edit.text() == "+1 404-555-0486"
    assert pad.numbers_combo.isVisible()  # Ben has a mobile too
    assert search.edit.text() == ""


def test_several_accounts_are_listed_first(qtbot: QtBot, window: MainWindow) -> None:
    search = window.account_search
    qtbot.keyClicks(search.edit, "in")  # Initech Software, Nordwind GmbH
    qtbot.waitUntil(search.popup.isVisible)
    model = search.model
    assert model.account is None
    labels = [model.index(row).data() for row in range(model.rowCount())]
    assert labels == ["Initech Software — 4 people", "Nordwind GmbH — 4 people"]
    qtbot.keyClick(search.popup, Qt.Key.Key_Return)  # the first is highlighted
    qtbot.waitUntil(lambda: model.account is not None and search.popup.isVisible())
    assert search.edit.text() == "Initech Software"
    assert [model.index(r).data(ROW_ROLE).name for r in range(model.rowCount())] == [
        "Isabel Garcia",
        "Jack Turner",
        "Kara Patel",
        "Liam Foster",
    ]
    with qtbot.waitSignal(search.person_chosen):
        qtbot.keyClick(search.popup, Qt.Key.Key_Return)
    assert window.dial_pad.person_name == "Isabel Garcia"


def test_no_matching_account_says_so(qtbot: QtBot, window: MainWindow) -> None:
    search = window.account_search
    qtbot.keyClicks(search.edit, "zzz")
    qtbot.waitUntil(lambda: search.hint.text() == "No account matches “zzz”.")
    assert not search.popup.isVisible()
    search.edit.clear()
    qtbot.keyClicks(search.edit, "glob")
    qtbot.waitUntil(search.popup.isVisible)
    assert search.hint.text() == "People at Globex Retail: pick one to call."
    qtbot.keyClick(search.popup, Qt.Key.Key_Escape)
    qtbot.keyClick(search.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(search.edit, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: not search.hint.isVisible())
    assert search.model.rowCount() == 0


def test_account_model_is_a_well_behaved_qt_model(
    qtmodeltester: object, qtbot: QtBot, window: MainWindow
) -> None:
    search = window.account_search
    qtbot.keyClicks(search.edit, "acme")
    qtbot.waitUntil(lambda: search.model.rowCount() == 4)
    qtmodeltester.check(search.model)  # type: ignore[attr-defined]
