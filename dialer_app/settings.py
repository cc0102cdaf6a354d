"""The rep's settings: declared once, typed, with defaults and versioned upgrades.

Stored as JSON in the platformdirs config folder. Secrets never live here: they go
through :mod:`dialer_app.secrets`. Unknown keys (written by a newer version) are kept
so that saving from an older version does not lose them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1


@dataclass(frozen=True)
class Settings:
    """Every option with its default. Add a field here and it exists everywhere."""

    default_region: str = "US"
    """ISO country used to read numbers typed without +country code."""
    use_popped_out_logger: bool = True
    """Open the call logger as its own window instead of a tab (seed 000)."""
    team_server_url: str = ""
    """The team server this app syncs to; empty means offline only."""
    allow_insecure_http: bool = False
    """Let the sync use plain http:// to another computer (a trusted lab network only)."""
    default_line: str = ""
    """Name of the line used to dial; empty means the built-in demo line."""
    lines: list[dict[str, Any]] = field(default_factory=list)
    """Trunk lines (fields of engine.LineConfig); passwords live in the keyring."""
    microphone: str = ""
    """Capture device name; empty means the system default."""
    speaker: str = ""
    """Playback device name for call audio; empty means the system default."""
    ringer: str = ""
    """Device that plays the ringback tone; empty means the speaker."""
    ring_timeout_s: int = 45
    """Stop ringing and report No Answer after this many seconds."""
    logger_geometry: str = ""
    """Where the popped-out call logger was (Qt saveGeometry, base64)."""
    logger_on_top: bool = False
    """Keep the popped-out call logger above other windows."""
    time_zone: str = ""
    """The rep's IANA time zone: cadence steps fall due at its midnight. Empty means the
    computer's own zone."""
    auto_dial: bool = False
    """Cadence runner: dial each person as soon as they are queued (else the rep clicks
    Dial). Off by default: a call should not start before the rep has read who it is."""
    sender_name: str = ""
    """The rep's name on cadence emails (From, and {{sender_name}} in templates)."""
    sender_email: str = ""
    """The rep's address: From, and {{sender_email}} in templates."""
    smtp_host: str = ""
    """The rep's outgoing mail server (smtp.gmail.com, smtp.office365.com, ...)."""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    """"starttls" (port 587), "tls" (implicit TLS, port 465) or "none" (loopback only)."""
    smtp_username: str = ""
    """The SMTP login (often the email address); the password lives in the keyring."""
    smtp_ca_file: str = ""
    """Extra CA certificate to trust for the mail server (a company relay); "" = system CAs."""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    """Keys this version does not know (kept when saving)."""

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _upgrade_0_to_1(raw: dict[str, Any]) -> dict[str, Any]:
    # Version 0 (unversioned prototypes) called the region "region".
    if "region" in raw and "default_region" not in raw:
        raw["default_region"] = raw.pop("region")
    return raw


_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _upgrade_0_to_1}


def settings_from_dict(raw: dict[str, Any]) -> Settings:
    """Build Settings from stored JSON, upgrading old versions and dropping bad values."""
    data = dict(raw)
    version = int(data.pop("version", 0))
    while version < SETTINGS_VERSION:
        data = _UPGRADES[version](data)
        version += 1
    defaults = Settings()
    known = {f.name: f for f in fields(Settings) if f.name != "extra"}
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            extra[key] = value
            continue
        expected = type(getattr(defaults, key))
        if isinstance(value, expected):
            values[key] = value
        else:
            log.warning("setting %s has an invalid value %r; using the default", key, value)
    return Settings(**values, extra=extra)


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    data = asdict(settings)
    extra = data.pop("extra")
    return {**extra, **data, "version": SETTINGS_VERSION}


def load_settings(path: Path) -> Settings:
    """Read settings; a missing or unreadable file gives the defaults (the file is kept aside)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        backup = path.with_suffix(".broken.json")
        log.warning("settings file %s is unreadable (%s); kept as %s", path, exc, backup)
        with contextlib.suppress(OSError):
            path.replace(backup)
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    return settings_from_dict(raw)


def save_settings(path: Path, settings: Settings) -> None:
    """Write atomically so a crash mid-save never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(settings_to_dict(settings), indent=2, sort_keys=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
