"""The sync in the window (pytest-qt): the status bar indicator and its Retry, the calls
list's Sync column, Settings → Team server's Test connection against the real server, and
the team call log settings read-only for a rep once a server is set."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from dialer_app.app import AppContext
from dialer_app.secrets import API_TOKEN, SecretStore
from dialer_app.settings import Settings
from dialer_app.sync.engine import Progress
from dialer_app.sync.qt_bridge import SyncBridge
from dialer_app.sync.status_text import MANAGED_BY_SERVER, describe
from dialer_app.sync.worker import SyncStatus
from dialer_app.ui.settings_team_server import TeamServerPage
from dialer_app.ui.sync_indicator import SyncIndicator
from tests.server.conftest import Server
from tests.sync.conftest import Client
from tests.sync.helpers import log_call


def test_the_indicator_words() -> None:
    assert describe(SyncStatus("synced")).text == "Synced"
    assert describe(SyncStatus("syncing", pending=3)).text == "Syncing 3 items…"
    progress = SyncStatus("syncing", progress=Progress("push", 50, 200))
    assert describe(progress).text == "Syncing: sending 25 %"
    since = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    offline = describe(SyncStatus("offline", since=since, reason="Can't reach it"))
    assert offline.text == f"Offline since {since.astimezone().strftime('%H:%M')}"
    assert offline.retry and offline.tooltip == "Can't reach it"
    error = describe(SyncStatus("error", reason="The server refused the token: …"))
    assert error.text == "Sync error" and error.retry


def test_the_indicator_shows_the_worker_s_status_and_retries(
    qtbot: QtBot, team_server: Server, make_client: Callable[[str], Client]
) -> None:
    client = make_client("ui")
    log_call(client.database)
    indicator = SyncIndicator()
    qtbot.addWidget(indicator)
    bridge = SyncBridge()
    bridge.status_changed.connect(indicator.show_status)
    engine = client.sync_engine(team_server.base_url, team_server.tokens["rep"])
    bridge.start(engine)
    try:
        qtbot.waitUntil(lambda: indicator.label.text().startswith("Synced"), timeout=60_000)
        assert bridge.role == "rep"
        retried = threading.Event()
        assert bridge.worker is not None
        original = bridge.worker.retry_now

        def retry_now() -> None:
            retried.set()
            original()

        bridge.worker.retry_now = retry_now  # type: ignore[method-assign]
        indicator.retry_requested.connect(bridge.retry)
        indicator.show_status(SyncStatus("error", reason="The server refused the token"))
        assert not indicator.retry_button.isHidden()
        indicator.retry_button.click()
        assert retried.is_set()
    finally:
        bridge.stop()
    assert engine.api._http.is_closed  # a stopped sync leaves no connection open


def test_test_connection_says_who_the_token_belongs_to(
    qtbot: QtBot, team_server: Server, memory_keyring: object
) -> None:
    store = SecretStore()
    store.set(API_TOKEN, team_server.tokens["rep"])
    page = TeamServerPage(Settings(team_server_url=team_server.base_url), store)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.tested, timeout=30_000):
        page.test()
    assert page.result_label.text() == "✓ Connected as rep@acme.test (rep, team Acme)."
    page.token_edit.setText("dlr_wrong")
    with qtbot.waitSignal(page.tested, timeout=30_000):
        page.test()
    assert "The server refused the token: create a new one with" in page.result_label.text()


def test_a_rep_s_team_call_log_settings_are_read_only_with_a_server(
    qtbot: QtBot, context: AppContext
) -> None:
    from dialer_app.app import create_main_window

    context.settings = context.settings.with_changes(team_server_url="https://dialer.example")
    window = create_main_window(context)
    qtbot.addWidget(window)
    assert window.team_settings_managed()
    assert not window.sync_indicator.isHidden()
    bridge = SyncBridge(window)
    nudged: list[bool] = []
    bridge.nudge = lambda: nudged.append(True)  # type: ignore[method-assign]
    window.attach_sync(bridge)
    assert window._deps.logger is not None
    window._deps.logger.logged.emit(object())
    assert nudged == [True]
    bridge.status_changed.emit(SyncStatus("offline", reason="Can't reach the team server"))
    assert window.sync_indicator.label.text().startswith("Offline since")
    assert not window.sync_indicator.retry_button.isHidden()
    from dialer_app.services.team_options import TeamOptionsService
    from dialer_app.ui.team_call_log_dialog import TeamCallLogDialog

    dialog = TeamCallLogDialog(TeamOptionsService(context.database.sessions))
    qtbot.addWidget(dialog)
    dialog.set_read_only(MANAGED_BY_SERVER)
    assert dialog.managed_label.text() == "Managed by your team server"
    assert not dialog.dispositions.isEnabled()


def test_the_app_starts_the_sync_and_restarts_it_when_settings_change(
    qtbot: QtBot, team_server: Server, context: AppContext
) -> None:
    from dialer_app.app import create_main_window, start_sync

    context.secrets.set(API_TOKEN, team_server.tokens["rep"])
    context.settings = context.settings.with_changes(team_server_url=team_server.base_url)
    window = create_main_window(context)
    qtbot.addWidget(window)
    start_sync(context, window)
    assert window.sync is not None
    try:
        qtbot.waitUntil(
            lambda: window.sync_indicator.label.text().startswith("Synced"), timeout=90_000
        )
        assert window.sync.role == "rep" and window.team_settings_managed()
        window.apply_settings(context.settings.with_changes(team_server_url="http://example.com"))
        qtbot.waitUntil(lambda: window.sync_indicator.label.text() == "Sync error", timeout=30_000)
        assert "Refusing plain http://" in window.sync_indicator.label.toolTip()
    finally:
        window.sync.stop()
