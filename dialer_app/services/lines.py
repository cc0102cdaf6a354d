"""Trunk lines from Settings (+ passwords from the keyring) into engine line configs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dialer_app.engine.config import LineConfig
from dialer_app.secrets import SecretStore, sip_password_key
from dialer_app.services.calls import LineSetup

LINE_FIELDS = (
    "name",
    "domain",
    "username",
    "caller_id",
    "edge",
    "transport",
    "port",
    "secure_media",
    "verify_server",
    "ca_file",
)


@dataclass(frozen=True)
class LineProblem:
    line_name: str
    message: str


def line_config_from_dict(raw: dict[str, Any]) -> LineConfig:
    """Build a LineConfig from stored settings; ValueError says what is wrong."""
    values = {key: raw[key] for key in LINE_FIELDS if key in raw}
    for optional in ("edge", "port", "ca_file"):
        if values.get(optional) in ("", 0):
            values[optional] = None
    return LineConfig(**values)


def load_line_setups(
    lines: list[dict[str, Any]], secrets: SecretStore
) -> tuple[list[LineSetup], list[LineProblem]]:
    """Every usable line with its password, and a problem for each line that is not usable."""
    setups: list[LineSetup] = []
    problems: list[LineProblem] = []
    for raw in lines:
        name = str(raw.get("name", "?"))
        try:
            config = line_config_from_dict(raw)
        except (TypeError, ValueError) as exc:
            problems.append(LineProblem(name, f"Line “{name}” is not usable: {exc}"))
            continue
        password = secrets.get(sip_password_key(config.name))
        if password is None:
            problems.append(
                LineProblem(name, f"Line “{name}” has no password: enter it in Settings → Lines.")
            )
            continue
        setups.append(LineSetup(config, password))
    return setups, problems
