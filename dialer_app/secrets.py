"""The only door to secrets (SIP passwords, API tokens): the system keyring.

Secrets never go to the database, the settings file or the logs. When the machine
has no usable keyring backend the app says so and may keep secrets in memory for the
current session only; it never falls back to writing them to disk.

keyring is imported on first use: probing backends can take a while (D-Bus), so the
GUI asks from a worker thread and start-up never waits for it.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

SERVICE_NAME = "dialer_app"
API_TOKEN = "team-server-api-token"

NO_KEYRING_MESSAGE = (
    "No secure password storage is available on this computer. "
    "Install and unlock a keyring (GNOME Keyring, KWallet or another Secret Service), "
    "or keep secrets for this session only: you will type them again next time."
)


def sip_password_key(line_name: str) -> str:
    """Keyring entry name of a line's SIP digest password."""
    return f"sip-password:{line_name}"


def smtp_password_key(username: str) -> str:
    """Keyring entry name of the rep's SMTP password (per login, so a changed username
    never sends someone else's password)."""
    return f"smtp-password:{username}"


class SecretStorageUnavailable(RuntimeError):
    """Raised when a secret cannot be stored securely; the message says what to do."""


@dataclass(frozen=True)
class KeyringStatus:
    usable: bool
    backend: str
    message: str


class SecretStore:
    """Reads and writes secrets in the keyring, or in memory when the rep chose session-only."""

    def __init__(self, service: str = SERVICE_NAME) -> None:
        self._service = service
        self._session: dict[str, str] = {}
        self._session_only = False

    @property
    def session_only(self) -> bool:
        return self._session_only

    def status(self) -> KeyringStatus:
        if self._session_only:
            return KeyringStatus(False, "session only", "Secrets are kept for this session only.")
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        name = f"{type(backend).__module__}.{type(backend).__name__}"
        if isinstance(backend, fail.Keyring):
            return KeyringStatus(False, name, NO_KEYRING_MESSAGE)
        return KeyringStatus(True, name, f"Secrets are stored in {name}.")

    def keep_for_session_only(self) -> None:
        """The rep accepted that secrets live in memory until the app quits."""
        self._session_only = True

    def get(self, name: str) -> str | None:
        if name in self._session:
            return self._session[name]
        if self._session_only:
            return None
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(self._service, name)
        except KeyringError as exc:
            # NoKeyringError is the normal state of a headless machine: not worth a warning.
            level = logging.DEBUG if type(exc).__name__ == "NoKeyringError" else logging.WARNING
            log.log(level, "keyring read of %s failed: %s", name, type(exc).__name__)
            return None

    def set(self, name: str, value: str) -> None:
        """Store a secret; raises SecretStorageUnavailable instead of writing plaintext."""
        if self._session_only:
            self._session[name] = value
            return
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(self._service, name, value)
        except KeyringError as exc:
            raise SecretStorageUnavailable(NO_KEYRING_MESSAGE) from exc
        self._session.pop(name, None)

    def delete(self, name: str) -> None:
        self._session.pop(name, None)
        if self._session_only:
            return
        import keyring
        from keyring.errors import KeyringError

        with contextlib.suppress(KeyringError):
            keyring.delete_password(self._service, name)
