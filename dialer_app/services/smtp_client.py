"""Talk SMTP to the rep's mail server (issue 9): send one message, test the account, and
turn every failure into a sentence that names the fix, marked transient (retry later) or
permanent (the rep must change something).

No Qt: the background sender thread and the Settings dialog's worker call it alike. Plain
``smtplib`` over STARTTLS (587), implicit TLS (465), or plain text to a server on this
computer only (a local relay or a test server): never a password in clear over a network.
"""

from __future__ import annotations

import ipaddress
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate

SECURITY_CHOICES = (
    ("starttls", "STARTTLS (port 587)"),
    ("tls", "TLS (port 465)"),
    ("none", "None (only for a server on this computer)"),
)
TIMEOUT_S = 30.0


@dataclass(frozen=True)
class SmtpAccount:
    host: str
    port: int
    security: str
    username: str
    from_address: str
    from_name: str = ""
    ca_file: str = ""
    """Extra CA certificate(s) to trust (a company relay with its own CA, the tests)."""


@dataclass(frozen=True)
class OutgoingMessage:
    to_address: str
    to_name: str
    subject: str
    body: str
    message_id: str


class SendFailure(Exception):
    """``str(error)`` is for the rep; ``transient`` says whether waiting may fix it."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip()).is_loopback
    except ValueError:
        return False


def check_account(account: SmtpAccount, password: str | None) -> None:
    """Refuse a set-up that can't work (or would leak the password) before connecting."""
    if not account.host.strip() or not account.from_address.strip():
        raise SendFailure(
            "Your email account is not set up: fill in Settings → Email (server and your address).",
            transient=False,
        )
    if account.security not in {c for c, _ in SECURITY_CHOICES}:
        raise SendFailure(
            f"“{account.security}” is not a security choice: pick STARTTLS or TLS.",
            transient=False,
        )
    if account.security == "none" and not is_loopback(account.host):
        raise SendFailure(
            "No encryption is allowed only for a server on this computer: choose STARTTLS "
            "(port 587) or TLS (port 465).",
            transient=False,
        )
    if account.username and not password:
        raise SendFailure(
            "No SMTP password is stored: enter it in Settings → Email.", transient=False
        )


def build_message(account: SmtpAccount, message: OutgoingMessage) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = formataddr((account.from_name, account.from_address))
    mail["To"] = formataddr((message.to_name, message.to_address))
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = message.message_id
    mail.set_content(message.body)
    return mail


def _context(account: SmtpAccount) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if account.ca_file:
        context.load_verify_locations(cafile=account.ca_file)
    return context


def _connect(account: SmtpAccount, password: str | None) -> smtplib.SMTP:
    where = f"{account.host}:{account.port}"
    try:
        client: smtplib.SMTP
        if account.security == "tls":
            client = smtplib.SMTP_SSL(
                account.host, account.port, timeout=TIMEOUT_S, context=_context(account)
            )
        else:
            client = smtplib.SMTP(account.host, account.port, timeout=TIMEOUT_S)
        try:
            client.ehlo()
            if account.security == "starttls":
                if not client.has_extn("starttls"):
                    raise SendFailure(
                        f"{where} does not offer STARTTLS: choose TLS (usually port 465), "
                        "or check the port.",
                        transient=False,
                    )
                client.starttls(context=_context(account))
                client.ehlo()
            if account.username:
                client.login(account.username, password or "")
        except BaseException:
            client.close()
            raise
        return client
    except SendFailure:
        raise
    except Exception as exc:
        raise describe_failure(exc, account) from exc


def send(account: SmtpAccount, password: str | None, message: OutgoingMessage) -> None:
    """Send one message; raises ``SendFailure`` (never anything else) when it did not go."""
    check_account(account, password)
    client = _connect(account, password)
    try:
        client.send_message(build_message(account, message))
    except Exception as exc:
        raise describe_failure(exc, account, message.to_address) from exc
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()


def check_connection(account: SmtpAccount, password: str | None) -> tuple[bool, str]:
    """Settings' Test connection: connect, secure, log in, say so. Sends nothing."""
    try:
        check_account(account, password)
        client = _connect(account, password)
    except SendFailure as exc:
        return False, f"✗ {exc}"
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()
    secure = {"starttls": "STARTTLS", "tls": "TLS"}.get(account.security, "no encryption")
    login = f", logged in as {account.username}" if account.username else ""
    return True, f"✓ Connected to {account.host}:{account.port} ({secure}{login})."


def describe_failure(  # noqa: PLR0911 - one sentence per kind of failure, in one place
    exc: BaseException, account: SmtpAccount, recipient: str = ""
) -> SendFailure:
    """The rep's sentence for an SMTP or network error, transient or permanent."""
    where = f"{account.host}:{account.port}"
    if isinstance(exc, SendFailure):
        return exc
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return SendFailure(
            "The SMTP server refused the password: check the username and password in "
            f"Settings → Email ({exc.smtp_code}).",
            transient=False,
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return SendFailure(
            f"{where} does not accept a login on this connection ({exc}): choose STARTTLS or "
            "TLS, or leave the username empty if the server needs none.",
            transient=False,
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reason = next(iter(exc.recipients.values()), (550, b""))
        text = reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
        return SendFailure(
            f"The server refused the address {recipient or 'of this person'} ({code} {text}): "
            "check the person's email address."
            + (" It may accept it later: retrying." if 400 <= code < 500 else ""),
            transient=400 <= code < 500,
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return SendFailure(
            f"The server refused your address {account.from_address} as sender "
            f"({exc.smtp_code}): check Your email in Settings → Email.",
            transient=400 <= exc.smtp_code < 500,
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
        transient = 400 <= exc.smtp_code < 500
        return SendFailure(
            f"The server answered {exc.smtp_code} {text}"
            + (": it is busy, retrying later." if transient else ": the email was not sent."),
            transient=transient,
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        return SendFailure(
            f"The certificate of {account.host} is not trusted ({exc.verify_message}): check "
            "the server name, or add your company's CA file in Settings → Email.",
            transient=False,
        )
    if isinstance(exc, ssl.SSLError):
        hint = "for port 587 choose STARTTLS" if account.security == "tls" else "check the port"
        return SendFailure(
            f"The secure connection to {where} failed ({exc.reason or exc}): {hint}.",
            transient=False,
        )
    if isinstance(exc, socket.gaierror):
        return SendFailure(
            f"The server name {account.host} was not found: check it in Settings → Email "
            "(or your network). Retrying.",
            transient=True,
        )
    if isinstance(exc, ConnectionRefusedError):
        return SendFailure(
            f"{where} refused the connection: the server may be down, or the port is wrong "
            "(587 for STARTTLS, 465 for TLS). Retrying.",
            transient=True,
        )
    if isinstance(exc, TimeoutError | socket.timeout):
        return SendFailure(
            f"{where} did not answer in time: check your network. Retrying.", transient=True
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected | OSError | smtplib.SMTPException):
        return SendFailure(f"The connection to {where} broke ({exc}): retrying.", transient=True)
    return SendFailure(f"Sending failed ({type(exc).__name__}: {exc}).", transient=False)
