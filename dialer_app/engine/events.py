"""Frozen events the engine reports through ``on_event``.

They are plain copies of what pjsua2 said, so they can cross threads (the Qt
service re-emits them as queued signals) and be stored or logged safely. No
pjsua2 object is ever referenced from here.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass, field


def _now() -> float:
    return time.time()


class CallState(enum.StrEnum):
    """The rep-facing call lifecycle (pjsip INVITE states, plus hold)."""

    CALLING = "calling"
    RINGING = "ringing"  # 180, or 183 with early media
    CONNECTING = "connecting"
    CONNECTED = "connected"
    ON_HOLD = "on_hold"
    DISCONNECTED = "disconnected"


@dataclass(frozen=True, slots=True)
class AudioDevice:
    """A sound device as pjmedia lists it."""

    id: int
    name: str
    input_count: int
    output_count: int
    driver: str = ""


@dataclass(frozen=True, slots=True)
class EngineStarted:
    """The endpoint is up; ``local_addresses`` pairs transport name and host:port."""

    user_agent: str
    null_audio: bool
    local_addresses: tuple[tuple[str, str], ...] = ()
    at: float = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class EngineStopped:
    """The endpoint was destroyed; no more events follow."""

    at: float = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class EngineError:
    """Something the rep or a log should see that is not a call ending."""

    message: str
    detail: str = ""
    call_id: str | None = None
    line_name: str | None = None
    at: float = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class LineAdded:
    """A line is ready to dial (``demo`` for the built-in demo line)."""

    line_name: str
    host: str
    port: int
    transport: str
    demo: bool = False
    at: float = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class LineRemoved:
    """A line no longer accepts dials."""

    line_name: str
    at: float = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class CallStateChanged:
    """A call moved on; ``sip_status``/``reason`` are the last SIP response seen."""

    call_id: str
    state: CallState
    sip_status: int
    reason: str
    at: float = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class CallMediaChanged:
    """Audio started, stopped, or went on/off hold."""

    call_id: str
    active: bool
    on_hold: bool
    srtp: bool
    codec: str
    muted: bool = False
    at: float = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class CallQuality:
    """Receive-side stream figures, with a MOS estimated by the E-model."""

    call_id: str
    codec: str
    srtp: bool
    jitter_ms: float
    loss_pct: float
    rtt_ms: float | None
    mos: float
    rx_packets: int = 0
    tx_packets: int = 0
    at: float = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class CallEnded:
    """The last event of a call: everything needed to describe how it ended.

    ``error_code`` is a pj_status_t when a local error ended the call (e.g.
    PJSIP_TLS_ECERTVERIF, PJSIP_ESESSIONINSECURE), else None.
    """

    call_id: str
    sip_status: int
    reason: str
    connected_duration_s: float | None
    was_ringing: bool
    hung_up_by_rep: bool
    error_code: int | None = None
    stats: CallQuality | None = None
    voicemail_dropped: bool = False
    ring_timeout: bool = False
    line_name: str = ""
    at: float = field(default_factory=_now)

    @property
    def connected(self) -> bool:
        """True when the call was answered."""
        return self.connected_duration_s is not None


@dataclass(frozen=True, slots=True)
class DtmfReceived:
    """A digit the far end sent (RFC 4733 or SIP INFO)."""

    call_id: str
    digit: str
    at: float = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class VoicemailDropStarted:
    """The voicemail WAV started playing into the call."""

    call_id: str
    wav_path: str
    at: float = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class RecordingParts:
    """The mono WAVs one call recording is written to, side by side on the bridge clock.

    ``rep`` takes the rep's microphone, ``prospect`` the far end (None when governance
    allows only the rep's voice). Both start on the same bridge tick, so the service can
    interleave them into one stereo file (rep left, prospect right) after the call.
    """

    rep: str
    prospect: str | None


@dataclass(frozen=True, slots=True)
class RecordingStarted:
    """The recorders exist and are connected: audio from now on is in the files."""

    call_id: str
    parts: RecordingParts
    at: float = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class RecordingStopped:
    """A call recording's WAVs are closed and complete on disk (or overdue: see media)."""

    call_id: str
    parts: RecordingParts
    at: float = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class RecordingFailed:
    """Recording could not start or had to stop (unwritable folder, disk full); the call
    goes on. ``message`` is for the rep."""

    call_id: str
    message: str
    detail: str = ""
    at: float = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class OptionsResult:
    """Outcome of a SIP OPTIONS ping to a line's trunk.

    ``ok`` means the trunk answered with a SIP response below 500 (it is
    reachable). The TLS fields are filled from the TLS session that carried the
    ping, when there was one.
    """

    line_name: str
    ok: bool
    status: int
    reason: str
    rtt_ms: float | None
    tls: bool
    tls_cipher: str | None = None
    tls_verified: bool | None = None
    error_code: int | None = None
    at: float = field(default_factory=_now)


EngineEvent = (
    EngineStarted
    | EngineStopped
    | EngineError
    | LineAdded
    | LineRemoved
    | CallStateChanged
    | CallMediaChanged
    | CallQuality
    | CallEnded
    | DtmfReceived
    | VoicemailDropStarted
    | RecordingStarted
    | RecordingStopped
    | RecordingFailed
    | OptionsResult
)
"""Everything ``on_event`` may receive."""
