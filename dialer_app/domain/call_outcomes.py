"""How a call ended, in the rep's words, with the disposition to suggest.

Pure Python (no pjsua2, Qt or SQLAlchemy): the engine reports SIP facts, this
module turns them into one outcome, a human message and, for the three
outcomes the team's seed auto-suggests, a disposition name.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

PJSIP_ESESSIONINSECURE = 171142
"""pj_status_t: SRTP with secure signalling was asked for on a non-TLS line."""
PJSIP_TLS_ECERTVERIF = 171173
"""pj_status_t: the trunk's TLS certificate failed verification."""

DISPOSITION_NO_ANSWER = "No Answer"
DISPOSITION_BUSY = "Busy"
DISPOSITION_LEFT_VOICEMAIL = "Left Voicemail"


class Outcome(enum.StrEnum):
    """Every way a call can end, as the app reports it."""

    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    LEFT_VOICEMAIL = "left_voicemail"
    REJECTED_AUTH = "rejected_auth"
    CALLER_ID_REJECTED = "caller_id_rejected"
    INVALID_NUMBER = "invalid_number"
    MEDIA_MISMATCH = "media_mismatch"
    TLS_UNTRUSTED = "tls_untrusted"
    NETWORK_DOWN = "network_down"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class CallEndDescription:
    """What to show and what to pre-select after a call."""

    outcome: Outcome
    message: str
    suggested_disposition: str | None = None


MSG_ANSWERED = "The call was answered."
MSG_NO_ANSWER = "No answer."
MSG_BUSY = "The line was busy."
MSG_LEFT_VOICEMAIL = "Voicemail left."
MSG_REJECTED_AUTH = (
    "The trunk rejected the credentials: check the username and password of the credential list"
)
MSG_CALLER_ID_REJECTED = (
    "Twilio refused the call: the caller ID may not be a verified number, "
    "or your IP is not allowed on the trunk — use a verified caller ID"
)
MSG_INVALID_NUMBER = (
    "That is not a valid phone number: check it and dial it in E.164 form (+15551234567)"
)
MSG_MEDIA_MISMATCH = (
    "The trunk refused the call's audio (codec/encryption mismatch): "
    "turn secure trunking on/off to match the trunk"
)
MSG_SECURE_NEEDS_TLS = (
    "Secure media needs a TLS line (codec/encryption mismatch): switch the line to TLS, "
    "or turn secure trunking on/off to match the trunk"
)
MSG_TLS_UNTRUSTED = (
    "The trunk's TLS certificate is not trusted: install the CA or pick the right CA file"
)
MSG_NETWORK_DOWN = "Could not reach the trunk: check the network connection and the trunk's status"
MSG_CANCELLED = "You hung up before the call rang."

_NETWORK_STATUSES = frozenset({408, 500, 502, 503, 504})

_AUTH = CallEndDescription(Outcome.REJECTED_AUTH, MSG_REJECTED_AUTH)
_INVALID = CallEndDescription(Outcome.INVALID_NUMBER, MSG_INVALID_NUMBER)
_BUSY = CallEndDescription(Outcome.BUSY, MSG_BUSY, DISPOSITION_BUSY)
_NO_ANSWER = CallEndDescription(Outcome.NO_ANSWER, MSG_NO_ANSWER, DISPOSITION_NO_ANSWER)
_BY_STATUS: dict[int, CallEndDescription] = {
    401: _AUTH,
    407: _AUTH,
    403: CallEndDescription(Outcome.CALLER_ID_REJECTED, MSG_CALLER_ID_REJECTED),
    404: _INVALID,
    484: _INVALID,
    486: _BUSY,
    600: _BUSY,
    488: CallEndDescription(Outcome.MEDIA_MISMATCH, MSG_MEDIA_MISMATCH),
    480: _NO_ANSWER,
}
"""Final responses that mean the same thing whenever they arrive."""


def _detail(sip_status: int, reason: str) -> str:
    parts = [str(sip_status) if sip_status else "", reason.strip()]
    text = " ".join(p for p in parts if p)
    return f" ({text})" if text else ""


def describe_call_end(
    sip_status: int,
    reason: str,
    *,
    connected: bool,
    hung_up_by_rep: bool,
    was_ringing: bool,
    error_code: int | None,
    voicemail_dropped: bool = False,
) -> CallEndDescription:
    """Map the facts of a call's end to an outcome, a message and a suggested disposition.

    Precedence: a dropped voicemail, then an answered call, then local errors
    (TLS trust, insecure transport), then the SIP status. A timeout (408)
    after ringing is a no-answer; without any ringing it means the trunk never
    responded, so it is reported as the network being down.
    """
    local = _before_status(reason, connected, error_code, voicemail_dropped)
    if local is not None:
        return local
    by_status = _BY_STATUS.get(sip_status)
    if by_status is not None:
        return by_status
    return _unanswered(sip_status, reason, hung_up_by_rep, was_ringing)


def _before_status(
    reason: str, connected: bool, error_code: int | None, voicemail_dropped: bool
) -> CallEndDescription | None:
    if voicemail_dropped:
        return CallEndDescription(
            Outcome.LEFT_VOICEMAIL, MSG_LEFT_VOICEMAIL, DISPOSITION_LEFT_VOICEMAIL
        )
    if connected:
        return CallEndDescription(Outcome.ANSWERED, MSG_ANSWERED)
    if error_code == PJSIP_TLS_ECERTVERIF or "PJSIP_TLS_ECERTVERIF" in reason:
        return CallEndDescription(Outcome.TLS_UNTRUSTED, MSG_TLS_UNTRUSTED)
    if error_code == PJSIP_ESESSIONINSECURE:
        return CallEndDescription(Outcome.MEDIA_MISMATCH, MSG_SECURE_NEEDS_TLS)
    return None


def _unanswered(
    sip_status: int, reason: str, hung_up_by_rep: bool, was_ringing: bool
) -> CallEndDescription:
    if was_ringing and (hung_up_by_rep or sip_status in (408, 487)):
        return _NO_ANSWER
    if hung_up_by_rep and sip_status in (0, 487):
        return CallEndDescription(Outcome.FAILED, MSG_CANCELLED)
    if sip_status in _NETWORK_STATUSES:
        return CallEndDescription(
            Outcome.NETWORK_DOWN, MSG_NETWORK_DOWN + _detail(sip_status, reason)
        )
    return CallEndDescription(Outcome.FAILED, "The call failed" + _detail(sip_status, reason) + ".")
