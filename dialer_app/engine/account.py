"""A trunk line as a pjsua2 Account: identity, digest credentials, SRTP policy, OPTIONS.

Twilio Elastic SIP Trunking needs no REGISTER: the account only carries the
From identity (the caller ID), the credential-list digest credentials and the
media policy. The password goes straight into pjsip's credential list and is
not kept on the Python side.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any

import pjsua2 as pj

from dialer_app.engine.config import LineConfig
from dialer_app.engine.context import EngineContext
from dialer_app.engine.endpoint import TlsSession
from dialer_app.engine.errors import PJSIP_TLS_ECERTVERIF, error_code_from_reason
from dialer_app.engine.events import OptionsResult
from dialer_app.engine.guard import guarded


def account_config(
    line: LineConfig, password: str, transport_id: int, media_bind: str
) -> pj.AccountConfig:
    """pjsua2 settings for one trunk line (no registration, no STUN/ICE)."""
    cfg = pj.AccountConfig()
    cfg.idUri = line.from_uri
    cfg.regConfig.registrarUri = ""
    cfg.regConfig.registerOnAdd = False
    if line.username:
        cfg.sipConfig.authCreds.append(pj.AuthCredInfo("digest", "*", line.username, 0, password))
    cfg.sipConfig.transportId = transport_id
    media = cfg.mediaConfig
    media.transportConfig.port = 0
    if media_bind:
        media.transportConfig.boundAddress = media_bind
        media.transportConfig.publicAddress = media_bind
    media.lockCodecEnabled = False  # avoids a re-INVITE after every answer
    if line.secure_media:
        media.srtpUse = pj.PJMEDIA_SRTP_MANDATORY
        media.srtpSecureSignaling = 1
    else:
        media.srtpUse = pj.PJMEDIA_SRTP_DISABLED
        media.srtpSecureSignaling = 0
    nat = cfg.natConfig
    nat.iceEnabled = False
    nat.turnEnabled = False
    nat.sipStunUse = pj.PJSUA_STUN_USE_DISABLED
    nat.mediaStunUse = pj.PJSUA_STUN_USE_DISABLED
    return cfg


class TrunkAccount(pj.Account):  # type: ignore[misc]
    """One line; answers OPTIONS pings with an :class:`OptionsResult`."""

    def __init__(
        self,
        ctx: EngineContext,
        line: LineConfig,
        tls_session: Callable[[str], TlsSession | None],
        on_incoming: Callable[[Any, int], None],
        demo: bool = False,
    ) -> None:
        super().__init__()
        self.line = line
        self.demo = demo
        self._ctx = ctx
        self._tls_session = tls_session
        self._on_incoming = on_incoming
        self._pings: deque[float] = deque()
        self.retired = False

    def open(self, password: str, transport_id: int, media_bind: str) -> None:
        """Create the pjsua account (engine thread)."""
        self.create(account_config(self.line, password, transport_id, media_bind))

    def ping(self) -> None:
        """Send OPTIONS to the trunk; the result arrives in ``onSendRequest``."""
        prm = pj.SendRequestParam()
        prm.method = "OPTIONS"
        prm.txOption.targetUri = self.line.server_uri
        self._pings.append(time.monotonic())
        try:
            self.sendRequest(prm)
        except pj.Error as exc:
            self._pings.pop()
            self._ctx.emit(
                OptionsResult(
                    self.line.name,
                    False,
                    0,
                    str(exc.reason or exc.info()),
                    None,
                    self.line.transport == "tls",
                    error_code=int(exc.status),
                )
            )

    @guarded
    def onSendRequest(self, prm: Any) -> None:
        started = self._pings.popleft() if self._pings else None
        rtt_ms = round((time.monotonic() - started) * 1000.0, 2) if started is not None else None
        status, reason, source = 0, "", None
        event = prm.e
        if event.type == pj.PJSIP_EVENT_TSX_STATE:
            tsx_event = event.body.tsxState
            status, reason = int(tsx_event.tsx.statusCode), str(tsx_event.tsx.statusText)
            if tsx_event.type == pj.PJSIP_EVENT_RX_MSG:
                source = str(tsx_event.src.rdata.srcAddress)
        error_code = error_code_from_reason(reason)
        tls = self.line.transport == "tls"
        session = self._tls_session(source) if (tls and source) else None
        verified: bool | None = session.verified if session else None
        if error_code == PJSIP_TLS_ECERTVERIF:
            verified = False
        received = source is not None
        self._ctx.emit(
            OptionsResult(
                line_name=self.line.name,
                ok=received and 0 < status < 500,
                status=status,
                reason=reason,
                rtt_ms=rtt_ms,
                tls=tls,
                tls_cipher=session.cipher if session else None,
                tls_verified=verified,
                error_code=error_code,
            )
        )

    @guarded
    def onIncomingCall(self, prm: Any) -> None:
        self._on_incoming(self, int(prm.callId))
