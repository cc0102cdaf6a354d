"""The engine's pjsua2 accounts: trunk lines, the demo line, and lines being retired.

A removed or replaced line keeps its account until the calls on it have ended
(an account deleted under a live call leaves pjsua with a dangling id), and no
account is created past pjsua's table size (that would abort the process).
Inbound INVITEs are declined: the app only dials out.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pjsua2 as pj

from dialer_app.engine.account import TrunkAccount
from dialer_app.engine.config import LineConfig
from dialer_app.engine.context import EngineContext
from dialer_app.engine.demo_line import DemoLine
from dialer_app.engine.endpoint import PjEndpoint, TlsSession
from dialer_app.engine.events import EngineError, LineAdded, LineRemoved
from dialer_app.engine.guard import guarded
from dialer_app.engine.limits import MAX_ACCOUNTS
from dialer_app.engine.transport import Transports


class _DeclinedCall(pj.Call):  # type: ignore[misc]
    """An inbound call, kept only until pjsua reports it DISCONNECTED after our 603."""

    def __init__(self, account: Any, pj_call_id: int, book: LineBook) -> None:
        super().__init__(account, pj_call_id)
        self._book = book

    @guarded
    def onCallState(self, prm: Any) -> None:
        if self.getInfo().state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self._book.ctx.later(lambda: self._book.forget(self))


class LineBook:
    """Creates, finds and retires accounts (engine thread only)."""

    def __init__(
        self,
        ep: PjEndpoint,
        ctx: EngineContext,
        transports: Transports,
        bind_address: str,
        in_use: Callable[[TrunkAccount], bool],
    ) -> None:
        self.ctx = ctx
        self._ep = ep
        self._transports = transports
        self._bind = bind_address
        self._in_use = in_use
        self._lines: dict[str, TrunkAccount] = {}
        self._retired: list[TrunkAccount] = []
        self._declined: list[_DeclinedCall] = []
        self.demo: DemoLine | None = None

    def get(self, name: str) -> TrunkAccount | None:
        """The live line called ``name``."""
        return self._lines.get(name)

    @property
    def settling(self) -> bool:
        """True while inbound declines or demo prospects are still hanging up."""
        return bool(self._declined or (self.demo is not None and self.demo.callees))

    def add(self, line: LineConfig, password: str) -> None:
        """Add or replace a trunk line."""
        self._install(line, password, self._transports.for_line(line), self._bind, demo=False)

    def add_demo(self, name: str, prompt_wav: str | None, beep_wav: str | None) -> None:
        """Add the built-in demo line (its prospect account is created once)."""
        if self.demo is None:
            if self._free() < 2 and name not in self._lines:
                self._too_many(name)
                return
            self.demo = DemoLine(self._ep, self.ctx, prompt_wav, beep_wav, reject=self.decline)
        demo = self.demo
        self._install(demo.line_config(name), "", demo.transport_id, demo.host, demo=True)

    def remove(self, name: str) -> None:
        """No more dials on ``name``; its calls finish normally."""
        acc = self._lines.pop(name, None)
        if acc is not None:
            self._retire(acc)
            self.ctx.emit(LineRemoved(name))

    def reap(self) -> None:
        """Delete retired accounts that no call uses any more."""
        for acc in [a for a in self._retired if not self._in_use(a)]:
            self._retired.remove(acc)
            acc.shutdown()

    def decline(self, account: Any, pj_call_id: int) -> None:
        """Answer an inbound INVITE with 603 Decline."""
        call = _DeclinedCall(account, pj_call_id, self)
        self._declined.append(call)
        prm = pj.CallOpParam()
        prm.statusCode = pj.PJSIP_SC_DECLINE
        call.hangup(prm)

    def forget(self, call: _DeclinedCall) -> None:
        """Drop a declined call once pjsua is done with it."""
        if call in self._declined:
            self._declined.remove(call)

    def select_account(self, message: str) -> int | None:
        """The account for an incoming request: the demo prospect for the demo port."""
        if self.demo is not None and self.demo.owns_request(message):
            return int(self.demo.account.getId())
        return None

    def close(self) -> None:
        """Delete every account (before libDestroy; calls must already be dropped)."""
        self._declined.clear()
        if self.demo is not None:
            self.demo.close()
        for acc in [*self._lines.values(), *self._retired]:
            with contextlib.suppress(pj.Error):
                acc.shutdown()
        self._lines.clear()
        self._retired.clear()
        self.demo = None

    # ---------------------------------------------------------------------------------------
    def _install(
        self, line: LineConfig, password: str, transport_id: int, media_bind: str, demo: bool
    ) -> None:
        old = self._lines.get(line.name)
        freed = 1 if old is not None and not self._in_use(old) else 0
        if self._free() + freed < 1:
            self._too_many(line.name)
            return
        if old is not None:
            del self._lines[line.name]
            self._retire(old)
            self.reap()
        acc = TrunkAccount(self.ctx, line, self._tls_session, self.decline, demo=demo)
        acc.open(password, transport_id, media_bind)
        self._lines[line.name] = acc
        self.ctx.emit(
            LineAdded(line.name, line.host, line.effective_port, line.transport, demo=demo)
        )

    def _retire(self, acc: TrunkAccount) -> None:
        acc.retired = True
        self._retired.append(acc)
        self.ctx.later(self.reap)

    def _free(self) -> int:
        used = len(self._lines) + len(self._retired) + (1 if self.demo is not None else 0)
        return MAX_ACCOUNTS - used

    def _too_many(self, name: str) -> None:
        self.ctx.emit(
            EngineError(
                f"Too many lines: remove one first (pjsua allows {MAX_ACCOUNTS} accounts, "
                "the demo line uses two)",
                line_name=name,
            )
        )

    def _tls_session(self, remote: str) -> TlsSession | None:
        return self._ep.tls_sessions.get(remote)
