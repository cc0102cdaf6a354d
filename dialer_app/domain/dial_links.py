"""Click-to-call links (``tel:``, ``callto:``, ``sip:``) read into a number for the dial pad.

Browsers and CRMs hand the app whatever their pages hold: RFC 3966 ``tel:`` URIs with
visual separators, ``;ext=`` and ``;phone-context=``, old-style ``;postd=`` and ``p``/``w``
pause digits, percent-encoding, Skype-style ``callto://``, and SIP URIs whose user part is a
phone number. Salesloft's voice links carry the person beside the link, so a browser
extension may append ``?person=<id>``. This module only reads the link; whether the number
can be dialled is decided by :func:`dialer_app.domain.phone.parse_number` later, with the
rep's region, like any typed number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote

LINK_SCHEMES = ("tel", "callto", "sip")
"""The URI schemes the app registers for (``x-scheme-handler/<scheme>``)."""

MAX_LINK_LENGTH = 2048
_MAX_PERSON_ID = 2**63 - 1  # SQLite's INTEGER PRIMARY KEY range
_SCHEME_RE = re.compile(r"^\s*(tel|callto|sip):", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s\-.()\[\]/]")  # RFC 3966 visual separators, plus what people type
_NUMBER_RE = re.compile(r"^(\+?)([0-9*#]+)$")
_PAUSE_RE = re.compile(r"[pw,]+([0-9*#pw,]*)$", re.IGNORECASE)  # pauses: the rest is DTMF
_PAUSES = re.compile(r"[pw,]", re.IGNORECASE)
_MIN_DIGITS = 3


class DialLinkError(ValueError):
    """A link the app cannot call; ``str(error)`` is a message for the rep."""


@dataclass(frozen=True)
class DialLink:
    """What a link asks for: the number (dialable characters), an extension, the person."""

    number_text: str
    extension: str | None = None
    person_id: int | None = None


def is_dial_link(text: str) -> bool:
    """True for text that starts with one of :data:`LINK_SCHEMES` (the CLI's first argument)."""
    return bool(_SCHEME_RE.match(text))


def parse_dial_link(link: str) -> DialLink:
    """Read a ``tel:``/``callto:``/``sip:`` link; raise :class:`DialLinkError` if it has no
    phone number in it."""
    text = link.strip()
    if len(text) > MAX_LINK_LENGTH:
        raise DialLinkError("That link is too long to be a phone number.")
    match = _SCHEME_RE.match(text)
    if match is None:
        raise DialLinkError(f"“{_shown(text)}” is not a tel:, callto: or sip: link.")
    scheme = match.group(1).lower()
    body, _, query = text[match.end() :].partition("?")
    shown = f"{scheme}:{_shown(unquote(body))}"
    person_id = _person_id(query)
    body = unquote(body).strip()
    if scheme == "sip":
        body = _sip_user(body, shown)
    elif scheme == "callto":
        body = body.lstrip("/").rstrip("/")
    else:
        body = body.lstrip("/")
    number, extension = _tel_subscriber(body, shown)
    return DialLink(number, extension, person_id)


def _shown(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "…"


def _person_id(query: str) -> int | None:
    """``person=<id>`` from the query; anything that is not a positive integer is ignored."""
    values = parse_qs(query, keep_blank_values=True).get("person", [])
    if not values:
        return None
    value = values[0].strip()
    if not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= _MAX_PERSON_ID else None


def _sip_user(body: str, shown: str) -> str:
    """The user part of ``sip:user[:password]@host;params``, if it is a phone number."""
    user, at, _host = body.partition("@")
    if not at:  # not a valid SIP URI, but "sip:+14045551234" still says what it wants
        user = user.partition(";")[0]
    user = user.partition(":")[0]  # a password never belongs to the number
    number_part = user.partition(";")[0]
    if not _looks_like_number(number_part):
        raise DialLinkError(f"{shown} is not a phone number.")
    return user


def _looks_like_number(text: str) -> bool:
    cleaned = _SEPARATORS.sub("", text)
    return bool(_NUMBER_RE.match(cleaned))


def _tel_subscriber(body: str, shown: str) -> tuple[str, str | None]:
    """``+1-404-555-1234;ext=12;phone-context=...`` -> (``'+14045551234'``, ``'12'``)."""
    number, *parameters = body.split(";")
    params: dict[str, str] = {}
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        params.setdefault(name.strip().lower(), value.strip())
    extension = _digits_or_none(params.get("ext", ""))
    number, pause_digits = _split_pause(_SEPARATORS.sub("", number))
    postd = params.get("postd", "")
    if extension is None:
        extension = _digits_or_none(pause_digits) or _digits_or_none(_split_pause("," + postd)[1])
    if not number:
        raise DialLinkError(f"{shown} has no phone number in it.")
    found = _NUMBER_RE.match(number)
    if found is None:
        raise DialLinkError(
            f"{shown} is not a phone number: use digits, for example tel:+14045551234."
        )
    plus, digits = found.groups()
    context = _SEPARATORS.sub("", params.get("phone-context", ""))
    if not plus and context.startswith("+") and context[1:].isdigit():
        plus, digits = "+", context[1:] + digits  # a local number under a global prefix
    if sum(ch.isdigit() for ch in digits) < _MIN_DIGITS:
        raise DialLinkError(f"{shown} is too short to be a phone number.")
    return plus + digits, extension


def _split_pause(number: str) -> tuple[str, str]:
    """``'+14045551234p12'`` -> (``'+14045551234'``, ``'12'``): digits after a pause are an
    extension to key in once the call connects."""
    match = _PAUSE_RE.search(number)
    if match is None:  # letters that are not pauses stay, and make the number fail later
        return number, ""
    return number[: match.start()], _PAUSES.sub("", match.group(1))


def _digits_or_none(text: str) -> str | None:
    kept = "".join(ch for ch in _SEPARATORS.sub("", text) if ch in "0123456789*#")
    return kept or None
