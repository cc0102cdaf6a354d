"""SIP transports: one UDP, TCP and TLS listener per engine, ephemeral ports.

Lines share the listener of their transport type. TLS settings (CA list,
server verification) belong to a listener in pjsip, so a line whose CA file or
verification differs from the default gets its own TLS listener; accounts are
bound to their listener, which makes pjsip open their TLS connections with the
right settings and never reuse another listener's connection.
"""

from __future__ import annotations

import contextlib
import socket
from dataclasses import dataclass

import pjsua2 as pj

from dialer_app.engine.config import EngineConfig, LineConfig, system_ca_file

_SOL_TCP = 6
_TCP_NODELAY = 1


def _nodelay() -> pj.SockOptParams:
    """TCP_NODELAY: without it each TCP/TLS call setup waits ~70 ms on Nagle."""
    params = pj.SockOptParams()
    opt = pj.SockOpt()
    opt.level = _SOL_TCP
    opt.optName = _TCP_NODELAY
    opt.setOptValInt(1)  # a plain ``opt.optVal = 1`` is silently ignored by SWIG (EINVAL at bind)
    params.sockOpts.append(opt)
    return params


def transport_config(bind_address: str) -> pj.TransportConfig:
    """A port-0 transport config bound (and advertised) on ``bind_address``."""
    cfg = pj.TransportConfig()
    cfg.port = 0
    if bind_address:
        cfg.boundAddress = bind_address
        cfg.publicAddress = bind_address
    return cfg


@dataclass(frozen=True, slots=True)
class _TlsProfile:
    ca_file: str
    verify_server: bool


class Transports:
    """Creates and remembers the endpoint's transports (engine thread only)."""

    def __init__(self, ep: pj.Endpoint, config: EngineConfig) -> None:
        self._ep = ep
        self._bind = config.bind_address
        self.udp = ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport_config(self._bind))
        tcp_cfg = transport_config(self._bind)
        tcp_cfg.sockOptParams = _nodelay()
        self.tcp = ep.transportCreate(pj.PJSIP_TRANSPORT_TCP, tcp_cfg)
        self._tls: dict[_TlsProfile, int] = {}
        self.tls = self._tls_listener(_TlsProfile(system_ca_file(), True))

    def _tls_listener(self, profile: _TlsProfile) -> int:
        tid = self._tls.get(profile)
        if tid is None:
            cfg = transport_config(self._bind)
            cfg.sockOptParams = _nodelay()
            cfg.tlsConfig.method = pj.PJSIP_TLSV1_2_METHOD
            cfg.tlsConfig.verifyServer = profile.verify_server
            cfg.tlsConfig.CaListFile = profile.ca_file
            cfg.tlsConfig.sockOptParams = _nodelay()
            tid = self._ep.transportCreate(pj.PJSIP_TRANSPORT_TLS, cfg)
            self._tls[profile] = tid
        return int(tid)

    def for_line(self, line: LineConfig) -> int:
        """The transport id a line's account must be bound to."""
        if line.transport == "udp":
            return int(self.udp)
        if line.transport == "tcp":
            return int(self.tcp)
        return self._tls_listener(_TlsProfile(line.ca_file or system_ca_file(), line.verify_server))

    def local_address(self, tid: int) -> str:
        """host:port a transport listens on."""
        return str(self._ep.transportGetInfo(tid).localName)

    def summary(self) -> tuple[tuple[str, str], ...]:
        """(name, host:port) of the default transports, for EngineStarted."""
        return (
            ("udp", self.local_address(self.udp)),
            ("tcp", self.local_address(self.tcp)),
            ("tls", self.local_address(self.tls)),
        )


class Waker:
    """Interrupts ``libHandleEvents`` when another thread queues a command.

    pjsua2 offers no way to wake its poll, so a one-byte datagram is sent to the
    engine's own UDP transport: pjsip silently drops packets that short, and the
    poll returns at once instead of after the pump interval. Thread-safe.
    """

    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        self._target = (host, int(port))
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind((host if host.startswith("127.") else "", 0))
        self._sock.setblocking(False)

    def wake(self) -> None:
        """Make the engine loop run its queue now."""
        with contextlib.suppress(OSError):  # buffer full: the loop is already awake
            self._sock.sendto(b"\0", self._target)

    def close(self) -> None:
        """Release the socket."""
        self._sock.close()
