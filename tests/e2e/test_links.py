"""`dialer-app tel:...` as the desktop runs it when a link is clicked: a real second process
hands the link to the running app (real local socket), or starts the app with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dialer_app.single_instance import server_name

APP = [sys.executable, "-m", "dialer_app"]
READY = "listening for links on"
TIMEOUT_S = 60
AVA, BEN = 1, 2  # demo team: Ava owns +1 404-555-0100


def _env() -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DIALER_APP_DATA_DIR", None)  # --data-dir on every command instead
    return env


def _log(data_dir: Path) -> str:
    try:
        return (data_dir / "logs" / "dialer.log").read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def _wait_for(condition: Callable[[], bool], what: str, app: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not condition():
        if app.poll() is not None:
            raise AssertionError(f"the app exited ({app.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Apps:
    """Starts app processes on one data folder; stops every one of them afterwards."""

    def __init__(self, data_dir: Path, output: Path) -> None:
        self.data_dir = data_dir
        self._output = output
        self._processes: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        with (self._output / f"app-{len(self._processes)}.out").open("wb") as out:
            process = subprocess.Popen(
                [*APP, "--data-dir", str(self.data_dir), *args],
                env=_env(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self._processes.append(process)
        return process

    def send(self, link: str) -> subprocess.CompletedProcess[str]:
        """What the desktop runs for a clicked link, as a separate short-lived process."""
        return subprocess.run(
            [*APP, "--data-dir", str(self.data_dir), link],
            env=_env(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )

    def stop_all(self) -> None:
        for process in self._processes:
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        socket_file = Path(tempfile.gettempdir()) / server_name(self.data_dir)
        socket_file.unlink(missing_ok=True)  # a terminated app cannot remove its own


@pytest.fixture
def apps(tmp_path: Path) -> Iterator[Apps]:
    launcher = Apps(tmp_path / "data", tmp_path)
    try:
        yield launcher
    finally:
        launcher.stop_all()


def test_a_link_reaches_the_running_app(apps: Apps) -> None:
    app = apps.start("--demo")
    _wait_for(lambda: READY in _log(apps.data_dir), "the link server", app)

    sent = apps.send(f"tel:+1-404-555-0100?person={BEN}")

    assert sent.returncode == 0, sent.stderr
    assert sent.stdout == ""
    _wait_for(lambda: f"opened link: person {BEN}" in _log(apps.data_dir), "the link", app)
    log = _log(apps.data_dir)
    assert "handed a link to the running instance" in log
    assert log.count(READY) == 1  # no second app was started
    assert app.poll() is None

    second = apps.send("tel:+14045550100")  # no person: matched by the number
    assert second.returncode == 0, second.stderr
    _wait_for(lambda: f"opened link: person {AVA}" in _log(apps.data_dir), "the 2nd link", app)


def test_with_no_app_running_the_link_starts_it(apps: Apps) -> None:
    app = apps.start("--demo", f"tel:+14045550100?person={BEN}")
    _wait_for(lambda: f"opened link: person {BEN}" in _log(apps.data_dir), "the link", app)
    _wait_for(lambda: READY in _log(apps.data_dir), "the link server", app)
    assert "handed a link" not in _log(apps.data_dir)

    sent = apps.send("callto:+14045550100")  # and now it is the running app
    assert sent.returncode == 0, sent.stderr
    _wait_for(lambda: f"opened link: person {AVA}" in _log(apps.data_dir), "the 2nd link", app)


def test_a_crashed_app_does_not_swallow_links(apps: Apps) -> None:
    crashed = apps.start("--demo")
    _wait_for(lambda: READY in _log(apps.data_dir), "the link server", crashed)
    crashed.send_signal(signal.SIGKILL)
    crashed.wait()
    assert (Path(tempfile.gettempdir()) / server_name(apps.data_dir)).exists()  # left behind

    app = apps.start(f"tel:+14045550100?person={BEN}")
    _wait_for(lambda: f"opened link: person {BEN}" in _log(apps.data_dir), "the link", app)
    _wait_for(lambda: _log(apps.data_dir).count(READY) == 2, "the new link server", app)
    sent = apps.send("sip:+14045550100@example.com;user=phone")
    assert sent.returncode == 0, sent.stderr
    _wait_for(lambda: f"opened link: person {AVA}" in _log(apps.data_dir), "the 2nd link", app)
