"""Recording governance (issue 7): may the next call be recorded, and can the rep change it?

An admin sets a team default (record or not) and rules by region; the app enforces them
locally before every call (the team server syncs them later). Pure Python so the rules are
testable without Qt or a database.

Precedence, most specific first: a rule for the number's **area code** beats a rule for its
**state or province**, which beats a rule for its **country**, which beats the **team
default**. One area code can span several provinces (902 is Nova Scotia and Prince Edward
Island); then the strictest of their rules applies, because the rep can't tell which one the
person is in.

What the modes mean for the next call:

* **Record**: recorded when the rep wants it (the team default when the rep hasn't chosen);
  the rep may switch it on or off. With no rule at all the call is in this mode.
* **Do Not Record**: never recorded; the rep can't switch it on.
* **One-Sided Recording**: only the rep's own voice is recorded, and the rep can't change
  that. Whether it records at all follows the team default, so a team with recording off
  never records, not even one side.

Governance always beats the rep (seed 001), and only calls to a Person's number are
recorded. The default rule set is a starting point, not legal advice.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import phonenumbers
from phonenumbers import NumberParseException

from dialer_app.domain.nanp_area_codes import (
    SUBDIVISION_AREA_CODES,
    SUBDIVISION_NAMES,
    subdivisions_for_area_code,
)
from dialer_app.domain.phone import region_name

NOTE_MAX = 100
"""A rule's note shows inside the hover text, so it stays short."""


class RecordingMode(enum.Enum):
    RECORD = "record"
    DO_NOT_RECORD = "do_not_record"
    ONE_SIDED = "one_sided"

    @property
    def label(self) -> str:
        return _MODE_LABELS[self]


_MODE_LABELS = {
    RecordingMode.RECORD: "Record",
    RecordingMode.DO_NOT_RECORD: "Do Not Record",
    RecordingMode.ONE_SIDED: "One-Sided Recording",
}
_STRICTNESS = {RecordingMode.RECORD: 0, RecordingMode.ONE_SIDED: 1, RecordingMode.DO_NOT_RECORD: 2}


class ScopeKind(enum.Enum):
    """How specific a rule is; a higher value wins."""

    COUNTRY = 1
    SUBDIVISION = 2
    AREA_CODE = 3


class GovernanceError(ValueError):
    """A rule set the app refuses to save; ``str(error)`` is a sentence for the admin."""


_COUNTRY_RE = re.compile(r"[A-Z]{2}")
_AREA_CODE_RE = re.compile(r"[2-9]\d\d")


def scope_kind(scope: str) -> ScopeKind:
    """``"DE"`` is a country, ``"US-CA"`` a state or province, ``"415"`` a NANP area code."""
    if _AREA_CODE_RE.fullmatch(scope):
        return ScopeKind.AREA_CODE
    if scope in SUBDIVISION_AREA_CODES:
        return ScopeKind.SUBDIVISION
    if _COUNTRY_RE.fullmatch(scope) and scope in phonenumbers.SUPPORTED_REGIONS:
        return ScopeKind.COUNTRY
    raise GovernanceError(
        f'"{scope}" is not a region the rules know: use a country code (DE), a US state or '
        "Canadian province (US-CA, CA-QC) or a North American area code (415)."
    )


def normalize_scope(text: str) -> str:
    """What an admin types, as stored: trimmed and upper-case; raises if it is unknown."""
    scope = text.strip().upper()
    scope_kind(scope)
    return scope


def scope_label(scope: str) -> str:
    """A name for sentences: "California", "area code 415 (California)", "Germany"."""
    kind = scope_kind(scope)
    if kind is ScopeKind.AREA_CODE:
        names = [SUBDIVISION_NAMES[s] for s in subdivisions_for_area_code(scope)]
        return f"area code {scope}" + (f" ({' / '.join(names)})" if names else "")
    if kind is ScopeKind.SUBDIVISION:
        return SUBDIVISION_NAMES[scope]
    return region_name(scope)


@dataclass(frozen=True)
class RecordingRule:
    """Calls into ``scope`` get ``mode``; ``note`` says why, e.g. "all-party consent"."""

    scope: str
    mode: RecordingMode
    note: str = ""

    @property
    def kind(self) -> ScopeKind:
        return scope_kind(self.scope)


@dataclass(frozen=True)
class GovernanceSettings:
    """The team's recording default and its rules by region (admin settings)."""

    record_by_default: bool
    rules: tuple[RecordingRule, ...] = field(default=())
    recording_allowed: bool = True
    """False: nobody on the team records any call (the icon is grey and locked)."""
    retention_days: int | None = None
    """Recordings older than this are deleted (file gone, the call's history says so)."""


def validate_rules(rules: Iterable[RecordingRule]) -> tuple[RecordingRule, ...]:
    """Cleaned rules (scopes upper-cased, notes trimmed); raises GovernanceError on the
    first problem, since two rules for one scope would leave the outcome to their order."""
    cleaned: list[RecordingRule] = []
    seen: set[str] = set()
    for rule in rules:
        scope = normalize_scope(rule.scope)
        if not isinstance(rule.mode, RecordingMode):
            raise GovernanceError(f"Choose a recording mode for {scope_label(scope)}.")
        note = " ".join(rule.note.split())
        if len(note) > NOTE_MAX:
            raise GovernanceError(f"A rule's note can be at most {NOTE_MAX} characters.")
        if scope in seen:
            raise GovernanceError(f"There are two rules for {scope_label(scope)}: keep one.")
        seen.add(scope)
        cleaned.append(RecordingRule(scope, rule.mode, note))
    return tuple(cleaned)


def validate_retention(days: int | None) -> int | None:
    """None keeps recordings forever; otherwise 1 to ten years of days."""
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= RETENTION_MAX_DAYS:
        raise GovernanceError(
            f"Keep recordings for 1 to {RETENTION_MAX_DAYS} days, or forever (leave it empty)."
        )
    return days


@dataclass(frozen=True)
class NumberRegion:
    """Where a number rings, as far as the rules care: every scope it falls in."""

    country: str | None
    subdivisions: tuple[str, ...] = ()
    area_code: str | None = None


def region_of(e164: str) -> NumberRegion | None:
    """The number's country, and for +1 its area code and state/province; None if unreadable.

    Lenient on purpose: a number of a possible length that phonenumbers calls invalid
    (e.g. +1 415 555 0100) still gets its region's rules, because a rule is the safe side.
    """
    try:
        parsed = phonenumbers.parse(e164, None)
    except NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None  # too short or long: not the number that will ring
    national = str(parsed.national_number or "")
    if parsed.country_code == 1 and len(national) == 10:
        area_code = national[:3]
        subdivisions = subdivisions_for_area_code(area_code)
        country = phonenumbers.region_code_for_number(parsed)
        if subdivisions:
            country = subdivisions[0].split("-")[0]  # the table knows US from CA
        return NumberRegion(country, subdivisions, area_code)
    country = phonenumbers.region_code_for_number(parsed)
    if country is None:
        main = phonenumbers.region_code_for_country_code(parsed.country_code or 0)
        if main in ("ZZ", "001"):
            return None
        country = main
    return NumberRegion(country)


@dataclass(frozen=True)
class RecordingDecision:
    """What the record icon shows for the next call and why."""

    mode: RecordingMode
    will_record: bool
    rep_can_change: bool
    reason: str
    rule: RecordingRule | None = None
    """The rule that decided; None when the team default did."""


NOT_A_PERSON = "Only calls to people in your database are recorded."
RECORD_NEXT_CALL = "Record next call"
RECORDING_OFF = "Recording is off for the next call: click to record it."
UNREADABLE = "Not recorded: the number can't be read, so its region's recording rules are unknown."
TEAM_OFF = "Call recording is turned off for your team. Ask a team admin if you need it."
RETENTION_MAX_DAYS = 3650


def matching_rule(region: NumberRegion, rules: Iterable[RecordingRule]) -> RecordingRule | None:
    """The rule that governs ``region``: the most specific, then the strictest."""
    by_scope = {rule.scope.strip().upper(): rule for rule in rules}
    for level in ([region.area_code], list(region.subdivisions), [region.country]):
        found = [by_scope[s] for s in level if s is not None and s in by_scope]
        if found:
            return max(found, key=lambda rule: _STRICTNESS[rule.mode])
    return None


def decide(
    e164: str,
    settings: GovernanceSettings,
    *,
    belongs_to_person: bool,
    rep_wants: bool | None,
) -> RecordingDecision:
    """Whether the next call to ``e164`` is recorded. ``rep_wants`` is the rep's click on
    the record icon (None: not touched, so the team default applies). A region's Do Not
    Record is explained before the Person rule, since it holds for every number there; a
    number whose region can't be told is not recorded (mode Do Not Record, locked)."""
    if not settings.recording_allowed:
        return RecordingDecision(RecordingMode.DO_NOT_RECORD, False, False, TEAM_OFF)
    region = region_of(e164)
    if region is None:
        return RecordingDecision(RecordingMode.DO_NOT_RECORD, False, False, UNREADABLE)
    rule = matching_rule(region, settings.rules)
    mode = rule.mode if rule is not None else RecordingMode.RECORD
    where = _where(rule) if rule is not None else ""
    if mode is RecordingMode.DO_NOT_RECORD:
        reason = f"Do Not Record: calls to {where} are never recorded."
        return RecordingDecision(mode, False, False, reason, rule)
    if not belongs_to_person:
        return RecordingDecision(mode, False, False, NOT_A_PERSON, rule)
    if mode is RecordingMode.ONE_SIDED:
        if settings.record_by_default:
            reason = f"One-Sided Recording: on calls to {where} only your voice is recorded."
        else:
            reason = (
                f"Not recorded: your team has recording off, and calls to {where} "
                "allow only one-sided recording, which you can't switch on."
            )
        return RecordingDecision(mode, settings.record_by_default, False, reason, rule)
    wants = settings.record_by_default if rep_wants is None else rep_wants
    return RecordingDecision(mode, wants, True, RECORD_NEXT_CALL if wants else RECORDING_OFF, rule)


def _where(rule: RecordingRule) -> str:
    """E.g. "California (all-party consent)", "area code 212 (New York; client's request)"."""
    label = scope_label(rule.scope)
    if not rule.note:
        return label
    if label.endswith(")"):
        return f"{label[:-1]}; {rule.note})"
    return f"{label} ({rule.note})"
