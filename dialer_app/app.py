"""Composition root: open the database, build services, show the main window.

The only module besides ui/ that may import Qt widgets (to show a fatal error box).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dialer_app import APP_DISPLAY_NAME, APP_NAME, __version__
from dialer_app.db.database import Database, open_database
from dialer_app.paths import AppPaths
from dialer_app.secrets import SecretStore
from dialer_app.settings import Settings, load_settings, save_settings

if TYPE_CHECKING:
    from dialer_app.services.calls import CallService
    from dialer_app.services.email_sender import SenderThread
    from dialer_app.services.people import PeopleService
    from dialer_app.services.recordings import RecordingService
    from dialer_app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

STARTUP_PROBE_ENV = "DIALER_APP_STARTUP_PROBE"
"""When set, print 'startup-idle' once the window is shown and idle, then quit (benchmarks)."""


@dataclass
class AppContext:
    paths: AppPaths
    settings: Settings
    database: Database
    secrets: SecretStore
    sender: SenderThread | None = None
    """The background email sender (issue 9), started after the first paint."""

    def save_settings(self, settings: Settings) -> None:
        self.settings = settings
        save_settings(self.paths.settings_file, settings)

    def smtp_password(self, username: str) -> str | None:
        from dialer_app.secrets import smtp_password_key

        return self.secrets.get(smtp_password_key(username))

    def wake_sender(self) -> None:
        if self.sender is not None:
            self.sender.wake()

    def stop_sender(self) -> None:
        """Waits for a message in flight: quitting mid-SMTP would leave it "unknown"."""
        if self.sender is not None:
            self.sender.stop()
            self.sender = None

    def close(self) -> None:
        self.stop_sender()
        self.database.close()


def open_context(paths: AppPaths, *, demo: bool) -> AppContext:
    """Everything but widgets. Raises DatabaseProblem (with a message for the rep)."""
    paths.ensure()
    settings = load_settings(paths.settings_file)
    database = open_database(paths.database)
    if demo or (database.created and not settings.default_line):
        from dialer_app.demo.seed import seed_demo

        with database.sessions.begin() as session:
            seed_demo(session)
    return AppContext(paths, settings, database, SecretStore())


class _Deferred:
    """Builds the real object on first use: the ORM side of the database costs ~300 ms to
    import (FACTS.md), so it loads when the first call needs it, not at start-up."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self._target: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._target is None:
            self._target = self._factory()
        return getattr(self._target, name)


def _call_store(database: Database) -> Any:
    from dialer_app.db.call_store import CallStore

    return CallStore(database.sessions)


def _team_options(database: Database) -> Any:
    from dialer_app.services.team_options import TeamOptionsService

    return TeamOptionsService(database.sessions)


def _person_profiles(database: Database) -> Any:
    from dialer_app.services.person_profile import PersonProfileService

    return PersonProfileService(database.sessions)


def _cadences(context: AppContext) -> Any:
    from dialer_app.services.cadences import CadenceService

    return CadenceService(context.database.sessions, lambda: context.settings.time_zone)


def _email_steps(context: AppContext) -> Any:
    from dialer_app.services.email_steps import EmailStepService

    return EmailStepService(
        context.database.sessions,
        lambda: context.settings,
        context.smtp_password,
        wake_sender=context.wake_sender,
    )


def start_email_sender(context: AppContext, window: MainWindow) -> None:
    """The background sender: sends what fell due while the app was closed, then whatever
    comes due (DESIGN.md: never on the GUI thread)."""
    if context.sender is not None:
        return
    from dialer_app.db.email_store import EmailStore
    from dialer_app.services.email_sender import EmailSender, SenderThread
    from dialer_app.services.email_steps import smtp_account

    def account() -> Any:
        settings = context.settings
        found = smtp_account(settings)
        return found, context.smtp_password(found.username) if found.username else None

    sender = EmailSender(EmailStore(context.database.sessions), account)
    context.sender = SenderThread(sender, window.email_outcome.emit)
    context.sender.start()


def _recording_governance(database: Database) -> Any:
    from dialer_app.db.recording_governance_store import RecordingGovernanceStore

    return RecordingGovernanceStore(database.sessions)


def _call_log_store(database: Database) -> Any:
    from dialer_app.db.call_log_store import CallLogStore

    return CallLogStore(database.sessions)


def _recording_governance_store(database: Database) -> Any:
    from dialer_app.db.recording_governance_store import RecordingGovernanceStore

    return RecordingGovernanceStore(database.sessions)


def _recording_store(database: Database) -> Any:
    from dialer_app.db.recording_store import RecordingStore

    return RecordingStore(database.sessions)


def create_recording_service(
    context: AppContext, calls: CallService, people: PeopleService
) -> RecordingService:
    """The stores are deferred: their first use is the start-up housekeeping thread, so the
    ORM import stays off the GUI thread (start() loads the rules there)."""
    from dialer_app.recordings.storage import RecordingFiles
    from dialer_app.services.recordings import RecordingService

    database = context.database
    return RecordingService(
        calls,
        governance=_Deferred(lambda: _recording_governance_store(database)),
        store=_Deferred(lambda: _recording_store(database)),
        files=RecordingFiles(context.paths.recordings_dir),
        # seed 001: only calls to a Person's number are recorded
        owns_number=lambda e164: bool(people.people_with_number(e164)),
    )


def resource_path(*parts: str) -> Path:
    from importlib import resources

    return Path(str(resources.files("dialer_app.resources").joinpath(*parts)))


def voicemail_greeting_path(paths: AppPaths) -> Path:
    return paths.data_dir / "voicemail" / "greeting.wav"


def _sip_engine_factory(config: Any, on_event: Any) -> Any:
    from dialer_app.engine import SipEngine

    return SipEngine(config, on_event)


def create_call_service(context: AppContext, *, with_engine: bool = True) -> CallService:
    from dialer_app.engine.config import EngineConfig
    from dialer_app.services.calls import CallService, DemoMedia

    has_trunks = bool(context.settings.lines)
    return CallService(
        context.settings.default_region,
        engine_factory=_sip_engine_factory if with_engine else None,
        # Demo-only: every SIP/RTP socket stays on loopback. Real trunks need the LAN address.
        engine_config=EngineConfig(
            bind_address="" if has_trunks else "127.0.0.1",
            log_file=str(context.paths.log_dir / "sip.log"),
            log_level=3,
        ),
        store=_Deferred(lambda: _call_store(context.database)),
        voicemail_greeting=voicemail_greeting_path(context.paths),
        demo_media=DemoMedia(
            prompt=resource_path("demo", "prompt.wav"),
            beep=resource_path("demo", "beep.wav"),
            greeting=resource_path("demo", "greeting.wav"),
        ),
        ring_timeout_s=float(context.settings.ring_timeout_s),
        # Checked before every dial (dial pad, links, cadences): the flag is the service's rule.
        is_do_not_contact=context.database.people_reader().is_do_not_contact,
    )


def start_calls(context: AppContext, calls: CallService, *, demo: bool) -> None:
    """Start the engine with the configured lines (the demo line is always there)."""
    from dialer_app.services.lines import load_line_setups

    setups, problems = load_line_setups(context.settings.lines, context.secrets)
    for problem in problems:
        calls.notice.emit(problem.message)
    calls.start(setups, "" if demo else context.settings.default_line)


def create_main_window(
    context: AppContext,
    calls: CallService | None = None,
    *,
    recordings: RecordingService | None = None,
) -> MainWindow:
    from dialer_app.recordings.storage import RecordingFiles
    from dialer_app.services.call_logger import CallLoggerService
    from dialer_app.services.people import PeopleService
    from dialer_app.ui.main_window import MainWindow, MainWindowDeps

    if calls is None:
        calls = create_call_service(context, with_engine=False)
    logger = CallLoggerService(_Deferred(lambda: _call_log_store(context.database)), calls)
    people = PeopleService(context.database.people_reader())
    if recordings is None:
        recordings = create_recording_service(context, calls, people)
    deps = MainWindowDeps(
        settings=context.settings,
        save_settings=context.save_settings,
        people=people,
        calls=calls,
        secrets=context.secrets,
        ringback_wav=resource_path("sounds", "ringback.wav"),
        logger=logger,
        calls_reader=context.database.calls_reader(),
        team_options=lambda: _team_options(context.database),
        import_sessions=lambda: context.database.sessions,
        person_profiles=lambda: _person_profiles(context.database),
        cadences=lambda: _cadences(context),
        emails=lambda: _email_steps(context),
        recordings_reader=context.database.recordings_reader(),
        recording_files=RecordingFiles(context.paths.recordings_dir),
        recording_governance=lambda: _recording_governance(context.database),
        recordings=recordings,
    )
    window = MainWindow(deps)
    calls.setParent(window)
    logger.setParent(window)
    recordings.setParent(window)
    return window


def run_app(paths: AppPaths, *, demo: bool, link: str | None = None) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from dialer_app.db.errors import DatabaseProblem

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setApplicationVersion(__version__)
    try:
        context = open_context(paths, demo=demo)
    except DatabaseProblem as exc:
        log.error("cannot open the database: %s", exc)
        QMessageBox.critical(None, f"{APP_DISPLAY_NAME} cannot open its database", str(exc))
        return 2
    calls = create_call_service(context)
    window = create_main_window(context, calls)
    window.show()
    if os.environ.get(STARTUP_PROBE_ENV):

        def probe() -> None:
            print("startup-idle", flush=True)
            app.quit()

        QTimer.singleShot(0, probe)
    start_session(context, window, calls, demo=demo)
    QTimer.singleShot(0, lambda: serve_links(paths, window, link))
    app.aboutToQuit.connect(calls.shutdown)
    if window.recording_service is not None:
        app.aboutToQuit.connect(window.recording_service.shutdown)
    app.aboutToQuit.connect(context.stop_sender)
    try:
        return app.exec()
    finally:
        calls.shutdown()
        context.close()


def start_session(
    context: AppContext, window: MainWindow, calls: CallService, *, demo: bool
) -> None:
    """After the first paint: boot the engine (its own thread), warm the ORM up (another
    thread), reopen a call log a crash left unsaved, and (a third thread) load the recording
    rules, repair recordings a crash cut short and apply the retention rule."""
    from PySide6.QtCore import QTimer

    from dialer_app.db.open_logs import has_open_logs

    QTimer.singleShot(0, lambda: start_calls(context, calls, demo=demo))
    if window.recording_service is not None:
        QTimer.singleShot(0, window.recording_service.start)
    QTimer.singleShot(1000, _warm_up_orm)
    QTimer.singleShot(1500, lambda: start_email_sender(context, window))
    QTimer.singleShot(2000, lambda: start_sync(context, window))
    if has_open_logs(context.database.path):
        QTimer.singleShot(0, window.recover_open_logs)


def start_sync(context: AppContext, window: MainWindow) -> None:
    """After the first paint: the background sync with the team server, if one is set, and
    again (with the new address or token) whenever the rep saves Settings.

    The keyring read, the connection and stopping a running pass happen on a thread; the
    worker is a plain thread too; the window only hears its status through the Qt bridge."""
    import threading

    from PySide6.QtWidgets import QApplication

    from dialer_app.sync.qt_bridge import SyncBridge

    bridge = SyncBridge(window)
    window.attach_sync(bridge)

    def build(url: str) -> None:
        from dialer_app.secrets import API_TOKEN
        from dialer_app.sync.client import ServerApi, SyncError
        from dialer_app.sync.engine import SyncEngine
        from dialer_app.sync.worker import SyncStatus

        bridge.stop()
        if not url:
            return
        try:
            api = ServerApi(
                url,
                context.secrets.get(API_TOKEN) or "",
                allow_insecure_http=context.settings.allow_insecure_http,
            )
        except SyncError as exc:
            bridge.status_changed.emit(SyncStatus("error", reason=str(exc)))
            return
        bridge.start(SyncEngine(context.database.engine, api, context.paths.recordings_dir))

    def restart(_settings: object = None) -> None:
        url = context.settings.team_server_url
        threading.Thread(target=build, args=(url,), name="sync-start", daemon=True).start()

    window.settings_applied.connect(restart)
    if context.settings.team_server_url:
        restart()
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(bridge.stop)


def serve_links(paths: AppPaths, window: MainWindow, link: str | None = None) -> None:
    """After the first paint: receive tel:/callto:/sip: links from later `dialer-app tel:...`
    processes, and open the one this process was started with."""
    from PySide6.QtWidgets import QApplication

    from dialer_app.single_instance import LinkServer, server_name

    server = LinkServer(server_name(paths.data_dir), window)
    server.link_received.connect(window.open_link)
    server.listen()
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(server.close)  # removes the socket file
    if link is not None:
        window.open_link(link)


def _warm_up_orm() -> None:
    """Import SQLAlchemy in the background so the first call's database write does not stall."""
    import threading

    threading.Thread(target=lambda: __import__("dialer_app.db.call_store"), daemon=True).start()
