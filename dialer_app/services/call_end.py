"""An engine's CallEnded in the rep's words (one place for the GUI and the CLI)."""

from __future__ import annotations

from dialer_app.domain.call_outcomes import CallEndDescription, describe_call_end
from dialer_app.engine.events import CallEnded


def describe_ended(event: CallEnded, *, rang: bool = False) -> CallEndDescription:
    """``rang``: the caller saw ringing even if the final event does not say so."""
    return describe_call_end(
        event.sip_status,
        event.reason,
        connected=event.connected,
        hung_up_by_rep=event.hung_up_by_rep,
        was_ringing=event.was_ringing or rang,
        error_code=event.error_code,
        voicemail_dropped=event.voicemail_dropped,
    )
