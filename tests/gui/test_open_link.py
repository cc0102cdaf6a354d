"""Clicked tel:/callto:/sip: links on the real main window, and through the real local socket."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDir, Qt
from PySide6.QtNetwork import QLocalSocket
from pytestqt.qtbot import QtBot

from dialer_app.app import AppContext, serve_links
from dialer_app.db.models import PhoneKind, PhoneNumber
from dialer_app.engine.events import CallState, CallStateChanged
from dialer_app.paths import AppPaths
from dialer_app.services.calls import CallService
from dialer_app.single_instance import MAX_MESSAGE_BYTES, LinkServer, send_link, server_name
from dialer_app.ui.main_window import MainWindow
from tests.gui.fake_engine import FakeEngine

AVA, BEN = 1, 2  # the demo team's first people: Ava +1 404-555-0100 ext. 204, Ben ...0486


def _pad(window: MainWindow) -> tuple[str, str, int | None, str]:
    pad = window.dial_pad
    return pad.number_edit.text(), pad.extension_edit.text(), pad.person_id, pad.person_name


def test_a_link_puts_the_number_on_the_pad_matched_to_its_owner(window: MainWindow) -> None:
    window.open_link("tel:+1-404-555-0100")
    assert _pad(window) == ("+1 404-555-0100", "204", AVA, "Ava Thompson")  # stored extension
    assert "Ava Thompson" in window.dial_pad.person_label.text()
    assert window.dial_pad.number_edit.hasFocus()


def test_the_links_own_extension_wins(window: MainWindow) -> None:
    window.open_link("callto://+14045550100;ext=77")
    assert _pad(window)[:3] == ("+1 404-555-0100", "77", AVA)


def test_person_in_the_link_wins_over_the_numbers_owner(window: MainWindow) -> None:
    window.open_link(f"tel:+14045550100?person={BEN}")
    number, extension, person_id, name = _pad(window)
    assert (number, person_id, name) == ("+1 404-555-0100", BEN, "Ben Carter")
    assert extension == ""  # Ava's extension is not Ben's


def test_unknown_or_junk_person_falls_back_to_the_number(window: MainWindow) -> None:
    window.open_link("tel:+14045550100?person=999999")
    assert _pad(window)[2] == AVA
    window.open_link("tel:+14045550100?person=drop%20table")
    assert _pad(window)[2] == AVA


def test_a_number_nobody_has_goes_on_the_pad_without_a_person(window: MainWindow) -> None:
    window.open_link(f"tel:+14045550100?person={BEN}")
    window.open_link("tel:4045551234")  # local: the rep's region (US) completes it
    assert _pad(window) == ("+1 404-555-1234", "", None, "")
    assert window.dial_pad.person_label.text() == "Unknown number"


def test_a_shared_number_offers_its_owners(window: MainWindow, context: AppContext) -> None:
    with context.database.sessions.begin() as session:
        session.add(
            PhoneNumber(
                person_id=BEN,
                kind=PhoneKind.OFFICE,
                e164="+14045550100",
                original="+1 404-555-0100",
                digits="14045550100",
                position=5,
            )
        )
    window.open_link("tel:+14045550100")
    assert "2 people have this number" in window.dial_pad.person_label.text()
    assert window.dial_pad.owners_combo.count() == 2  # the first is chosen until the rep picks


def test_a_bad_link_says_why_on_the_dial_pad(window: MainWindow) -> None:
    window.open_link("tel:+14045550100")
    window.open_link("sip:alice@example.com")
    assert "sip:alice@example.com is not a phone number" in window.dial_pad.message_label.text()
    assert _pad(window) == ("", "", None, "")


def test_an_undiallable_number_is_shown_with_the_reason(window: MainWindow) -> None:
    window.open_link("tel:+1-555-000-0000")
    assert window.dial_pad.number_edit.text() == "+1 555-000-0000"
    assert "not a valid number" in window.dial_pad.message_label.text()


def test_a_minimised_window_comes_back(qtbot: QtBot, window: MainWindow) -> None:
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    window.left_tabs.setCurrentIndex(window.left_tabs.count() - 1)
    window.open_link("tel:+14045550100")
    qtbot.waitUntil(lambda: not window.isMinimized())
    assert window.isVisible()
    assert window.left_tabs.currentIndex() == 0


def test_during_a_call_the_pad_is_left_alone(
    qtbot: QtBot, phone: tuple[MainWindow, CallService, FakeEngine]
) -> None:
    window, calls, engine = phone
    window.open_link("tel:+14045550100")
    qtbot.mouseClick(window.dial_pad.dial_button, Qt.MouseButton.LeftButton)
    call_id = str(engine.last("dial")[1])
    with qtbot.waitSignal(calls.call_changed):
        engine.on_event(CallStateChanged(call_id, CallState.CONNECTED, 200, "OK"))
    window.open_link(f"tel:+14045550486?person={BEN}")
    assert _pad(window)[:3] == ("+1 404-555-0100", "204", AVA)
    assert "You are on a call: (404) 555-0486 was not put" in window.statusBar().currentMessage()
    window.open_link("sip:bob@example.com")
    assert "not a phone number" in window.statusBar().currentMessage()
    assert window.dial_pad.message_label.text() == ""


@pytest.fixture
def served(window: MainWindow, isolated_dirs: Path) -> Iterator[str]:
    """The window listening for links exactly as run_app wires it; yields the server name."""
    serve_links(AppPaths.resolve(isolated_dirs), window)
    server = window.findChild(LinkServer)
    assert server is not None and server.listening
    yield server_name(isolated_dirs)
    server.close()


def _reply(qtbot: QtBot, name: str, payload: bytes) -> bytes:
    """What the server answers one raw client message (a real QLocalSocket, asynchronously)."""
    client = QLocalSocket()
    client.connectToServer(name)
    assert client.waitForConnected(1000)
    client.write(payload)
    qtbot.waitUntil(lambda: client.bytesAvailable() > 0)
    reply = bytes(client.readAll().data())
    client.abort()
    return reply


def test_a_local_socket_message_reaches_the_window(
    qtbot: QtBot, window: MainWindow, served: str
) -> None:
    message = json.dumps({"open": f"tel:+14045550486?person={BEN}"}).encode() + b"\n"
    assert _reply(qtbot, served, message) == b"ok\n"
    assert _pad(window) == ("+1 404-555-0486", "", BEN, "Ben Carter")


def test_junk_on_the_socket_is_refused_without_touching_the_window(
    qtbot: QtBot, window: MainWindow, served: str
) -> None:
    window.open_link("tel:+14045550100")
    for junk in (b"not json\n", b'{"open": 5}\n', b"[1, 2]\n", b'{"dial": "tel:+1"}\n'):
        assert _reply(qtbot, served, junk) == b"error\n"
    assert _reply(qtbot, served, b"x" * (MAX_MESSAGE_BYTES + 10)) == b"error\n"
    assert _pad(window)[2] == AVA


def test_send_link_from_another_process_is_answered_ok(
    qtbot: QtBot, window: MainWindow, served: str
) -> None:
    """The blocking client, in its own process as `dialer-app tel:...` runs it (a thread would
    hold the GIL while it blocks, so the window could not answer)."""
    client = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from dialer_app.single_instance import send_link; "
            "sys.exit(0 if send_link(sys.argv[1], sys.argv[2]) else 3)",
            served,
            f"callto:+14045550102?person={BEN}",
        ]
    )
    try:
        qtbot.waitUntil(lambda: client.poll() is not None, timeout=30_000)
    finally:
        client.kill()
        client.wait()
    assert client.returncode == 0
    assert _pad(window) == ("+1 404-555-0102", "", BEN, "Ben Carter")


def test_nobody_listening_means_no_hand_over(isolated_dirs: Path) -> None:
    assert (
        send_link(server_name(isolated_dirs / "elsewhere"), "tel:+1404", connect_timeout_ms=200)
        is False
    )


def test_a_second_server_leaves_the_running_one_alone(
    qtbot: QtBot, window: MainWindow, served: str
) -> None:
    second = LinkServer(served)
    assert second.listen() is False
    assert _reply(qtbot, served, b'{"open": "tel:+14045550102"}\n') == b"ok\n"
    assert _pad(window)[2] == BEN


def test_a_socket_left_by_a_crash_is_taken_over(
    qtbot: QtBot, window: MainWindow, isolated_dirs: Path
) -> None:
    name = server_name(isolated_dirs)
    stale = Path(QDir.tempPath()) / name
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(stale))  # bound, never listening, then gone: what a killed app leaves
    dead.close()
    assert stale.exists()
    assert send_link(name, "tel:+14045550102") is False  # nobody answers on it
    serve_links(AppPaths.resolve(isolated_dirs), window)
    server = window.findChild(LinkServer)
    assert server is not None and server.listening
    assert _reply(qtbot, name, b'{"open": "tel:+14045550102"}\n') == b"ok\n"
    assert _pad(window)[2] == BEN
    server.close()
    assert not stale.exists()


def test_names_differ_per_data_folder(tmp_path: Path) -> None:
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert server_name(tmp_path / "a") == server_name(tmp_path / "x" / ".." / "a")
    assert len(server_name(tmp_path / ("deep" * 60))) < 40
