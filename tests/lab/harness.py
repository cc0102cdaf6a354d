"""Helpers for engine tests: wait on specific engine events, dial and clean up, measure audio."""

from __future__ import annotations

import array
import math
import threading
import uuid
import wave
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from dialer_app.engine.config import LineConfig, TransportName
from dialer_app.engine.events import (
    CallEnded,
    CallQuality,
    CallState,
    CallStateChanged,
    EngineEvent,
)
from tests.lab.sip_lab import USERNAME, SipLab

E = TypeVar("E")
TempLine = Callable[..., str]
"""temp_line fixture: (name, transport, password=..., **LineConfig fields) -> line name."""
LAB_CALLER_ID = "+15550001111"


def lab_line(lab: SipLab, name: str, transport: TransportName, **kw: Any) -> LineConfig:
    """A line to the lab's kamailio with the lab's trunk user (password passed separately)."""
    port = lab.tls_port if transport == "tls" else lab.sip_port
    return LineConfig(
        name=name,
        domain="127.0.0.1",
        username=USERNAME,
        caller_id=LAB_CALLER_ID,
        transport=transport,
        port=port,
        **kw,
    )


@dataclass(frozen=True)
class LabLines:
    """Names of the lines the integration tests add for the lab's scenarios."""

    udp: str = "lab-udp"
    tcp: str = "lab-tcp"
    tls: str = "lab-tls"  # TLS, lab CA, mandatory SRTP
    tls_no_ca: str = "lab-tls-system-ca"  # system CA store: kamailio's cert is untrusted
    tls_wrong_ca: str = "lab-tls-wrong-ca"


class EventLog:
    """An ``on_event`` sink that tests can block on (a Condition, never a sleep)."""

    def __init__(self) -> None:
        self._events: list[EngineEvent] = []
        self._cond = threading.Condition()

    def __call__(self, event: EngineEvent) -> None:
        with self._cond:
            self._events.append(event)
            self._cond.notify_all()

    @property
    def events(self) -> list[EngineEvent]:
        """A snapshot of everything received so far."""
        with self._cond:
            return list(self._events)

    def mark(self) -> int:
        """A position to wait from (ignore what came before)."""
        with self._cond:
            return len(self._events)

    def wait_for(
        self,
        kind: type[E],
        timeout: float = 10.0,
        since: int = 0,
        where: Callable[[E], bool] | None = None,
        **fields: Any,
    ) -> E:
        """The first event of ``kind`` (after ``since``) whose attributes equal ``fields``."""

        def match() -> E | None:
            for event in self._events[since:]:
                if not isinstance(event, kind):
                    continue
                if all(getattr(event, k) == v for k, v in fields.items()) and (
                    where is None or where(event)
                ):
                    return event
            return None

        with self._cond:
            found = self._cond.wait_for(match, timeout)
        if found is None:
            tail = "\n  ".join(repr(e) for e in self.events[-15:])
            raise AssertionError(
                f"no {kind.__name__} {fields} within {timeout} s; last events:\n  {tail}"
            )
        return found

    def of_call(self, call_id: str) -> list[EngineEvent]:
        """Every event that carries ``call_id``."""
        return [e for e in self.events if getattr(e, "call_id", None) == call_id]

    def states(self, call_id: str) -> list[CallState]:
        """The CallStateChanged states of one call, in order."""
        return [e.state for e in self.of_call(call_id) if isinstance(e, CallStateChanged)]


class Dialer:
    """Dials on a shared engine and makes sure every call is over when the test ends."""

    def __init__(self, engine: Any, log: EventLog) -> None:
        self.engine = engine
        self.log = log
        self.call_ids: list[str] = []

    def dial(self, line: str, number: str, **kwargs: Any) -> str:
        """Start a call; returns its id (a fresh UUID)."""
        call_id = str(uuid.uuid4())
        self.call_ids.append(call_id)
        self.engine.dial(call_id, line, number, **kwargs)
        return call_id

    def wait_state(self, call_id: str, state: CallState, timeout: float = 10.0) -> CallStateChanged:
        """Block until the call reaches ``state``."""
        return self.log.wait_for(CallStateChanged, timeout, call_id=call_id, state=state)

    def wait_connected(self, call_id: str, timeout: float = 10.0) -> CallStateChanged:
        """Block until the call is answered."""
        return self.wait_state(call_id, CallState.CONNECTED, timeout)

    def wait_audio(self, call_id: str, seconds: float = 0.5, timeout: float = 10.0) -> None:
        """Block until ``seconds`` more RTP (20 ms packets) arrived, as CallQuality reports."""
        since = self.log.mark()
        first = self.log.wait_for(CallQuality, timeout, since=since, call_id=call_id)
        target = first.rx_packets + round(seconds * 50)
        self.log.wait_for(
            CallQuality,
            timeout,
            since=since,
            call_id=call_id,
            where=lambda q: q.rx_packets >= target,
        )

    def wait_ended(self, call_id: str, timeout: float = 10.0) -> CallEnded:
        """Block until the call's CallEnded."""
        return self.log.wait_for(CallEnded, timeout, call_id=call_id)

    def close(self) -> None:
        """Hang up whatever is still up and wait for each CallEnded."""
        for call_id in self.call_ids:
            if not any(isinstance(e, CallEnded) for e in self.log.of_call(call_id)):
                self.engine.hangup(call_id)
                self.wait_ended(call_id, timeout=20.0)


def wav_rms(path: str, start_s: float = 0.0, end_s: float | None = None) -> float:
    """Root mean square of a 16-bit mono WAV, or of a span of it (0 = digital silence)."""
    with wave.open(path, "rb") as wav:
        assert wav.getsampwidth() == 2, "expected 16-bit PCM"
        rate = wav.getframerate()
        first = int(start_s * rate)
        last = wav.getnframes() if end_s is None else min(wav.getnframes(), int(end_s * rate))
        wav.setpos(min(first, wav.getnframes()))
        samples = array.array("h", wav.readframes(max(0, last - first)))
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))


def wav_seconds(path: str) -> float:
    """Duration of a WAV file."""
    with wave.open(path, "rb") as wav:
        return wav.getnframes() / float(wav.getframerate())
