"""The dialer's record icon (seed 001): what it shows, what a click does, and why.

Pure: the service feeds it the governance decision and the call's recording state; the UI
only draws the result (red dot, grey dot, paused) and puts ``tooltip`` in the hover text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class IndicatorState(enum.Enum):
    DISABLED = "disabled"
    """Grey and locked: governance, no person, or an unreadable number; tooltip says which."""
    OFF = "off"
    """Grey: the next call (or this call) is not recorded, and a click changes that."""
    ARMED = "armed"
    """Red, before a call: "Record next call"."""
    RECORDING = "recording"
    """Red, during a call: audio is being written."""
    PAUSED = "paused"
    """Amber, during a call: silence is being written so the timeline is kept."""


@dataclass(frozen=True)
class RecordingIndicator:
    state: IndicatorState
    clickable: bool
    tooltip: str
    """Hover text: "Record next call", or why it is disabled, or what a click does."""
    action: str = ""
    """What a click does, for the button's accessible name and menu: "Record next call",
    "Don't record next call", "Start call recording", "Pause call recording",
    "Resume call recording"; "" when not clickable."""
    one_sided: bool = False
    """Only the rep's voice is (or will be) recorded."""
