"""The team server as a real ``dialer-app serve`` subprocess on 127.0.0.1, on SQLite and on a
private throwaway PostgreSQL cluster (initdb in a temporary folder, loopback only)."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

START_TIMEOUT_S = 60
BACKENDS = ["sqlite", "postgresql"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dialer_app_command() -> list[str]:
    """The installed console script, as an admin would run it."""
    script = Path(sys.executable).with_name("dialer-app")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dialer_app"]


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*dialer_app_command(), "--data-dir", str(data_dir), "serve", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def create_user(data_dir: Path, db_url: str, email: str, team: str, role: str) -> str:
    """``dialer-app serve --create-user``; returns the token it prints (its last line)."""
    done = run_cli(data_dir, "--db", db_url, "--create-user", email, "--team", team, "--role", role)
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip().splitlines()[-1]
    assert token.startswith("dlr_"), done.stdout
    return token


# ---------------------------------------------------------------- PostgreSQL


@dataclass
class PostgresCluster:
    root: Path
    port: int
    runner: list[str]
    bindir: Path
    databases: int = 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://dialer@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh database for one server (each test module starts clean)."""
        import psycopg

        self.databases += 1
        name = f"dialer_{self.databases}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        pg_ctl = [str(self.bindir / "pg_ctl"), "-D", str(self.root / "data")]
        subprocess.run(
            [*self.runner, *pg_ctl, "-m", "immediate", "-w", "stop"],
            capture_output=True,
            timeout=60,
            check=False,
        )


def postgres_bindir() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    found = shutil.which("initdb")
    paths = [c.parent for c in candidates] + ([Path(found).parent] if found else [])
    return next((path for path in paths if (path / "pg_ctl").exists()), None)


def _unprivileged_runner(root: Path) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as ``postgres`` (Debian's package
    makes that user) or ``nobody``, owning only the cluster's temporary folder."""
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            account = pwd.getpwnam(name)
            os.chown(root, account.pw_uid, account.pw_gid)
            ids = [f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}"]
            return ["setpriv", *ids, "--clear-groups", "--"]
    pytest.fail("running as root and there is neither a postgres nor a nobody user")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are missing: apt-get install postgresql")
    root = Path(tempfile.mkdtemp(prefix="dialer-pg-"))
    runner = _unprivileged_runner(root)
    cluster = PostgresCluster(root, free_port(), runner, bindir)
    try:
        initdb = [str(bindir / "initdb"), "-D", str(root / "data"), "-U", "dialer", "-A", "trust"]
        initdb += ["-E", "UTF8", "--locale=C", "--no-sync"]
        done = subprocess.run([*runner, *initdb], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        (root / "socket").mkdir()
        if runner:
            shutil.chown(root / "socket", root.owner(), root.group())
        options = (
            f"-h 127.0.0.1 -p {cluster.port} -k {root / 'socket'} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        start = [str(bindir / "pg_ctl"), "-D", str(root / "data"), "-l", str(root / "log")]
        start += ["-o", options, "-w", "-t", "60", "start"]
        done = subprocess.run([*runner, *start], capture_output=True, text=True, timeout=90)
        log = root / "log"
        assert done.returncode == 0, done.stderr + (log.read_text() if log.exists() else "")
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


# ---------------------------------------------------------------- the server process


@dataclass
class Server:
    """A running ``dialer-app serve`` and the users the tests act as."""

    base_url: str
    db_url: str
    data_dir: Path
    recordings_dir: Path
    process: subprocess.Popen[bytes]
    log: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, who: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=60)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)


def start_server(db_url: str, data_dir: Path) -> Server:
    port = free_port()
    recordings = data_dir / "recordings"
    log = data_dir / "server.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    command = [*dialer_app_command(), "--data-dir", str(data_dir), "serve", "--db", db_url]
    command += ["--host", "127.0.0.1", "--port", str(port), "--recordings-dir", str(recordings)]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", db_url, data_dir, recordings, process, log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {log.read_text()}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{server.base_url}/health", timeout=2).status_code == 200:
                return server
        if time.monotonic() > deadline:
            server.stop()
            raise AssertionError(f"the server did not start: {log.read_text()}")
        time.sleep(0.1)


@pytest.fixture(scope="session", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """One server per backend for the whole run, with two teams: Acme (admin, rep, rep2) and
    Globex (admin). Admins come from the CLI, reps from the admin endpoint."""
    data_dir = tmp_path_factory.mktemp(f"server-{request.param}")
    if request.param == "postgresql":
        db_url = request.getfixturevalue("postgres").new_database()
    else:
        db_url = f"sqlite:///{data_dir / 'server.sqlite3'}"
    tokens = {
        "admin": create_user(data_dir, db_url, "admin@acme.test", "Acme", "admin"),
        "other_admin": create_user(data_dir, db_url, "admin@globex.test", "Globex", "admin"),
    }
    server = start_server(db_url, data_dir)
    try:
        server.tokens.update(tokens)
        with server.client("admin") as admin:
            for name in ("rep", "rep2"):
                reply = admin.post("/admin/users", json={"email": f"{name}@acme.test"})
                assert reply.status_code == 201, reply.text
                server.tokens[name] = reply.json()["token"]
        yield server
    finally:
        server.stop()
    output = server.log.read_text(errors="replace")
    assert "Traceback" not in output, f"the server logged an error:\n{output[-20000:]}"


def new_uuid() -> str:
    return str(uuid.uuid4())
