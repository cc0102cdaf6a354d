"""`dialer-app sync [--once]`: sync with the team server from the command line.

A progress bar per phase (push, pull, upload), the server's reasons for refused records,
and an exit code: 0 synced, 1 some records were refused, 2 the sync could not run (no server
configured, token refused, server unreachable with --once).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from dialer_app.paths import AppPaths

EXIT_OK, EXIT_REFUSED, EXIT_FAILED = 0, 1, 2
TOKEN_ENV = "DIALER_APP_SYNC_TOKEN"
"""For headless machines without a keyring (CI, a server-side import job)."""

Out = Callable[[str], object]


def load_token() -> str:
    """The API token from the keyring (Settings → Team server), else the environment."""
    from dialer_app.secrets import API_TOKEN, SecretStore

    return SecretStore().get(API_TOKEN) or os.environ.get(TOKEN_ENV, "")


def run_sync(paths: AppPaths, *, once: bool, out: Out = print) -> int:
    from dialer_app.db.database import open_database
    from dialer_app.db.errors import DatabaseProblem
    from dialer_app.import_command import _ProgressBar
    from dialer_app.settings import load_settings
    from dialer_app.sync.client import ServerApi, SyncError
    from dialer_app.sync.engine import Progress, SyncEngine

    settings = load_settings(paths.settings_file)
    if not settings.team_server_url:
        out("dialer-app sync: no team server is set: add its address in Settings → Team server.")
        return EXIT_FAILED
    try:
        database = open_database(paths.database)
    except DatabaseProblem as exc:
        out(f"dialer-app sync: {exc}")
        return EXIT_FAILED
    tty = out is print and sys.stdout.isatty()
    bars: dict[str, _ProgressBar] = {}

    def progress(p: Progress) -> None:
        if p.phase not in bars:
            out(
                {
                    "push": "Pushing local changes:",
                    "pull": "Pulling the team's changes:",
                    "upload": "Uploading recordings (bytes):",
                    "download": "Downloading recordings (bytes):",
                }.get(p.phase, f"{p.phase.capitalize()}:")
            )
            bars[p.phase] = _ProgressBar(out, tty)
        bars[p.phase](p.done, p.total)

    try:
        api = ServerApi(
            settings.team_server_url, load_token(), allow_insecure_http=settings.allow_insecure_http
        )
    except SyncError as exc:
        out(f"dialer-app sync: {exc}")
        database.close()
        return EXIT_FAILED
    engine = SyncEngine(database.engine, api, paths.recordings_dir)
    try:
        return _loop(engine, once, progress, out)
    finally:
        api.close()
        database.close()


def _loop(engine: object, once: bool, progress: Callable[..., None], out: Out) -> int:
    import time

    from dialer_app.sync.client import SyncError
    from dialer_app.sync.engine import SyncEngine
    from dialer_app.sync.worker import backoff_delay

    assert isinstance(engine, SyncEngine)
    failures = 0
    while True:
        try:
            me = engine.me()
            out(f"Syncing {me.email} ({me.role}, team {me.team}) with {engine.api.base_url}")
            report = engine.run_once(progress)
        except SyncError as exc:
            engine_error(engine, str(exc))
            out(f"dialer-app sync: {exc}")
            if once or not exc.retry:
                return EXIT_FAILED
            failures += 1
            time.sleep(backoff_delay(failures))
            continue
        except KeyboardInterrupt:
            return EXIT_OK
        failures = 0
        out(
            f"Synced: {report.pushed} changes sent, {report.pulled} received, "
            f"{report.uploaded} recordings uploaded, {report.downloaded} downloaded."
        )
        for reason in report.refused:
            out(f"  refused: {reason}")
        if once:
            return EXIT_REFUSED if report.refused else EXIT_OK
        try:
            time.sleep(30)
        except KeyboardInterrupt:
            return EXIT_OK


def engine_error(engine: object, reason: str) -> None:
    from dialer_app.sync.engine import SyncEngine

    if isinstance(engine, SyncEngine):
        try:
            engine.record_error(reason)
        except Exception:  # the sync_state row may not exist before the first /me
            return
