"""The SIP engine: pjsua2 on one dedicated thread, reporting frozen events.

``config`` and ``events`` are importable without pjsua2 (for fakes and the
UI); ``SipEngine`` loads pjsua2 on first access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dialer_app.engine.config import E164_RE, TWILIO_EDGES, EngineConfig, LineConfig, is_e164
from dialer_app.engine.events import (
    AudioDevice,
    CallEnded,
    CallMediaChanged,
    CallQuality,
    CallState,
    CallStateChanged,
    DtmfReceived,
    EngineError,
    EngineEvent,
    EngineStarted,
    EngineStopped,
    LineAdded,
    LineRemoved,
    OptionsResult,
    RecordingFailed,
    RecordingParts,
    RecordingStarted,
    RecordingStopped,
    VoicemailDropStarted,
)

if TYPE_CHECKING:
    from dialer_app.engine.engine import SipEngine

__all__ = [
    "E164_RE",
    "TWILIO_EDGES",
    "AudioDevice",
    "CallEnded",
    "CallMediaChanged",
    "CallQuality",
    "CallState",
    "CallStateChanged",
    "DtmfReceived",
    "EngineConfig",
    "EngineError",
    "EngineEvent",
    "EngineStarted",
    "EngineStopped",
    "LineAdded",
    "LineConfig",
    "LineRemoved",
    "OptionsResult",
    "RecordingFailed",
    "RecordingParts",
    "RecordingStarted",
    "RecordingStopped",
    "SipEngine",
    "VoicemailDropStarted",
    "is_e164",
]


def __getattr__(name: str) -> Any:
    if name == "SipEngine":
        from dialer_app.engine.engine import SipEngine

        return SipEngine
    raise AttributeError(name)
