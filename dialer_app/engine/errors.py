"""pjsip status codes the engine reports, without importing pjsua2.

pjsip ends a call on a local error (TLS handshake, transport) with a made-up
SIP response whose reason is ``pj_strerror()``, e.g. ``503 SSL certificate
verification error (PJSIP_TLS_ECERTVERIF)``. The symbolic name in brackets is
stable across versions, so it is parsed back into the numeric code here.
"""

from __future__ import annotations

import re

PJSIP_ESESSIONINSECURE = 171142
"""makeCall refused: SRTP with secure signalling needs a TLS transport."""
PJSIP_TLS_ECACERT = 171162
PJSIP_TLS_ECONNECT = 171168
PJSIP_TLS_ETIMEDOUT = 171172
PJSIP_TLS_ECERTVERIF = 171173
"""The trunk's certificate did not verify against the CA list."""

KNOWN_ERRORS: dict[str, int] = {
    "PJSIP_ESESSIONINSECURE": PJSIP_ESESSIONINSECURE,
    "PJSIP_TLS_ECACERT": PJSIP_TLS_ECACERT,
    "PJSIP_TLS_ECONNECT": PJSIP_TLS_ECONNECT,
    "PJSIP_TLS_ETIMEDOUT": PJSIP_TLS_ETIMEDOUT,
    "PJSIP_TLS_ECERTVERIF": PJSIP_TLS_ECERTVERIF,
}

_NAME_RE = re.compile(r"\((PJ[A-Z0-9_]+)\)\s*$")


def error_code_from_reason(reason: str) -> int | None:
    """The pj_status_t named at the end of a pjsip reason phrase, if it is a known one."""
    match = _NAME_RE.search(reason or "")
    if match is None:
        return None
    return KNOWN_ERRORS.get(match.group(1))
