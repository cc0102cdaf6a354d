"""What calls, accounts and the demo line may ask of the engine loop.

pjsua2 subclasses (``Call``, ``Account``, ``AudioMediaPlayer``) receive this
narrow interface instead of the whole :class:`SipEngine`, which keeps them
testable and makes the thread rule explicit: only ``post`` may be used from a
thread other than the engine thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from dialer_app.engine.events import EngineEvent

Job = Callable[[], None]


class EngineContext(Protocol):
    """Services the engine loop offers to its pjsua2 objects."""

    def emit(self, event: EngineEvent) -> None:
        """Deliver an event to ``on_event`` (engine thread only)."""

    def post(self, job: Job) -> None:
        """Run ``job`` on the engine thread soon; safe from any thread (pjmedia's clock thread)."""

    def later(self, job: Job) -> None:
        """Run ``job`` after the current pjsua2 callback returns (to drop objects safely)."""

    def schedule(self, delay_s: float, job: Job) -> None:
        """Run ``job`` on the engine thread after ``delay_s`` seconds."""

    def capture_media(self) -> Any:
        """The microphone's conference port (pjsua2 AudioMedia)."""

    def playback_media(self) -> Any:
        """The speaker's conference port (pjsua2 AudioMedia)."""

    def set_ringing(self, call_id: str, ringing: bool) -> None:
        """Play or stop the local ringback tone for ``call_id``."""
