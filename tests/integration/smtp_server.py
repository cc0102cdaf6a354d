"""A real SMTP server for the email tests, run as its own process (aiosmtpd).

    python -m tests.integration.smtp_server --port P --spool DIR --cert C --key K
        [--mode starttls|tls] [--user U --password PW]

STARTTLS (or implicit TLS) with the given certificate, AUTH PLAIN/LOGIN required for the
given user, and every accepted message written to DIR as ``<n>.eml`` (then renamed from
``.tmp``, so a reader never sees half a file). A recipient starting with ``reject`` is
refused with 550. Prints ``READY <port>`` once listening; stops on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import itertools
import signal
import ssl
import sys
import threading
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Spool:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._numbers = itertools.count(len(list(folder.glob("*.eml"))) + 1)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.lower().startswith("reject"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        number = next(self._numbers)
        tmp = self.folder / f"{number:04d}.tmp"
        tmp.write_bytes(envelope.original_content or envelope.content)
        tmp.rename(tmp.with_suffix(".eml"))
        return "250 Message accepted for delivery"


class Authenticator:
    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user.encode(), password.encode()

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == self.user
            and auth_data.password == self.password
        )
        return AuthResult(success=ok, handled=False)


class SmtpsController(Controller):
    """Implicit TLS (port 465 style): TLS from the first byte."""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--spool", type=Path, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--mode", choices=("starttls", "tls"), default="starttls")
    parser.add_argument("--user", default="rep@dialer.example")
    parser.add_argument("--password", default="s3cret")
    args = parser.parse_args()

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    common: dict[str, Any] = {
        "hostname": "127.0.0.1",
        "port": args.port,
        "authenticator": Authenticator(args.user, args.password),
        "auth_required": True,
        "server_hostname": "localhost",
        "ready_timeout": 10.0,
    }
    if args.mode == "starttls":
        controller = Controller(
            Spool(args.spool), tls_context=context, require_starttls=True, **common
        )
    else:
        controller = Controller(
            Spool(args.spool), ssl_context=context, auth_require_tls=False, **common
        )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    controller.start()
    print(f"READY {args.port}", flush=True)
    try:
        stop.wait()
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
