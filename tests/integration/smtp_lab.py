"""Fixtures for email tests: a self-signed certificate (openssl) and a real SMTP server
process on 127.0.0.1 (``smtp_server.py``) that a test can stop and start again."""

from __future__ import annotations

import email
import email.policy
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest

from dialer_app.services.smtp_client import SmtpAccount

ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "rep@dialer.example", "s3cret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class SmtpLab:
    port: int
    spool: Path
    cert: Path
    key: Path
    mode: str = "starttls"
    process: subprocess.Popen[str] | None = None
    log: Path = field(default_factory=Path)

    def start(self) -> None:
        assert self.process is None
        self.log = self.spool.parent / "smtp-server.log"
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.integration.smtp_server",
                    "--port",
                    str(self.port),
                    "--spool",
                    str(self.spool),
                    "--cert",
                    str(self.cert),
                    "--key",
                    str(self.key),
                    "--mode",
                    self.mode,
                    "--user",
                    USER,
                    "--password",
                    PASSWORD,
                ],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("READY"):
            self.stop()
            pytest.fail(f"the SMTP server did not start: {self.log.read_text()}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

    def account(self, password_ok: bool = True) -> tuple[SmtpAccount, str]:
        account = SmtpAccount(
            host="127.0.0.1",
            port=self.port,
            security=self.mode,
            username=USER,
            from_address=USER,
            from_name="Sam de Vries",
            ca_file=str(self.cert),
        )
        return account, PASSWORD if password_ok else "wrong"

    def messages(self) -> list[EmailMessage]:
        found = []
        for path in sorted(self.spool.glob("*.eml")):
            parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert isinstance(parsed, EmailMessage)
            found.append(parsed)
        return found

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages()) >= count:
                break
            time.sleep(0.05)
        return self.messages()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("smtp-cert")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _lab(tmp_path: Path, certificate: tuple[Path, Path], mode: str) -> Iterator[SmtpLab]:
    lab = SmtpLab(free_port(), tmp_path / "spool", *certificate, mode=mode)
    lab.start()
    try:
        yield lab
    finally:
        lab.stop()


@pytest.fixture
def smtp_lab(tmp_path: Path, certificate: tuple[Path, Path]) -> Iterator[SmtpLab]:
    """A STARTTLS + AUTH server on a free loopback port, stopped after the test."""
    yield from _lab(tmp_path, certificate, "starttls")


@pytest.fixture
def smtps_lab(tmp_path: Path, certificate: tuple[Path, Path]) -> Iterator[SmtpLab]:
    """The same with implicit TLS (port 465 style)."""
    yield from _lab(tmp_path, certificate, "tls")
