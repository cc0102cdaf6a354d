"""Composition root: open the database, build services, show the main window.

The only module besides ui/ that may import Qt widgets (to show a fatal error box).
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass

from dialer_app import APP_DISPLAY_NAME, APP_NAME, __version__
from dialer_app.db.database import Database, open_database
from dialer_app.paths import AppPaths
from dialer_app.secrets import SecretStore
from dialer_app.settings import Settings, load_settings, save_settings

log = logging.getLogger(__name__)

STARTUP_PROBE_ENV = "DIALER_APP_STARTUP_PROBE"
"""When set, print 'startup-idle' once the window is shown and idle, then quit (benchmarks)."""


@dataclass
class AppContext:
    paths: AppPaths
    settings: Settings
    database: Database
    secrets: SecretStore

    def save_settings(self, settings: Settings) -> None:
        self.settings = settings
        save_settings(self.paths.settings_file, settings)

    def close(self) -> None:
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


def create_main_window(context: AppContext):  # type: ignore[no-untyped-def]
    from dialer_app.services.calls import CallService
    from dialer_app.services.people import PeopleService
    from dialer_app.ui.main_window import MainWindow, MainWindowDeps

    calls = CallService(context.settings.default_region)
    deps = MainWindowDeps(
        settings=context.settings,
        save_settings=context.save_settings,
        people=PeopleService(context.database.people_reader()),
        calls=calls,
        secrets=context.secrets,
    )
    window = MainWindow(deps)
    calls.setParent(window)
    return window


def run_app(paths: AppPaths, *, demo: bool) -> int:
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
    window = create_main_window(context)
    window.show()
    if os.environ.get(STARTUP_PROBE_ENV):

        def probe() -> None:
            print("startup-idle", flush=True)
            app.quit()

        QTimer.singleShot(0, probe)
    try:
        return app.exec()
    finally:
        context.close()
