"""The built-in demo line: a fake prospect living inside the same endpoint.

With no Twilio account the app still dials: the rep's call goes over a
loopback UDP transport to a second pjsua2 account on that same transport,
whose ``onIncomingCall`` plays a prospect chosen by the number's last four
digits (:data:`DEMO_BEHAVIOURS`). Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pjsua2 as pj

from dialer_app.engine.config import LineConfig
from dialer_app.engine.context import EngineContext
from dialer_app.engine.guard import guarded
from dialer_app.engine.media import FilePlayer, TonePlayer, connect, disconnect
from dialer_app.engine.transport import transport_config

log = logging.getLogger("dialer_app.engine")

DEMO_HOST = "127.0.0.1"
DEMO_CALLER_ID = "+15005550006"
"""Caller ID the demo line sends (Twilio's documented 'valid' test number)."""

RESOURCE_DIR = Path(__file__).resolve().parents[2] / "resources" / "demo"
"""Default home of ``prompt.wav`` and ``beep.wav`` (a source checkout)."""


@dataclass(frozen=True, slots=True)
class DemoBehaviour:
    """How the demo prospect treats a call: ring, then answer or reject."""

    name: str
    ring_s: float
    final_status: int  # 200 answers; anything else rejects with that status
    media: str | None = None  # "prompt" (looped), "beep" (once), or None


DEMO_ANSWER = DemoBehaviour("answers and speaks", ring_s=1.0, final_status=200, media="prompt")
DEMO_BEHAVIOURS: Mapping[str, DemoBehaviour] = MappingProxyType(
    {
        "0486": DemoBehaviour("busy", ring_s=0.3, final_status=486),
        "0408": DemoBehaviour("never answers", ring_s=45.0, final_status=480),
        "0199": DemoBehaviour("voicemail", ring_s=3.0, final_status=200, media="beep"),
    }
)
"""Last four digits -> behaviour; any other number gets :data:`DEMO_ANSWER`."""

_USER_RE = re.compile(r"sips?:([^@;>]+)@")
_REQUEST_LINE_RE = re.compile(r"^[A-Z]+\s+sips?:(?:[^@\s]*@)?([^:;>\s]+)(?::(\d+))?")


def demo_behaviour(number: str) -> DemoBehaviour:
    """The behaviour for a dialled number (by its last four digits)."""
    return DEMO_BEHAVIOURS.get(number[-4:], DEMO_ANSWER)


class DemoCallee(pj.Call):  # type: ignore[misc]
    """The prospect's side of one demo call."""

    def __init__(
        self,
        account: Any,
        pj_call_id: int,
        ctx: EngineContext,
        media: Mapping[str, str | None],
        on_finished: Callable[[DemoCallee], None],
    ) -> None:
        super().__init__(account, pj_call_id)
        self._ctx = ctx
        self._media_files = media
        self._on_finished = on_finished
        self.finished = False
        self.serial = 0
        match = _USER_RE.search(str(self.getInfo().localUri))
        self.number = match.group(1) if match else ""
        self.behaviour = demo_behaviour(self.number)
        self._player: FilePlayer | None = None
        self._tone: TonePlayer | None = None
        self._audio: Any = None

    def ring(self) -> None:
        """Send 180 Ringing (the final answer is scheduled by :class:`DemoLine`)."""
        prm = pj.CallOpParam()
        prm.statusCode = pj.PJSIP_SC_RINGING
        self.answer(prm)

    def final_answer(self) -> None:
        """Answer (200) or reject with the behaviour's status."""
        if self.finished:
            return
        prm = pj.CallOpParam()
        prm.statusCode = self.behaviour.final_status
        try:
            if self.behaviour.final_status == 200:
                self.answer(prm)
            else:
                self.hangup(prm)
        except pj.Error as exc:
            log.debug("demo answer failed: %s", exc.info())

    @guarded
    def onCallState(self, prm: Any) -> None:
        if self.getInfo().state == pj.PJSIP_INV_STATE_DISCONNECTED and not self.finished:
            self.finished = True
            self._ctx.later(lambda: self._on_finished(self))

    @guarded
    def onCallMediaState(self, prm: Any) -> None:
        info = self.getInfo()  # keep it: .media points into this object (SWIG)
        for media in info.media:
            if media.type == pj.PJMEDIA_TYPE_AUDIO and media.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                self._audio = self.getAudioMedia(int(media.index))
                self._play()
                return

    def _play(self) -> None:
        kind = self.behaviour.media
        if kind is None or self._audio is None:
            return
        if self._player is None and self._tone is None:
            path = self._media_files.get(kind)
            if path and Path(path).is_file():
                self._player = FilePlayer(path, loop=(kind == "prompt"), post=self._ctx.post)
            else:  # no resources (e.g. a stripped bundle): a tone still proves audio flows
                self._tone = TonePlayer(600, 0, 400, 200)
                self._tone.start(self._audio)
        if self._player is not None:
            connect(self._player, self._audio)

    def release(self) -> None:
        """Drop the players (engine thread, outside callbacks)."""
        if self._player is not None and self._audio is not None:
            disconnect(self._player, self._audio)
        if self._tone is not None:
            self._tone.stop()
        self._player = self._tone = self._audio = None


class DemoAccount(pj.Account):  # type: ignore[misc]
    """The prospect's account; takes every call addressed to the demo transport."""

    def __init__(self, on_incoming: Callable[[Any, int, str], None]) -> None:
        super().__init__()
        self._on_incoming = on_incoming

    @guarded
    def onIncomingCall(self, prm: Any) -> None:
        self._on_incoming(self, int(prm.callId), str(prm.rdata.srcAddress))


class DemoLine:
    """Loopback transport + prospect account + live callees (engine thread only)."""

    host = DEMO_HOST

    def __init__(
        self,
        ep: Any,
        ctx: EngineContext,
        prompt_wav: str | None,
        beep_wav: str | None,
        reject: Callable[[Any, int], None],
    ) -> None:
        self._ctx = ctx
        self._reject = reject
        self._media: dict[str, str | None] = {
            "prompt": prompt_wav or str(RESOURCE_DIR / "prompt.wav"),
            "beep": beep_wav or str(RESOURCE_DIR / "beep.wav"),
        }
        self.transport_id = int(
            ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport_config(DEMO_HOST))
        )
        self.port = int(str(ep.transportGetInfo(self.transport_id).localName).rpartition(":")[2])
        self.callees: list[DemoCallee] = []
        self._serials = itertools.count(1)
        self.account = DemoAccount(self._incoming)
        cfg = pj.AccountConfig()
        cfg.idUri = f"sip:prospect@{DEMO_HOST}:{self.port}"
        cfg.regConfig.registrarUri = ""
        cfg.regConfig.registerOnAdd = False
        cfg.sipConfig.transportId = self.transport_id
        cfg.mediaConfig.transportConfig.port = 0
        cfg.mediaConfig.transportConfig.boundAddress = DEMO_HOST
        cfg.mediaConfig.transportConfig.publicAddress = DEMO_HOST
        cfg.mediaConfig.lockCodecEnabled = False
        self.account.create(cfg)

    def line_config(self, name: str) -> LineConfig:
        """The rep-side line that dials this prospect."""
        return LineConfig(
            name=name,
            domain=DEMO_HOST,
            username="",
            caller_id=DEMO_CALLER_ID,
            transport="udp",
            port=self.port,
            secure_media=False,
        )

    def owns_request(self, message: str) -> bool:
        """True when a request's Request-URI targets the demo transport."""
        match = _REQUEST_LINE_RE.match(message)
        return bool(match and match.group(1) == DEMO_HOST and match.group(2) == str(self.port))

    def _incoming(self, account: Any, pj_call_id: int, source: str) -> None:
        if source != f"{DEMO_HOST}:{self.port}":  # only our own rep-side account calls the demo
            self._reject(account, pj_call_id)
            return
        callee = DemoCallee(self.account, pj_call_id, self._ctx, self._media, self._finished)
        self.callees.append(callee)
        callee.ring()
        # the timer holds a serial, not the Call: a late delete would unlink a reused call id
        serial = callee.serial = next(self._serials)
        self._ctx.schedule(callee.behaviour.ring_s, lambda: self._final_answer(serial))

    def _final_answer(self, serial: int) -> None:
        for callee in self.callees:
            if callee.serial == serial:
                callee.final_answer()
                return

    def _finished(self, callee: DemoCallee) -> None:
        callee.release()
        if callee in self.callees:
            self.callees.remove(callee)

    def close(self) -> None:
        """Release every callee and the account (before libDestroy)."""
        for callee in self.callees:
            callee.release()
        self.callees.clear()
        self.account.shutdown()
