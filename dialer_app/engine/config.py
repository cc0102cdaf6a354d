"""Plain, frozen configuration for the SIP engine.

Nothing here imports pjsua2, so the UI and the services can build, validate and
log these objects freely. Secrets never live here: the trunk password is handed
to :meth:`SipEngine.add_line` separately (it comes from the keyring).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

TransportName = Literal["tls", "tcp", "udp"]

E164_RE = re.compile(r"^\+[1-9]\d{6,14}$", re.ASCII)
"""Twilio only routes E.164 numbers; anything else is refused before dialling.
Use ``fullmatch`` (``$`` alone would accept a trailing newline)."""

TWILIO_EDGES: frozenset[str] = frozenset(
    {"ashburn", "umatilla", "dublin", "frankfurt", "singapore", "tokyo", "sao-paulo", "sydney"}
)
_TWILIO_SUFFIX = ".pstn.twilio.com"
_TRANSPORTS: frozenset[str] = frozenset({"tls", "tcp", "udp"})
_CA_BUNDLE_CANDIDATES = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian/Ubuntu/Arch
    "/etc/pki/tls/certs/ca-bundle.crt",  # Fedora/RHEL
    "/etc/ssl/cert.pem",  # macOS, Alpine
)


def is_e164(number: str) -> bool:
    """True for ``+`` followed by 7..15 digits, no leading zero (what the trunk accepts)."""
    return E164_RE.fullmatch(number) is not None


def system_ca_file() -> str:
    """The system CA bundle, used when a line names no CA file of its own."""
    import ssl  # only when a line is set up: keeps the GUI's start-up lean

    cafile = ssl.get_default_verify_paths().cafile
    if cafile and Path(cafile).is_file():
        return cafile
    for candidate in _CA_BUNDLE_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return _CA_BUNDLE_CANDIDATES[0]


@dataclass(frozen=True, kw_only=True, slots=True)
class LineConfig:
    """One outbound trunk (a Twilio Elastic SIP Trunk termination URI, or the lab).

    ``domain`` is the termination host (``<trunk>.pstn.twilio.com``); ``edge``
    pins the call to one Twilio edge location. ``caller_id`` is sent in From as
    ``sip:+E164@domain`` and must be a Twilio or verified number.
    """

    name: str
    domain: str
    username: str
    caller_id: str
    edge: str | None = None
    transport: TransportName = "tls"
    port: int | None = None
    secure_media: bool = False
    verify_server: bool = True
    ca_file: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a line needs a name")
        if not self.domain or any(c in self.domain for c in " ;:@<>"):
            raise ValueError(f"invalid SIP domain: {self.domain!r}")
        if self.transport not in _TRANSPORTS:
            raise ValueError(f"transport must be tls, tcp or udp, not {self.transport!r}")
        if self.port is not None and not 0 < self.port < 65536:
            raise ValueError(f"invalid port: {self.port}")
        if not is_e164(self.caller_id):
            raise ValueError(f"caller ID must be E.164 (+15551234567), not {self.caller_id!r}")
        if self.edge is not None:
            if self.edge not in TWILIO_EDGES:
                raise ValueError(
                    f"unknown Twilio edge {self.edge!r}; one of {sorted(TWILIO_EDGES)}"
                )
            if not self.domain.endswith(_TWILIO_SUFFIX):
                raise ValueError("an edge only applies to a <trunk>.pstn.twilio.com domain")

    @property
    def host(self) -> str:
        """Where requests go: the edge-specific host when an edge is set."""
        if self.edge is not None:
            trunk = self.domain[: -len(_TWILIO_SUFFIX)]
            return f"{trunk}.pstn.{self.edge}.twilio.com"
        return self.domain

    @property
    def effective_port(self) -> int:
        """The configured port, else 5061 for TLS and 5060 otherwise."""
        if self.port is not None:
            return self.port
        return 5061 if self.transport == "tls" else 5060

    @property
    def from_uri(self) -> str:
        """The From/identity URI carrying the caller ID."""
        return f"sip:{self.caller_id}@{self.domain}"

    @property
    def server_uri(self) -> str:
        """The trunk itself (target of OPTIONS pings)."""
        return f"sip:{self.host}:{self.effective_port};transport={self.transport}"

    def target_uri(self, e164: str) -> str:
        """The INVITE Request-URI for ``e164``; raises ValueError for non-E.164 input."""
        if not is_e164(e164):
            raise ValueError(f"not an E.164 number: {e164!r}")
        return f"sip:{e164}@{self.host}:{self.effective_port};transport={self.transport}"


@dataclass(frozen=True, kw_only=True, slots=True)
class EngineConfig:
    """Process-wide engine settings.

    ``bind_address`` ``"127.0.0.1"`` keeps every SIP and RTP socket on loopback
    (tests, demo mode); ``""`` binds all interfaces (real trunks).
    """

    bind_address: str = "127.0.0.1"
    null_audio: bool = False
    log_level: int = 2
    log_file: str | None = None
    user_agent: str = "dialer_app"
    max_calls: int = 4
    pump_ms: int = 50
    """Longest wait inside libHandleEvents. Packets and commands (via the waker) end the wait
    at once, so a long pump costs no latency, only fewer idle wake-ups (2.2 -> ~1.2 % CPU)."""
    quality_interval_s: float = 1.0
    ringback: bool = True
    microphone_wav: str = ""
    """A WAV played in a loop as the rep's microphone instead of the capture device, on a
    machine with no sound card (the lab's tests of what the rep sends; a demo). Empty:
    the capture device."""

    def __post_init__(self) -> None:
        if self.bind_address and ipaddress.ip_address(self.bind_address).version != 4:
            raise ValueError("bind_address must be an IPv4 address or '' for all")
        if not 0 <= self.log_level <= 6:
            raise ValueError("log_level is pjsip's 0..6")
        if not 1 <= self.max_calls <= 8:
            raise ValueError("max_calls must be 1..8")
        if not 1 <= self.pump_ms <= 100:
            raise ValueError("pump_ms must be 1..100")
        if self.quality_interval_s <= 0:
            raise ValueError("quality_interval_s must be positive")

    @property
    def loopback(self) -> bool:
        """True when every socket must stay on the loopback interface."""
        return bool(self.bind_address) and ipaddress.ip_address(self.bind_address).is_loopback
