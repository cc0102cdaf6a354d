"""What the status bar says about the phone line."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class LineState(enum.Enum):
    NOT_CONFIGURED = "not_configured"
    DEMO = "demo"
    CONNECTING = "connecting"
    READY = "ready"
    IN_CALL = "in_call"
    ERROR = "error"


@dataclass(frozen=True)
class LineStatus:
    state: LineState
    line_name: str
    message: str

    @property
    def can_dial(self) -> bool:
        return self.state in (LineState.DEMO, LineState.READY)


NO_LINE = LineStatus(
    LineState.NOT_CONFIGURED,
    "",
    "No line configured: add your Twilio SIP trunk in Settings, or use the demo line.",
)
