"""The person profile window on the real main window and the demo database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from dialer_app.app import AppContext
from dialer_app.db.call_log_store import CallLogStore
from dialer_app.db.call_store import CallFinish, CallStart, CallStore
from dialer_app.db.models import Person
from dialer_app.domain.call_log import LogFields
from dialer_app.domain.person_profile import Field
from dialer_app.services.calls import CallService
from dialer_app.services.person_profile import PersonProfileService
from dialer_app.ui.main_window import MainWindow
from dialer_app.ui.person_profile import PersonProfileWindow
from tests.gui.fake_engine import FakeEngine

Phone = tuple[MainWindow, CallService, FakeEngine]
AVA_BLOCKED = (
    "Ava Thompson is marked do not contact: dialling is blocked. "
    "Clear the flag on their profile to call."
)


@pytest.fixture(autouse=True)
def no_unexpected_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal question nobody answers would hang the test: fail at once instead."""

    def unexpected(*args: object) -> object:
        raise AssertionError(f"unexpected question: {args[1:3]}")

    monkeypatch.setattr(QMessageBox, "question", unexpected)


def _select(qtbot: QtBot, window: MainWindow, query: str) -> int:
    """Search the people list like a rep; the first hit is selected. Returns its id."""
    panel = window.people_panel
    panel.search_edit.clear()
    qtbot.keyClicks(panel.search_edit, query)
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
    person = panel.selected_person()
    assert person is not None
    return person.id


def _open(qtbot: QtBot, window: MainWindow, query: str) -> PersonProfileWindow:
    person_id = _select(qtbot, window, query)
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    profile = window.profile_windows[person_id]
    qtbot.waitExposed(profile)
    return profile


def _click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def test_ctrl_o_opens_the_selected_persons_profile_once(qtbot: QtBot, window: MainWindow) -> None:
    profile = _open(qtbot, window, "ava")
    assert profile.windowTitle() == "Ava Thompson — Profile"
    assert not profile.isModal()
    edits = profile.edits
    assert [edits[n].text() for n in ("first_name", "last_name", "title", "account")] == [
        "Ava",
        "Thompson",
        "VP Sales",
        "Acme Logistics",
    ]
    assert edits["email"].text() == "ava.thompson@acme-logistics.example"
    rows = [(r.kind.currentText(), r.number.text(), r.extension.text()) for r in profile.phone_rows]
    assert rows == [("office", "(404) 555-0100", "204"), ("mobile", "+1 404 555 0101", "")]
    assert not profile.do_not_contact.isChecked()
    cadences = profile.cadences
    assert [cadences.item(0, c).text() for c in range(3)] == [
        "Intro Cadence",
        "Day 1 · Intro Call (phone)",
        "active",
    ]
    assert profile.custom_fields.rowCount() == 0
    assert profile.time_zone_label.text() == "America/New_York (from the number)"
    assert profile.local_time_label.text().startswith("Local time ")
    assert profile.activity.tabText(0) == "Calls"

    again = _open(qtbot, window, "ava")  # reopening raises the same window
    assert again is profile and len(window.profile_windows) == 1
    assert ("Open profile", "Ctrl+O") in window.shortcut_table()


def test_edit_and_save_shows_in_the_people_list(
    qtbot: QtBot, window: MainWindow, context: AppContext
) -> None:
    profile = _open(qtbot, window, "ava")
    last = profile.edits["last_name"]
    last.clear()
    qtbot.keyClicks(last, "Thompson-Reyes")
    account = profile.edits["account"]
    account.clear()
    qtbot.keyClicks(account, "initech software")  # an existing account, other letters
    profile.phone_rows[0].number.clear()
    qtbot.keyClicks(profile.phone_rows[0].number, "(404) 555-0177")
    _click(qtbot, profile.add_phone_button)
    new_row = profile.phone_rows[-1]
    assert profile.focusWidget() is new_row.number  # ready for typing
    new_row.kind.setCurrentText("home")
    qtbot.keyClicks(new_row.number, "+44 20 7946 0002")
    with qtbot.waitSignal(profile.saved):
        _click(qtbot, profile.save_button)
    assert profile.message.text() == "Saved."
    assert profile.windowTitle() == "Ava Thompson-Reyes — Profile"
    assert not profile.has_unsaved_changes

    person = window.people_panel.selected_person()
    assert person is not None
    assert (person.name, person.account, person.phone_e164, person.phone_extension) == (
        "Ava Thompson-Reyes",
        "Initech Software",
        "+14045550177",
        "204",
    )
    saved = PersonProfileService(context.database.sessions).load(person.id)
    assert [(n.kind, n.e164) for n in saved.numbers] == [
        ("office", "+14045550177"),
        ("mobile", "+14045550101"),
        ("home", "+442079460002"),
    ]

    _click(qtbot, profile.phone_rows[1].remove_button)
    _click(qtbot, profile.save_button)
    assert [n.e164 for n in profile.profile.numbers] == ["+14045550177", "+442079460002"]


def test_invalid_email_and_number_show_the_message_and_keep_the_text(
    qtbot: QtBot, window: MainWindow, context: AppContext
) -> None:
    profile = _open(qtbot, window, "ava")
    email = profile.edits["email"]
    email.clear()
    qtbot.keyClicks(email, "ava at acme")
    number = profile.phone_rows[1].number
    number.clear()
    qtbot.keyClicks(number, "12")
    qtbot.keyClicks(profile.phone_rows[0].extension, "x")
    with qtbot.assertNotEmitted(profile.saved):
        _click(qtbot, profile.save_button)

    email_error = profile.field_errors[Field.EMAIL]
    assert email_error.isVisible()
    assert email_error.text() == "“ava at acme” is not an email address, e.g. ava@example.com."
    assert profile.phone_rows[1].error.isVisible()
    assert profile.phone_rows[1].error.text() == (
        "“12” is too short for a number in the United States: check it, "
        "or add the country code (for example +44 for the UK)."
    )
    assert profile.phone_rows[0].error.text() == "“204x” is not an extension: use digits only."
    assert profile.message.text() == "Not saved: fix the 3 problems shown."
    assert (email.text(), number.text(), profile.phone_rows[0].extension.text()) == (
        "ava at acme",
        "12",
        "204x",
    )
    with context.database.sessions() as session:
        stored = session.scalars(select(Person.email).where(Person.first_name == "Ava")).one()
    assert stored == "ava.thompson@acme-logistics.example"

    email.clear()
    qtbot.keyClicks(email, "ava@acme.example")
    number.clear()
    qtbot.keyClicks(number, "+1 404 555 0101")
    qtbot.keyClick(profile.phone_rows[0].extension, Qt.Key.Key_Backspace)
    _click(qtbot, profile.save_button)
    assert profile.message.text() == "Saved."
    assert not email_error.isVisible() and not profile.phone_rows[1].error.isVisible()


def test_do_not_contact_blocks_dialling_from_every_path(
    qtbot: QtBot, phone: Phone, context: AppContext
) -> None:
    window, calls, engine = phone
    profile = _open(qtbot, window, "ava")
    profile.do_not_contact.click()
    _click(qtbot, profile.save_button)
    assert window.people_panel.selected_person().do_not_contact  # type: ignore[union-attr]

    _click(qtbot, profile.call_button)  # the profile's Call: number on the dial pad
    assert window.dial_pad.number_edit.text() == "+1 404-555-0100"
    assert window.dial_pad.person_id == profile.person_id
    with qtbot.waitSignal(calls.dial_refused) as refused:
        _click(qtbot, window.dial_pad.dial_button)
    assert refused.args == [AVA_BLOCKED]
    assert window.dial_pad.message_label.text() == AVA_BLOCKED
    # a link or a cadence step dials through the same service with the person's id
    with qtbot.waitSignal(calls.dial_refused) as refused:
        calls.dial("+1 404 555 0101", person_id=profile.person_id, person_name="Ava Thompson")
    assert refused.args == [AVA_BLOCKED]
    assert [c for c in engine.commands if c[0] == "dial"] == []
    assert calls.active_call is None

    profile.do_not_contact.click()  # cleared: calling works again
    _click(qtbot, profile.save_button)
    _click(qtbot, profile.phone_rows[1].call_button)  # the mobile's own Call button
    assert window.dial_pad.number_edit.text() == "+1 404-555-0101"
    _click(qtbot, window.dial_pad.dial_button)
    assert engine.last("dial")[3] == "+14045550101"


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


def test_a_saved_profile_updates_the_person_on_the_dial_pad(
    qtbot: QtBot, phone: Phone, context: AppContext
) -> None:
    window, calls, engine = phone
    pad = window.dial_pad
    _select(qtbot, window, "ava")
    qtbot.keyClick(window.people_panel.table, Qt.Key.Key_Return)  # Ava on the dial pad
    assert pad.person_label.text() == "Ava Thompson · Acme Logistics"
    profile = _open(qtbot, window, "ava")
    last = profile.edits["last_name"]
    last.clear()
    qtbot.keyClicks(last, "Reyes")
    profile.do_not_contact.click()
    new_mobile = profile.phone_rows[1].number
    new_mobile.clear()
    qtbot.keyClicks(new_mobile, "(404) 555-0144")
    with qtbot.waitSignal(profile.saved):
        _click(qtbot, profile.save_button)

    assert pad.number_edit.text() == "+1 404-555-0100"  # her office number, still hers
    assert pad.person_label.text() == "Ava Reyes ⛔ · Acme Logistics"
    assert (pad.person_id, pad.person_name) == (profile.person_id, "Ava Reyes")
    choices = [pad.numbers_combo.itemText(i) for i in range(pad.numbers_combo.count())]
    assert choices == ["Office · (404) 555-0100 ext. 204", "Mobile · (404) 555-0144"]
    with qtbot.waitSignal(calls.dial_refused) as refused:
        _click(qtbot, pad.dial_button)
    assert refused.args == [AVA_BLOCKED.replace("Ava Thompson", "Ava Reyes")]

    office = profile.phone_rows[0].number  # the number on the pad is no longer hers
    office.clear()
    qtbot.keyClicks(office, "(404) 555-0177")
    with qtbot.waitSignal(profile.saved):
        _click(qtbot, profile.save_button)
    assert pad.number_edit.text() == "+1 404-555-0100"
    assert (pad.person_id, pad.person_name) == (None, "")
    assert pad.person_label.text() == "Unknown number"
    assert not pad.numbers_combo.isVisible()
    assert [c for c in engine.commands if c[0] == "dial"] == []


def test_calls_tab_lists_every_call_with_this_person(
    qtbot: QtBot, window: MainWindow, context: AppContext
) -> None:
    ava = _select(qtbot, window, "ava")
    ben = _select(qtbot, window, "ben")
    store, logs = CallStore(context.database.sessions), CallLogStore(context.database.sessions)
    ids = {o.name: o.id for o in logs.options("disposition")}
    sentiments = {o.name: o.id for o in logs.options("sentiment")}
    ended = datetime.now(UTC)
    for uuid, person, outcome, duration in (
        ("ava-1", ava, "answered", 75.0),
        ("ava-2", ava, "no_answer", None),
        ("ben-1", ben, "busy", None),
    ):
        store.started(CallStart(uuid, person, "+14045550100", None, "Demo line"))
        store.finished(
            CallFinish(
                uuid,
                None,
                ended + timedelta(seconds=1),
                duration,
                200,
                "OK",
                outcome,
                "",
                None,
                False,
            )
        )
    logs.log(
        "ava-1",
        LogFields("Sent pricing", ids["Connected"], sentiments["Interested"]),
        success=True,
    )

    _select(qtbot, window, "ava")
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    profile = window.profile_windows[ava]
    model = profile.calls_page.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == [
        "When",
        "Number",
        "Duration",
        "Outcome",
        "Disposition",
        "Sentiment",
        "Notes",
        "Recording",
        "Log",
    ]
    rows = [[model.index(r, c).data() for c in range(1, 9)] for r in range(model.rowCount())]
    assert sorted(rows) == sorted(
        [
            [
                "+14045550100",
                "01:15",
                "answered",
                "Connected",
                "Interested",
                "Sent pricing",
                "No Recording",
                "logged ✓ success",
            ],
            ["+14045550100", "", "no answer", "", "", "", "No Recording", "not logged"],
        ]
    )
    assert profile.calls_page.filter_label.text() == "Calls with Ava Thompson"
    assert not profile.calls_page.all_button.isVisible()


def test_local_time_follows_the_zone_typed_and_ticks_each_minute(
    qtbot: QtBot, context: AppContext
) -> None:
    clock = [datetime(2024, 1, 15, 12, 0, 45, tzinfo=UTC)]
    with context.database.sessions() as session:
        ava = session.scalars(select(Person.id).where(Person.first_name == "Ava")).one()
    profile = PersonProfileWindow(
        PersonProfileService(context.database.sessions),
        context.database.calls_reader(),
        ava,
        lambda: "US",
        now=lambda: clock[0],
    )
    qtbot.addWidget(profile)
    assert profile.local_time_label.text() == "Local time 07:00 Mon"
    assert profile.clock_timer.isActive() and profile.clock_timer.interval() == 15_000
    qtbot.keyClicks(profile.edits["time_zone"], "Europe/London")
    assert profile.local_time_label.text() == "Local time 12:00 Mon"
    assert profile.time_zone_label.text() == "Europe/London"
    clock[0] += timedelta(seconds=15)
    profile.clock_timer.timeout.emit()
    assert profile.local_time_label.text() == "Local time 12:01 Mon"
    assert profile.clock_timer.interval() == 60_000

    profile.edits["time_zone"].clear()
    qtbot.keyClicks(profile.edits["time_zone"], "Atlanta")
    assert profile.time_zone_label.text() == "America/New_York (from the number)"
    _click(qtbot, profile.save_button)
    assert profile.field_errors[Field.TIME_ZONE].text().startswith("“Atlanta” is not a time zone")
    profile.edits["time_zone"].clear()  # nothing unsaved: closing asks nothing
    assert not profile.has_unsaved_changes


def test_closing_with_unsaved_changes_asks(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = _open(qtbot, window, "ava")
    qtbot.keyClicks(profile.edits["title"], " (EMEA)")
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: answers.pop(0))
    _click(qtbot, profile.close_button)
    assert profile.isVisible() and profile.edits["title"].text() == "VP Sales (EMEA)"
    with qtbot.waitSignal(profile.closed):
        _click(qtbot, profile.close_button)
    assert window.profile_windows == {}
    assert answers == []
    reopened = _open(qtbot, window, "ava")
    assert reopened is not profile and reopened.edits["title"].text() == "VP Sales"


def test_quitting_with_an_unsaved_profile_asks_first(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = _open(qtbot, window, "ava")
    qtbot.keyClicks(profile.edits["title"], " (EMEA)")
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save]
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: answers.pop(0))
    assert not window.close()  # Cancel: the app and the edit stay
    assert window.isVisible() and profile.edits["title"].text() == "VP Sales (EMEA)"
    assert window.close()  # Save: saved, then quit
    assert answers == []
    assert _select(qtbot, window, "ava") == profile.person_id
    assert window.people_panel.selected_person().title == "VP Sales (EMEA)"  # type: ignore[union-attr]


def test_saving_a_person_deleted_meanwhile_says_so(
    qtbot: QtBot, window: MainWindow, context: AppContext
) -> None:
    profile = _open(qtbot, window, "ava")
    with context.database.sessions.begin() as session:
        person = session.get(Person, profile.person_id)
        session.delete(person)
    with qtbot.assertNotEmitted(profile.saved):
        _click(qtbot, profile.save_button)
    assert profile.message.text() == f"Not saved: There is no person {profile.person_id} any more."
