"""Phone numbers: parse anything a rep types or pastes, dial E.164, keep extensions apart.

Twilio (and every trunk) wants E.164: ``+`` country code, national number, at most
15 digits. Extensions are not part of E.164 (seed 002), so they are kept separately
and sent as DTMF after the call connects.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

_EXCEL_FORMULA_RE = re.compile(r'^=\s*"(.*)"$')
_DIALABLE = frozenset("0123456789+*#")
# No leading \s*: searched from every start in a long run of blanks, it took quadratic time
# (seconds for one padded CSV cell); split_extension strips what comes before anyway.
_EXTENSION_SPLIT_RE = re.compile(r"(?:;\s*ext=|ext\.?|extension|x)\s*(\d+)\s*$", re.IGNORECASE)


class PhoneNumberError(ValueError):
    """A number that cannot be dialled; ``str(error)`` is a message for the rep."""


@dataclass(frozen=True)
class PhoneNumber:
    """A dialable number: E.164 plus the bits a person needs to read it."""

    e164: str
    extension: str | None
    region: str | None
    national: str
    international: str

    @property
    def country_code(self) -> int:
        return phonenumbers.parse(self.e164).country_code or 0


def clean_pasted_text(text: str) -> str:
    """Undo what spreadsheets and links wrap numbers in: ``="+1..."``, ``tel:``, ``callto:``."""
    text = text.strip().replace("\u00a0", " ")
    if text.startswith("="):
        match = _EXCEL_FORMULA_RE.match(text)
        if match:
            text = match.group(1).strip()
    if text.find(":", 0, 8) >= 0:  # every cell of an import comes through here: test cheaply
        lowered = text.lower()
        for scheme in ("tel:", "callto:", "sip:"):
            if lowered.startswith(scheme):
                text = text[len(scheme) :].lstrip("/")
                break
    return text


def split_extension(text: str) -> tuple[str, str | None]:
    """``'+1 404 555 1234 ext. 12'`` -> ``('+1 404 555 1234', '12')``."""
    match = _EXTENSION_SPLIT_RE.search(text)
    if match and match.start() > 0:
        return text[: match.start()].strip(), match.group(1)
    return text.strip(), None


def dialable_characters(text: str) -> str:
    """Keep only what a dial pad can send: digits, ``*``, ``#`` and a leading ``+``."""
    kept = [ch for ch in clean_pasted_text(text) if ch in _DIALABLE]
    plus = bool(kept) and kept[0] == "+"
    body = "".join(ch for ch in kept if ch != "+")
    return ("+" if plus else "") + body


def region_name(region: str) -> str:
    """A readable name for an ISO region (phonenumbers has none without its 99 MB geocoder)."""
    return _REGION_NAMES.get(region.upper(), region.upper())


_REGION_NAMES = {
    "US": "the United States",
    "CA": "Canada",
    "GB": "the United Kingdom",
    "DE": "Germany",
    "FR": "France",
    "IE": "Ireland",
    "AU": "Australia",
    "ES": "Spain",
    "IT": "Italy",
    "NL": "the Netherlands",
    "CH": "Switzerland",
}


def parse_number(text: str, default_region: str = "US") -> PhoneNumber:
    """Parse a typed or pasted number into E.164; raise PhoneNumberError with a clear reason."""
    parsed = _parse_valid(text, default_region)
    return PhoneNumber(
        e164=phonenumbers.format_number(parsed, PhoneNumberFormat.E164),
        extension=parsed.extension or None,
        region=phonenumbers.region_code_for_number(parsed),
        national=phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL),
        international=phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL),
    )


def to_e164(text: str, default_region: str = "US") -> tuple[str, str | None]:
    """(E.164, extension) with the same checks and messages as :func:`parse_number`.

    For bulk work (imports), so it skips the display formats, and the common shapes of
    number take :func:`_plain_e164`, about four times faster than ``phonenumbers.parse``.
    """
    plain = _plain_e164(text, default_region)
    if plain is not None:
        return plain, None
    parsed = _parse_valid(text, default_region)
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164), parsed.extension or None


_PLAIN_NUMBER_RE = re.compile(r"\+?[\d\s().\-/]+")


def _plain_e164(text: str, default_region: str) -> str | None:
    """E.164 for a number made only of digits and the usual separators, or None.

    Takes the number apart as ``phonenumbers.parse`` would, but only where nothing is
    ambiguous: anything that parse could read differently (an international dialling
    prefix, a national or trunk prefix, the region's own country code written without
    "+", a leading zero, a region told apart by leading digits) returns None, and so
    does any number that is not valid; the caller then takes the full path, which gives
    the same answer or the reason. ``tests/unit/test_phone_fast_path.py`` compares both
    on thousands of numbers.
    """
    cleaned = clean_pasted_text(text)
    if not _PLAIN_NUMBER_RE.fullmatch(cleaned) or "(0)" in cleaned:
        return None
    parts = _country_and_national(cleaned, (default_region or "US").upper())
    if parts is None:
        return None
    country_code, national, region = parts
    facts = _region_facts(region)
    unambiguous = (
        facts is not None
        and not facts.leading_digits
        and 2 <= len(national) <= 17
        and not national.startswith("0")
        and not (facts.national_prefix and facts.national_prefix.match(national))
    )
    if not unambiguous:
        return None
    # is_possible_number: the length is one the country's main region allows
    main_region = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[country_code][0]
    possible_lengths = _national_patterns(main_region)[0][0]
    if len(national) not in possible_lengths or not _is_valid_national(national, region):
        return None
    return f"+{country_code}{national}"


@dataclass(frozen=True)
class _RegionFacts:
    """What the fast path reads from a region's metadata, looked up and compiled once
    (an import asks for every number; ``re.match`` with a pattern string pays for its
    cache lookup each time)."""

    country_code: int | None
    leading_digits: bool
    national_prefix: re.Pattern[str] | None
    international_prefix: re.Pattern[str] | None


@functools.cache
def _region_facts(region: str) -> _RegionFacts | None:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None:
        return None
    prefix = metadata.national_prefix_for_parsing
    idd = metadata.international_prefix
    return _RegionFacts(
        country_code=metadata.country_code,
        leading_digits=metadata.leading_digits is not None,
        national_prefix=re.compile(prefix) if prefix else None,
        international_prefix=re.compile(idd) if idd else None,
    )


_NUMBER_TYPE_DESCS = (
    "fixed_line",  # the common types first: most numbers stop here
    "mobile",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)


@functools.cache
def _national_patterns(region: str) -> tuple[_Desc, tuple[_Desc, ...]]:
    """The region's general and per-type (lengths, pattern) pairs, compiled once."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None:
        return (frozenset({-1}), None), ()

    def desc(number_desc: Any) -> _Desc:
        if number_desc is None or not number_desc.national_number_pattern:
            return (frozenset({-1}), None)
        lengths = frozenset(number_desc.possible_length or ())
        return (lengths, re.compile(number_desc.national_number_pattern))

    types = tuple(desc(getattr(metadata, name, None)) for name in _NUMBER_TYPE_DESCS)
    return desc(metadata.general_desc), types


def _is_valid_national(national: str, region: str) -> bool:
    """``phonenumbers.is_valid_number_for_region`` for a number already split up: the
    general pattern and any type's pattern (with its lengths) must match. Its own version
    runs the same checks through several layers of calls, four times slower."""
    general, types = _national_patterns(region)
    size = len(national)
    if not _matches(national, size, *general):
        return False
    for lengths, pattern in types:  # noqa: SIM110 (a loop: any() costs a generator a number)
        if _matches(national, size, lengths, pattern):
            return True
    return False


_Desc = tuple[frozenset[int], "re.Pattern[str] | None"]


def _matches(
    national: str, size: int, lengths: frozenset[int], pattern: re.Pattern[str] | None
) -> bool:
    if lengths and size not in lengths:
        return False
    return pattern is not None and pattern.fullmatch(national) is not None


def _country_and_national(cleaned: str, region: str) -> tuple[int, str, str] | None:
    """(country code, national digits, region to check them in), or None when unsure."""
    digits = digits_only(cleaned)
    if cleaned.startswith("+"):
        if digits.startswith("0"):
            return None  # no country code starts with 0
        for length in (1, 2, 3):
            regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(digits[:length] or 0))
            if regions:
                return int(digits[:length]), digits[length:], regions[0]
        return None
    facts = _region_facts(region)
    if facts is None or facts.country_code is None:
        return None
    idd = facts.international_prefix
    if digits.startswith(str(facts.country_code)) or (idd and idd.match(digits)):
        return None  # parse might read a country code or an international prefix here
    return facts.country_code, digits, region


def _parse_valid(text: str, default_region: str) -> phonenumbers.PhoneNumber:
    cleaned = clean_pasted_text(text)
    if not cleaned:
        raise PhoneNumberError("Enter a phone number to dial.")
    if re.search(r"[A-Za-z]", _EXTENSION_SPLIT_RE.sub("", cleaned)):
        raise PhoneNumberError(
            f"“{text.strip()}” is not a phone number: use digits, for example +1 404 555 1234."
        )
    region = default_region.upper() if default_region else "US"
    try:
        parsed = phonenumbers.parse(cleaned, region)
    except NumberParseException as exc:
        raise PhoneNumberError(_parse_error_message(text.strip(), exc)) from exc
    possible = phonenumbers.is_possible_number_with_reason(parsed)
    if possible != phonenumbers.ValidationResult.IS_POSSIBLE:
        where = region_name(phonenumbers.region_code_for_country_code(parsed.country_code or 0))
        size = {
            phonenumbers.ValidationResult.TOO_SHORT: "too short",
            phonenumbers.ValidationResult.TOO_LONG: "too long",
        }.get(possible, "the wrong length")
        raise PhoneNumberError(
            f"“{text.strip()}” is {size} for a number in {where}: "
            "check it, or add the country code (for example +44 for the UK)."
        )
    if not phonenumbers.is_valid_number(parsed):
        where = phonenumbers.region_code_for_country_code(parsed.country_code or 0)
        raise PhoneNumberError(
            f"“{text.strip()}” is not a valid number in {region_name(where)}: "
            "check the digits, or add the country code (for example +44 for the UK)."
        )
    return parsed


def _parse_error_message(text: str, exc: NumberParseException) -> str:
    kind = exc.error_type
    if kind == NumberParseException.INVALID_COUNTRY_CODE:
        return f"“{text}” starts with an unknown country code: check the digits after the +."
    if kind in (NumberParseException.TOO_SHORT_NSN, NumberParseException.TOO_SHORT_AFTER_IDD):
        return f"“{text}” is too short to be a phone number."
    if kind == NumberParseException.TOO_LONG:
        return f"“{text}” is too long to be a phone number (E.164 allows at most 15 digits)."
    return f"“{text}” is not a phone number: use digits, for example +1 404 555 1234."


def format_for_display(e164: str, home_region: str = "US") -> str:
    """National format for numbers in the rep's own country, international otherwise."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(parsed) == home_region.upper():
        return phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)


def format_as_you_type(text: str, region: str = "US") -> str:
    """Live dial-pad formatting; falls back to the raw characters when ``*``/``#`` are present."""
    chars = dialable_characters(text)
    if not chars or "*" in chars or "#" in chars:
        return chars
    formatter = phonenumbers.AsYouTypeFormatter(region.upper() or "US")
    shown = ""
    for ch in chars:
        shown = formatter.input_digit(ch)
    return shown


def time_zones_for(e164: str) -> tuple[str, ...]:
    """IANA zones the number may be in (one for most numbers, several for big countries)."""
    from phonenumbers import timezone

    try:
        parsed = phonenumbers.parse(e164, None)
    except NumberParseException:
        return ()
    zones = tuple(z for z in timezone.time_zones_for_number(parsed) if z != "Etc/Unknown")
    return zones


def digits_only(text: str) -> str:
    """Digits for search: ``'+44 20 7183'`` -> ``'44207183'``."""
    return "".join(filter(str.isdigit, text))  # twice as fast as a generator (imports)
