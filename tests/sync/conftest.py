"""Sync tests: a real ``dialer-app serve`` (SQLite) on 127.0.0.1 and clients with their own
data dirs, each a local database made by the app's migrations."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dialer_app.db.database import Database, open_database
from dialer_app.sync.client import ServerApi
from dialer_app.sync.engine import SyncEngine
from tests.server.conftest import Server, create_user, free_port, start_server


def start_team_server(data_dir: Path, port: int | None = None) -> Server:
    """A server with Acme (admin, rep, rep2) and Globex (admin)."""
    db_url = f"sqlite:///{data_dir / 'server.sqlite3'}"
    tokens = {
        "admin": create_user(data_dir, db_url, "admin@acme.test", "Acme", "admin"),
        "rep": create_user(data_dir, db_url, "rep@acme.test", "Acme", "rep"),
        "rep2": create_user(data_dir, db_url, "rep2@acme.test", "Acme", "rep"),
        "other_admin": create_user(data_dir, db_url, "admin@globex.test", "Globex", "admin"),
    }
    server = start_server(db_url, data_dir) if port is None else _start_on(db_url, data_dir, port)
    server.tokens.update(tokens)
    return server


def _start_on(db_url: str, data_dir: Path, port: int) -> Server:
    import tests.server.conftest as server_conftest

    original = server_conftest.free_port
    server_conftest.free_port = lambda: port
    try:
        return start_server(db_url, data_dir)
    finally:
        server_conftest.free_port = original


@pytest.fixture(scope="module")
def team_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_team_server(tmp_path_factory.mktemp("sync-server"))
    try:
        yield server
    finally:
        server.stop()
    assert "Traceback" not in server.log.read_text(errors="replace")


@dataclass
class Client:
    """One rep's app: a data dir, its database and a sync engine for a token."""

    data_dir: Path
    database: Database
    apis: list[ServerApi] = field(default_factory=list)

    @property
    def recordings_dir(self) -> Path:
        return self.data_dir / "recordings"

    def sync_engine(self, url: str, token: str) -> SyncEngine:
        api = ServerApi(url, token, timeout=30)
        self.apis.append(api)
        return SyncEngine(self.database.engine, api, self.recordings_dir)

    def close(self) -> None:
        for api in self.apis:
            api.close()
        self.database.close()


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[Callable[[str], Client]]:
    clients: list[Client] = []

    def make(name: str) -> Client:
        data_dir = tmp_path / f"client-{name}"
        client = Client(data_dir, open_database(data_dir / "dialer.sqlite3"))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


class FaultProxy:
    """A TCP proxy on 127.0.0.1 that injects one fault into the next connection(s).

    ``drop_response``: forward the request, read the server's whole response, then close
    the client's connection without relaying it (the push was applied, the client never
    hears). ``cut_request_after``: forward only that many bytes of the request, then close
    both sides (an upload interrupted half-way)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.drop_response = False
        self.cut_request_after: int | None = None
        self.faults = 0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, daemon=True)
        self._accepter.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        self.listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), contextlib.ExitStack() as stack:
            stack.enter_context(conn)
            upstream = stack.enter_context(
                socket.create_connection(("127.0.0.1", self.upstream_port))
            )
            conn.settimeout(30)
            upstream.settimeout(30)
            if self.drop_response:
                self._drop_response(conn, upstream)
            elif self.cut_request_after is not None:
                self._cut_request(conn, upstream, self.cut_request_after)
            else:
                self._pipe(conn, upstream)

    def _drop_response(self, conn: socket.socket, upstream: socket.socket) -> None:
        request = _read_http_message(conn)
        upstream.sendall(request)
        _read_http_message(upstream)  # the server answered: throw it away
        self.faults += 1

    def _cut_request(self, conn: socket.socket, upstream: socket.socket, limit: int) -> None:
        self._pipe(conn, upstream, limit)
        self.faults += 1

    def _pipe(self, conn: socket.socket, upstream: socket.socket, limit: int | None = None) -> None:
        """Relay both ways; after ``limit`` bytes from the client, cut both connections."""

        def copy(source: socket.socket, target: socket.socket, budget: int | None) -> None:
            with contextlib.suppress(OSError):
                while data := source.recv(65536 if budget is None else min(65536, budget)):
                    target.sendall(data)
                    if budget is not None:
                        budget -= len(data)
                        if budget <= 0:
                            for side in (source, target):
                                side.shutdown(socket.SHUT_RDWR)
                            return
            with contextlib.suppress(OSError):
                target.shutdown(socket.SHUT_WR)

        back = threading.Thread(target=copy, args=(upstream, conn, None), daemon=True)
        back.start()
        copy(conn, upstream, limit)
        back.join(30)

    def close(self) -> None:
        self._stop.set()
        self.listener.close()
        self._accepter.join(5)
        for thread in self._threads:
            thread.join(5)


def _read_http_message(sock: socket.socket) -> bytes:
    """One HTTP/1.1 message with a Content-Length body (what httpx and uvicorn send here)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


@pytest.fixture
def fault_proxy(team_server: Server) -> Iterator[FaultProxy]:
    port = int(team_server.base_url.rsplit(":", 1)[1])
    proxy = FaultProxy(port)
    try:
        yield proxy
    finally:
        proxy.close()


__all__ = ["Client", "FaultProxy", "free_port", "start_team_server"]
