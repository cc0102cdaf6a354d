"""One running app per data folder: a second ``dialer-app tel:...`` hands its link over.

The running app listens on a QLocalServer (a Unix socket in the temp folder, readable by
this user only) named after the user and the resolved data folder, so a test's or the
demo's instance never receives the rep's links. Protocol: the client sends one JSON line,
``{"open": "tel:+14045551234"}``; the server answers ``ok`` once it has accepted the
link (``error`` for anything else) and closes the connection.

A crash leaves the socket file behind; the next instance finds nobody answering on it and
listens in its place (removing the file where Qt does not replace it itself).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 1000
REPLY_TIMEOUT_MS = 3000
"""The running app may be busy for a moment (a database write, a dialog opening)."""
CLIENT_IDLE_TIMEOUT_MS = 5000
MAX_MESSAGE_BYTES = 8192
ACCEPTED = b"ok\n"
REFUSED = b"error\n"


def server_name(data_dir: Path) -> str:
    """``dialer-app-<hash>``: one name per user and data folder (short enough for a socket
    path, and free of the folder's own characters)."""
    key = f"{_user()}\0{data_dir.expanduser().resolve()}"
    return "dialer-app-" + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return str(os.getuid()) if hasattr(os, "getuid") else "user"


def send_link(name: str, link: str, *, connect_timeout_ms: int = CONNECT_TIMEOUT_MS) -> bool:
    """Give ``link`` to the app listening on ``name``; True once it answered ``ok``.

    False when nobody listens (the caller starts the app) or the app did not accept it.
    Blocking, without an event loop: the second process does nothing else.
    """
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(connect_timeout_ms):
        log.debug("no running instance on %s: %s", name, socket.errorString())
        return False
    socket.write(json.dumps({"open": link}).encode("utf-8") + b"\n")
    socket.flush()
    reply = b""
    while not reply.endswith(b"\n"):
        waited = socket.waitForReadyRead(REPLY_TIMEOUT_MS)
        reply += bytes(socket.readAll().data())  # also what came with the server's hang-up
        if not waited:
            break
    socket.abort()
    if reply != ACCEPTED:
        log.warning("the running instance did not accept the link (reply %r)", reply[:40])
        return False
    return True


def someone_listens(name: str, timeout_ms: int = 500) -> bool:
    socket = QLocalSocket()
    socket.connectToServer(name)
    listening = socket.waitForConnected(timeout_ms)
    socket.abort()
    return listening


class LinkServer(QObject):
    """Receives links from later ``dialer-app tel:...`` processes; emits each one."""

    link_received = Signal(str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def listen(self) -> bool:
        """Start serving; False (and a log line) when another live instance owns the name.

        Asks first: with UserAccessOption, Qt renames its socket over an existing one, so
        listening would silently take the name away from a running instance.
        """
        if someone_listens(self._name):
            log.info("another instance already receives links for this data folder")
            return False
        if not self._server.listen(self._name):
            if self._server.serverError() is QAbstractSocket.SocketError.AddressInUseError:
                log.info("removing a stale link socket left by a crash: %s", self._name)
                QLocalServer.removeServer(self._name)
                self._server.listen(self._name)
            if not self._server.isListening():
                log.warning("cannot receive links: %s", self._server.errorString())
                return False
        log.info("listening for links on %s", self._server.fullServerName())
        return True

    def close(self) -> None:
        self._server.close()

    def _on_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            _Connection(socket, self.link_received.emit, self)


class _Connection(QObject):
    """One client: read one line, answer, hang up (or give up after a few idle seconds)."""

    def __init__(
        self, socket: QLocalSocket, on_link: Callable[[str], object], parent: QObject
    ) -> None:
        super().__init__(parent)
        self._socket = socket
        self._on_link = on_link
        self._buffer = b""
        socket.setParent(self)
        socket.readyRead.connect(self._on_ready_read)
        socket.disconnected.connect(self.deleteLater)
        QTimer.singleShot(CLIENT_IDLE_TIMEOUT_MS, self, self._socket.abort)
        self._on_ready_read()  # the line may have arrived with the connection

    def _on_ready_read(self) -> None:
        self._buffer += bytes(self._socket.readAll().data())
        line, newline, _rest = self._buffer.partition(b"\n")
        if not newline:
            if len(self._buffer) > MAX_MESSAGE_BYTES:
                self._answer(REFUSED)
            return
        link = _link_from(line)
        self._answer(REFUSED if link is None else ACCEPTED)
        if link is not None:
            self._on_link(link)

    def _answer(self, reply: bytes) -> None:
        self._socket.readyRead.disconnect(self._on_ready_read)
        self._socket.write(reply)
        self._socket.flush()
        self._socket.disconnectFromServer()


def _link_from(line: bytes) -> str | None:
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    link = message.get("open") if isinstance(message, dict) else None
    return link if isinstance(link, str) and link.strip() else None
