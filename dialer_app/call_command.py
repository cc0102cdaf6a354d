"""`dialer-app call NUMBER`: place one call with the app's engine, print what happens.

Useful to check a trunk without the GUI. Exit code 0 only if the call was answered.
"""

from __future__ import annotations

import queue
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

from dialer_app.domain.phone import PhoneNumberError, parse_number
from dialer_app.engine.config import EngineConfig
from dialer_app.engine.events import (
    CallEnded,
    CallMediaChanged,
    CallState,
    CallStateChanged,
    EngineError,
    EngineEvent,
    LineAdded,
)
from dialer_app.paths import AppPaths
from dialer_app.secrets import SecretStore
from dialer_app.services.call_end import describe_ended
from dialer_app.settings import load_settings

DEMO_LINE = "Demo line"
EXIT_ANSWERED, EXIT_NOT_ANSWERED, EXIT_USAGE = 0, 1, 2


def place_call(
    paths: AppPaths,
    number: str,
    *,
    line_name: str | None,
    hangup_after: float,
    dtmf: str,
    out: Callable[[str], None] = print,
) -> int:
    settings = load_settings(paths.settings_file)
    try:
        parsed = parse_number(number, settings.default_region)
    except PhoneNumberError as exc:
        out(f"error: {exc}")
        return EXIT_USAGE

    from dialer_app.services.lines import load_line_setups

    setups, problems = load_line_setups(settings.lines, SecretStore())
    wanted = line_name or settings.default_line or DEMO_LINE
    setup = next((s for s in setups if s.config.name == wanted), None)
    if wanted != DEMO_LINE and setup is None:
        reasons = [p.message for p in problems if p.line_name == wanted]
        out(f"error: {reasons[0] if reasons else f'no line named “{wanted}” in Settings'}")
        return EXIT_USAGE

    from dialer_app.engine import SipEngine

    session = _CallSession(
        wanted,
        parsed.e164,
        hangup_after=hangup_after,
        dtmf=dtmf,
        ring_timeout_s=float(settings.ring_timeout_s),
        out=out,
    )
    engine = SipEngine(
        EngineConfig(
            bind_address="127.0.0.1" if setup is None else "",
            log_file=str(paths.log_dir / "sip.log"),
            log_level=3,
        ),
        session.events.put,
    )
    engine.start()
    session.engine = engine
    try:
        if setup is None:
            engine.add_demo_line(DEMO_LINE)
        else:
            engine.add_line(setup.config, setup.password)
        session.say(f"dialling {parsed.international} ({parsed.e164}) on {wanted}")
        return session.run()
    except KeyboardInterrupt:
        session.say("interrupted")
        return EXIT_NOT_ANSWERED
    finally:
        engine.shutdown()
        sys.stdout.flush()


class _CallSession:
    """Follows one call's events: dial once the line is up, DTMF and hang-up when answered."""

    def __init__(
        self,
        line: str,
        e164: str,
        *,
        hangup_after: float,
        dtmf: str,
        ring_timeout_s: float,
        out: Callable[[str], None],
    ) -> None:
        self.events: queue.SimpleQueue[EngineEvent] = queue.SimpleQueue()
        self.engine: Any = None
        self.call_id = str(uuid.uuid4())
        self._line, self._e164, self._dtmf = line, e164, dtmf
        self._hangup_after, self._ring_timeout_s = hangup_after, ring_timeout_s
        self._out = out
        self._started = time.monotonic()
        self._hangup_at: float | None = None
        self._dialled = False

    def say(self, text: str) -> None:
        self._out(f"{time.monotonic() - self._started:6.2f}s  {text}")

    def run(self) -> int:
        while True:
            try:
                event = self.events.get(timeout=0.1)
            except queue.Empty:
                if self._hangup_at is not None and time.monotonic() >= self._hangup_at:
                    self.say("hanging up")
                    self.engine.hangup(self.call_id)
                    self._hangup_at = None
                continue
            result = self._handle(event)
            if result is not None:
                return result

    def _handle(self, event: EngineEvent) -> int | None:
        if isinstance(event, LineAdded) and event.line_name == self._line and not self._dialled:
            self.engine.dial(
                self.call_id, self._line, self._e164, ring_timeout_s=self._ring_timeout_s
            )
            self._dialled = True
        elif isinstance(event, EngineError):
            self.say(f"problem: {event.message}")
        elif isinstance(event, CallStateChanged) and event.call_id == self.call_id:
            status = f" ({event.sip_status} {event.reason})" if event.sip_status else ""
            self.say(f"{event.state.value}{status}")
            if event.state is CallState.CONNECTED and self._hangup_at is None:
                if self._dtmf:
                    self.engine.send_dtmf(self.call_id, self._dtmf)
                    self.say(f"sent DTMF {self._dtmf}")
                self._hangup_at = time.monotonic() + self._hangup_after
        elif isinstance(event, CallMediaChanged) and event.call_id == self.call_id and event.active:
            self.say(f"audio {event.codec}{' with SRTP' if event.srtp else ''}")
        elif isinstance(event, CallEnded) and event.call_id == self.call_id:
            end = describe_ended(event)
            self.say(f"outcome: {end.outcome.value} — {end.message}")
            return EXIT_ANSWERED if event.connected else EXIT_NOT_ANSWERED
        return None
