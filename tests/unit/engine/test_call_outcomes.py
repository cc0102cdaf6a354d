"""Every row of the call-end mapping: SIP facts -> outcome, message, suggested disposition."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from dialer_app.domain import call_outcomes as co
from dialer_app.domain.call_outcomes import CallEndDescription, Outcome, describe_call_end
from dialer_app.engine import errors

ECERTVERIF = co.PJSIP_TLS_ECERTVERIF
EINSECURE = co.PJSIP_ESESSIONINSECURE


def describe(
    status: int,
    reason: str = "",
    *,
    connected: bool = False,
    by_rep: bool = False,
    ringing: bool = False,
    error: int | None = None,
    voicemail: bool = False,
) -> CallEndDescription:
    return describe_call_end(
        status,
        reason,
        connected=connected,
        hung_up_by_rep=by_rep,
        was_ringing=ringing,
        error_code=error,
        voicemail_dropped=voicemail,
    )


A, N, B, V = Outcome.ANSWERED, Outcome.NO_ANSWER, Outcome.BUSY, Outcome.LEFT_VOICEMAIL
CERT = "SSL certificate verification error (PJSIP_TLS_ECERTVERIF)"
INSECURE = "Require secure session/transport (PJSIP_ESESSIONINSECURE)"

# id: (status, reason, connected, hung_up_by_rep, was_ringing, error_code, voicemail,
#      expected outcome, suggested disposition)
# fmt: off
TABLE: dict[str, tuple[int, str, bool, bool, bool, int | None, bool, Outcome, str | None]] = {
    "answered-rep-hangs-up":      (200, "OK", True, True, True, None, False, A, None),
    "answered-prospect-hangs-up": (200, "Normal call clearing", True, False, True, None, False, A,
                                   None),
    "voicemail-dropped":          (200, "OK", True, False, True, None, True, V, "Left Voicemail"),
    "rep-hangs-up-while-ringing": (487, "Request Terminated", False, True, True, None, False, N,
                                   "No Answer"),
    "487-after-ring-timeout":     (487, "Request Terminated", False, False, True, None, False, N,
                                   "No Answer"),
    "408-after-ringing":          (408, "Request Timeout", False, False, True, None, False, N,
                                   "No Answer"),
    "480":                        (480, "Temporarily Unavailable", False, False, True, None, False,
                                   N, "No Answer"),
    "480-without-ringing":        (480, "Temporarily Unavailable", False, False, False, None, False,
                                   N, "No Answer"),
    "486":                        (486, "Busy Here", False, False, True, None, False, B, "Busy"),
    "600":                        (600, "Busy Everywhere", False, False, False, None, False, B,
                                   "Busy"),
    "401":                        (401, "Unauthorized", False, False, False, None, False,
                                   Outcome.REJECTED_AUTH, None),
    "407":                        (407, "Proxy Authentication Required", False, False, False, None,
                                   False, Outcome.REJECTED_AUTH, None),
    "403":                        (403, "Forbidden", False, False, False, None, False,
                                   Outcome.CALLER_ID_REJECTED, None),
    "404":                        (404, "Not Found", False, False, False, None, False,
                                   Outcome.INVALID_NUMBER, None),
    "484":                        (484, "Address Incomplete", False, False, False, None, False,
                                   Outcome.INVALID_NUMBER, None),
    "488":                        (488, "Not Acceptable Here", False, False, False, None, False,
                                   Outcome.MEDIA_MISMATCH, None),
    "srtp-needs-tls":             (0, INSECURE, False, False, False, EINSECURE, False,
                                   Outcome.MEDIA_MISMATCH, None),
    "503-cert-verify":            (503, CERT, False, False, False, ECERTVERIF, False,
                                   Outcome.TLS_UNTRUSTED, None),
    "503-cert-verify-by-reason":  (503, CERT, False, False, False, None, False,
                                   Outcome.TLS_UNTRUSTED, None),
    "503":                        (503, "Service Unavailable", False, False, False, None, False,
                                   Outcome.NETWORK_DOWN, None),
    "503-transport-error":        (503, "Connection refused", False, False, False, None, False,
                                   Outcome.NETWORK_DOWN, None),
    "408-no-response-at-all":     (408, "Request Timeout", False, False, False, None, False,
                                   Outcome.NETWORK_DOWN, None),
    "500":                        (500, "Server Internal Error", False, False, False, None, False,
                                   Outcome.NETWORK_DOWN, None),
    "502":                        (502, "Bad Gateway", False, False, False, None, False,
                                   Outcome.NETWORK_DOWN, None),
    "504":                        (504, "Server Time-out", False, False, False, None, False,
                                   Outcome.NETWORK_DOWN, None),
    "rep-cancels-before-ringing": (487, "Request Terminated", False, True, False, None, False,
                                   Outcome.FAILED, None),
    "603":                        (603, "Decline", False, False, True, None, False, Outcome.FAILED,
                                   None),
    "local-refusal":              (0, "There is no line named 'x'", False, False, False, None,
                                   False, Outcome.FAILED, None),
}
# fmt: on


@pytest.mark.parametrize("row", list(TABLE))
def test_mapping_row(row: str) -> None:
    status, reason, connected, by_rep, ringing, error, voicemail, expected, disposition = TABLE[row]
    result = describe(
        status,
        reason,
        connected=connected,
        by_rep=by_rep,
        ringing=ringing,
        error=error,
        voicemail=voicemail,
    )
    assert result.outcome is expected
    assert result.suggested_disposition == disposition
    assert result.message


def test_every_outcome_is_covered_by_a_row() -> None:
    covered = {row[7] for row in TABLE.values()}
    assert covered == set(Outcome)


def test_only_three_dispositions_are_ever_suggested() -> None:
    suggested = {row[8] for row in TABLE.values()} - {None}
    assert suggested == {"No Answer", "Busy", "Left Voicemail"}


def test_credentials_message() -> None:
    assert describe(407).message == (
        "The trunk rejected the credentials: check the username and password of the credential list"
    )


def test_caller_id_message() -> None:
    message = describe(403).message
    assert "caller ID may not be a verified number" in message
    assert "IP is not allowed on the trunk" in message and "use a verified caller ID" in message


def test_tls_message() -> None:
    assert describe(503, error=ECERTVERIF).message == (
        "The trunk's TLS certificate is not trusted: install the CA or pick the right CA file"
    )


def test_media_mismatch_message_mentions_secure_trunking() -> None:
    assert "turn secure trunking on/off to match the trunk" in describe(488).message
    assert "secure trunking" in describe(0, error=EINSECURE).message


def test_invalid_number_message() -> None:
    assert "not a valid" in describe(484).message


def test_network_message_carries_the_sip_detail() -> None:
    assert describe(503, "Connection refused").message.endswith("(503 Connection refused)")


def test_voicemail_wins_over_everything() -> None:
    assert (
        describe(487, by_rep=True, ringing=True, voicemail=True).outcome is Outcome.LEFT_VOICEMAIL
    )


def test_description_is_frozen() -> None:
    result = describe(486)
    with pytest.raises(FrozenInstanceError):
        result.outcome = Outcome.ANSWERED  # type: ignore[misc]


def test_error_codes_agree_with_the_engine() -> None:
    assert co.PJSIP_TLS_ECERTVERIF == errors.PJSIP_TLS_ECERTVERIF
    assert co.PJSIP_ESESSIONINSECURE == errors.PJSIP_ESESSIONINSECURE
