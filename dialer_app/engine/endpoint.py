"""The pjsua2 Endpoint: library settings, codecs, audio device, TLS sessions.

Follows the thread rule: ``threadCnt = 0`` and ``mainThreadOnly`` so pjsip
runs nothing on threads of its own, and the engine thread pumps
``libHandleEvents``. Only one Endpoint may exist per process (pjsua is a
library-wide singleton).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pjsua2 as pj

from dialer_app.engine.config import EngineConfig
from dialer_app.engine.guard import guarded

CODEC_PRIORITY = ("PCMU/8000/1", "PCMA/8000/1")
"""Twilio trunks speak G.711; offering only these keeps the SDP short and predictable."""


@dataclass(frozen=True, slots=True)
class TlsSession:
    """What pjsip reported about an established TLS connection."""

    remote: str
    cipher: str
    verified: bool
    verify_messages: tuple[str, ...] = ()


class PjEndpoint(pj.Endpoint):  # type: ignore[misc]
    """Endpoint subclass for the two library-level callbacks the engine needs."""

    def __init__(self) -> None:
        super().__init__()
        self.tls_sessions: dict[str, TlsSession] = {}
        self.account_selector: Callable[[str], int | None] | None = None

    @guarded
    def onTransportState(self, prm: Any) -> None:
        if prm.state != pj.PJSIP_TP_STATE_CONNECTED:
            return
        info = prm.tlsInfo
        if info.established:
            remote = str(info.remoteAddr)
            self.tls_sessions[remote] = TlsSession(
                remote,
                str(info.cipherName),
                int(info.verifyStatus) == 0,
                tuple(str(m) for m in info.verifyMsgs),
            )

    @guarded
    def onSelectAccount(self, prm: Any) -> None:
        if self.account_selector is not None:
            index = self.account_selector(str(prm.rdata.wholeMsg))
            if index is not None:
                prm.accountIndex = index


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """pjlib prints its banner to fd 1 inside libCreate(), before any log level applies."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):  # no usable fd 1 (e.g. a windowed app): nothing to hide
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def create_endpoint(config: EngineConfig) -> tuple[PjEndpoint, bool]:
    """Create and initialise the library; returns the endpoint and whether audio is null."""
    ep = PjEndpoint()
    with quiet_stdout():
        ep.libCreate()
    cfg = pj.EpConfig()
    ua = cfg.uaConfig
    ua.threadCnt = 0
    ua.mainThreadOnly = True
    ua.userAgent = config.user_agent
    ua.maxCalls = min(32, 2 * config.max_calls + 2)  # demo calls use two legs
    log = cfg.logConfig
    log.level = config.log_level
    log.msgLogging = config.log_level >= 4
    if config.log_file:
        log.filename = config.log_file
        log.consoleLevel = 0
    else:
        log.consoleLevel = config.log_level
    med = cfg.medConfig
    med.clockRate = 8000  # G.711 everywhere: no resampling on the bridge
    ep.libInit(cfg)
    null_audio = config.null_audio or not _has_duplex_device(ep)
    if null_audio:
        ep.audDevManager().setNullDev()
    _set_codecs(ep)
    return ep, null_audio


def _has_duplex_device(ep: PjEndpoint) -> bool:
    devices = list(ep.audDevManager().enumDev2())
    return any(d.inputCount > 0 for d in devices) and any(d.outputCount > 0 for d in devices)


def _set_codecs(ep: PjEndpoint) -> None:
    for info in ep.codecEnum2():
        codec_id = str(info.codecId)
        if codec_id in CODEC_PRIORITY:
            ep.codecSetPriority(codec_id, 255 - CODEC_PRIORITY.index(codec_id))
        else:
            ep.codecSetPriority(codec_id, 0)
