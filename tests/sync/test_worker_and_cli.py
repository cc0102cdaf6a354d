"""The background worker (a plain thread: status callbacks, stop) and `dialer-app sync`."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from dialer_app.sync.client import BadConfig, ServerApi, check_url
from dialer_app.sync.worker import SyncStatus, SyncWorker, backoff_delay
from tests.server.conftest import Server, dialer_app_command
from tests.sync.conftest import Client
from tests.sync.helpers import log_call, scalar


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    for failures, ceiling in ((1, 2.0), (2, 4.0), (5, 32.0), (30, 300.0)):
        delays = {backoff_delay(failures) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1, "jittered"


def test_plain_http_is_refused_for_another_computer_unless_allowed() -> None:
    assert check_url("http://127.0.0.1:8700/") == "http://127.0.0.1:8700"
    assert check_url("https://dialer.example.com") == "https://dialer.example.com"
    with pytest.raises(BadConfig, match=r"Refusing plain http:// to dialer\.example\.com"):
        check_url("http://dialer.example.com")
    assert check_url("http://10.0.0.5", allow_insecure_http=True) == "http://10.0.0.5"
    with pytest.raises(BadConfig, match="No token"):
        ServerApi("http://127.0.0.1:1", "")


def test_the_worker_syncs_in_its_own_thread_and_stops(
    team_server: Server, make_client: Callable[[str], Client]
) -> None:
    client = make_client("worker")
    call = log_call(client.database)
    statuses: list[SyncStatus] = []
    synced = threading.Event()
    threads: set[str] = set()

    def on_status(status: SyncStatus) -> None:
        threads.add(threading.current_thread().name)
        statuses.append(status)
        if status.state == "synced":
            synced.set()

    worker = SyncWorker(
        client.sync_engine(team_server.base_url, team_server.tokens["rep"]), on_status
    )
    worker.start()
    try:
        assert synced.wait(60)
    finally:
        worker.stop()
    assert threads == {"sync"}
    assert statuses[0].state == "syncing"
    assert scalar(client.database, "SELECT sync_state FROM calls WHERE uuid = ?", call) == "synced"


def test_the_worker_reports_offline_since_when_and_backs_off(
    make_client: Callable[[str], Client],
) -> None:
    from tests.server.conftest import free_port

    client = make_client("nowhere")
    seen = threading.Event()
    statuses: list[SyncStatus] = []

    def on_status(status: SyncStatus) -> None:
        statuses.append(status)
        if status.state == "offline":
            seen.set()

    engine = client.sync_engine(f"http://127.0.0.1:{free_port()}", "dlr_x")
    worker = SyncWorker(engine, on_status)
    worker.start()
    try:
        assert seen.wait(30)
    finally:
        worker.stop()
    offline = next(s for s in statuses if s.state == "offline")
    assert offline.since is not None and "Can't reach the team server" in offline.reason
    assert worker.failures == 1


def _cli(data_dir: Path, server: Server, token: str) -> subprocess.CompletedProcess[str]:
    config = data_dir / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"team_server_url": server.base_url}))
    env = {**os.environ, "DIALER_APP_SYNC_TOKEN": token}
    return subprocess.run(
        [*dialer_app_command(), "--data-dir", str(data_dir), "sync", "--once"],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        check=False,
    )


def test_dialer_app_sync_once_pushes_and_says_what_the_server_refused(
    team_server: Server, tmp_path: Path
) -> None:
    done = _cli(tmp_path / "cli", team_server, team_server.tokens["admin"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Syncing admin@acme.test (admin, team Acme)" in done.stdout
    assert "Synced:" in done.stdout
    refused = _cli(tmp_path / "cli-rep", team_server, team_server.tokens["rep"])
    assert refused.returncode in {0, 1}, refused.stdout + refused.stderr


def test_dialer_app_sync_with_a_bad_token_says_how_to_get_one(
    team_server: Server, tmp_path: Path
) -> None:
    done = _cli(tmp_path / "bad", team_server, "dlr_wrong")
    assert done.returncode == 2
    assert "The server refused the token: create a new one with" in done.stdout
