"""Recording governance (issue 7): precedence, the Person rule, the rep's choice, regions."""

from __future__ import annotations

import re

import phonenumbers
import pytest

from dialer_app.domain.nanp_area_codes import (
    SUBDIVISION_AREA_CODES,
    SUBDIVISION_NAMES,
    all_area_codes,
    subdivisions_for_area_code,
)
from dialer_app.domain.recording_defaults import (
    ALL_PARTY_CONSENT_STATES,
    DEFAULT_GOVERNANCE,
    DEFAULT_RULES,
)
from dialer_app.domain.recording_rules import (
    NOT_A_PERSON,
    RECORD_NEXT_CALL,
    UNREADABLE,
    GovernanceError,
    GovernanceSettings,
    NumberRegion,
    RecordingDecision,
    RecordingMode,
    RecordingRule,
    ScopeKind,
    decide,
    normalize_scope,
    region_of,
    scope_kind,
    scope_label,
    validate_retention,
    validate_rules,
)

R = RecordingMode.RECORD
DNR = RecordingMode.DO_NOT_RECORD
ONE = RecordingMode.ONE_SIDED
SF = "+14155550100"  # San Francisco, California
NYC = "+12125550100"
BERLIN = "+493012345678"


def _settings(*rules: RecordingRule, on: bool = True) -> GovernanceSettings:
    return GovernanceSettings(on, rules)


def _decide(
    e164: str, settings: GovernanceSettings, person: bool = True, wants: bool | None = None
) -> RecordingDecision:
    return decide(e164, settings, belongs_to_person=person, rep_wants=wants)


# -- precedence ---------------------------------------------------------------------------


def test_most_specific_scope_wins() -> None:
    rules = (
        RecordingRule("US", DNR),
        RecordingRule("US-CA", ONE),
        RecordingRule("415", R, "office line"),
    )
    on = _settings(*rules)
    assert _decide(SF, on).mode is R  # area code beats state
    assert _decide("+12135550100", on).mode is ONE  # Los Angeles: state beats country
    assert _decide(NYC, on).mode is DNR  # New York: only the country rule
    assert _decide(BERLIN, on).mode is R  # no rule: the team default
    assert _decide(SF, on).rule == rules[2]
    assert _decide(BERLIN, on).rule is None


def test_team_default_decides_when_no_rule_matches() -> None:
    assert _decide(NYC, _settings(on=True)).will_record
    off = _decide(NYC, _settings(on=False))
    assert (off.mode, off.will_record, off.rep_can_change) == (R, False, True)
    assert "click to record" in off.reason


def test_shared_area_code_takes_the_strictest_province() -> None:
    settings = _settings(RecordingRule("CA-NS", R), RecordingRule("CA-PE", DNR))
    decision = _decide("+19025550100", settings)  # 902: Nova Scotia and PEI
    assert decision.mode is DNR
    assert "Prince Edward Island" in decision.reason


# -- the default rule set -----------------------------------------------------------------


def test_two_party_consent_state_gets_the_default_rule() -> None:
    decision = _decide(SF, GovernanceSettings(True, DEFAULT_RULES))
    assert decision.mode is ONE and decision.will_record and not decision.rep_can_change
    assert decision.reason == (
        "One-Sided Recording: on calls to California (all-party consent) only your voice "
        "is recorded."
    )


def test_defaults_start_with_recording_off_and_are_valid() -> None:
    assert DEFAULT_GOVERNANCE.record_by_default is False
    assert validate_rules(DEFAULT_RULES) == DEFAULT_RULES
    assert {r.scope for r in DEFAULT_RULES if r.mode is ONE} == set(ALL_PARTY_CONSENT_STATES)
    assert _decide(BERLIN, DEFAULT_GOVERNANCE).reason == (
        "Do Not Record: calls to Germany (consent of every party required) are never recorded."
    )


def test_one_sided_with_recording_off_records_nothing_and_is_locked() -> None:
    decision = _decide(SF, DEFAULT_GOVERNANCE, wants=True)
    assert (decision.mode, decision.will_record, decision.rep_can_change) == (ONE, False, False)
    assert "only one-sided recording" in decision.reason


# -- the Person rule and the rep's choice -------------------------------------------------


def test_a_number_without_a_person_is_not_recorded() -> None:
    decision = _decide(NYC, _settings(), person=False, wants=True)
    assert (decision.will_record, decision.rep_can_change) == (False, False)
    assert decision.reason == NOT_A_PERSON == "Only calls to people in your database are recorded."


def test_do_not_record_is_explained_before_the_person_rule() -> None:
    decision = _decide(BERLIN, _settings(RecordingRule("DE", DNR)), person=False)
    assert decision.reason.startswith("Do Not Record: calls to Germany")


@pytest.mark.parametrize("default", [True, False])
@pytest.mark.parametrize("wants", [True, False])
def test_rep_choice_is_honoured_where_recording_is_allowed(default: bool, wants: bool) -> None:
    decision = _decide(NYC, _settings(RecordingRule("US-NY", R), on=default), wants=wants)
    assert decision.will_record is wants and decision.rep_can_change
    assert decision.reason == (
        RECORD_NEXT_CALL if wants else "Recording is off for the next call: click to record it."
    )


def test_do_not_record_ignores_the_rep() -> None:
    decision = _decide(NYC, _settings(RecordingRule("212", DNR, "client's request")), wants=True)
    assert (decision.will_record, decision.rep_can_change) == (False, False)
    assert decision.reason == (
        "Do Not Record: calls to area code 212 (New York; client's request) are never recorded."
    )


@pytest.mark.parametrize("wants", [True, False, None])
def test_one_sided_cannot_be_switched_by_the_rep(wants: bool | None) -> None:
    decision = _decide(SF, _settings(RecordingRule("US-CA", ONE)), wants=wants)
    assert (decision.mode, decision.will_record, decision.rep_can_change) == (ONE, True, False)


# -- regions ------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["", "garbage", "+999 123", "+1 23"])
def test_unreadable_numbers_are_not_recorded(number: str) -> None:
    decision = _decide(number, _settings(), wants=True)
    assert (decision.will_record, decision.rep_can_change, decision.reason) == (
        False,
        False,
        UNREADABLE,
    )


def test_invalid_but_readable_numbers_still_get_their_region() -> None:
    assert region_of("+14155550100") is not None  # 555-01xx is fictional, still California
    assert region_of("+44 1000 000000") == NumberRegion("GB")  # no such UK range
    assert region_of("+1 213 555 01") is None  # too short to know where it rings
    toll_free = region_of("+18005550100")
    assert toll_free is not None and toll_free.subdivisions == () and toll_free.country == "US"


@pytest.mark.parametrize(
    ("number", "province"),
    [
        ("+14165550100", "CA-ON"),  # Toronto
        ("+15145550100", "CA-QC"),  # Montreal
        ("+16045550100", "CA-BC"),  # Vancouver
        ("+14035550100", "CA-AB"),  # Calgary
    ],
)
def test_canadian_provinces(number: str, province: str) -> None:
    region = region_of(number)
    assert region is not None and region.country == "CA" and region.subdivisions == (province,)
    settings = _settings(RecordingRule("CA", R), RecordingRule(province, DNR))
    assert _decide(number, settings).mode is DNR
    assert _decide(number, _settings(RecordingRule("CA", ONE))).mode is ONE


def test_a_non_nanp_country_rule() -> None:
    settings = _settings(RecordingRule("GB", ONE), RecordingRule("US", DNR))
    assert _decide("+442071838750", settings).mode is ONE
    assert _decide("+33142685300", settings).mode is R  # France: no rule
    # A NANP country that is not the US or Canada: the country, not a US state.
    jamaica = region_of("+18765550100")
    assert jamaica is not None and jamaica.country == "JM" and jamaica.subdivisions == ()


# -- scopes and validation ----------------------------------------------------------------


def test_scope_kinds_and_labels() -> None:
    assert scope_kind("DE") is ScopeKind.COUNTRY
    assert scope_kind("CA") is ScopeKind.COUNTRY  # Canada; California is US-CA
    assert scope_kind("US-CA") is ScopeKind.SUBDIVISION
    assert scope_kind("415") is ScopeKind.AREA_CODE
    assert scope_label("US-CA") == "California"
    assert scope_label("902") == "area code 902 (Nova Scotia / Prince Edward Island)"
    assert scope_label("800") == "area code 800"
    assert normalize_scope(" us-ca ") == "US-CA"


@pytest.mark.parametrize("scope", ["", "XX", "USA", "US-XX", "123", "California"])
def test_unknown_scopes_are_refused_with_a_sentence(scope: str) -> None:
    with pytest.raises(GovernanceError, match="is not a region the rules know"):
        normalize_scope(scope)


def test_validation_cleans_and_refuses_duplicates() -> None:
    cleaned = validate_rules([RecordingRule(" de ", DNR, "  strict   law ")])
    assert cleaned == (RecordingRule("DE", DNR, "strict law"),)
    with pytest.raises(GovernanceError, match="two rules for California"):
        validate_rules([RecordingRule("US-CA", ONE), RecordingRule("us-ca", DNR)])
    with pytest.raises(GovernanceError, match="at most 100 characters"):
        validate_rules([RecordingRule("DE", DNR, "x" * 101)])


# -- the area-code table ------------------------------------------------------------------

KNOWN = {
    "201": "US-NJ", "202": "US-DC", "206": "US-WA", "212": "US-NY", "214": "US-TX",
    "215": "US-PA", "302": "US-DE", "305": "US-FL", "310": "US-CA", "312": "US-IL",
    "313": "US-MI", "404": "US-GA", "406": "US-MT", "410": "US-MD", "415": "US-CA",
    "503": "US-OR", "603": "US-NH", "617": "US-MA", "702": "US-NV", "713": "US-TX",
    "718": "US-NY", "808": "US-HI", "907": "US-AK", "203": "US-CT", "204": "CA-MB",
    "306": "CA-SK", "403": "CA-AB", "416": "CA-ON", "506": "CA-NB", "514": "CA-QC",
    "604": "CA-BC", "709": "CA-NL", "905": "CA-ON",
}  # fmt: skip


@pytest.mark.parametrize(("area_code", "subdivision"), sorted(KNOWN.items()))
def test_known_area_codes(area_code: str, subdivision: str) -> None:
    assert subdivisions_for_area_code(area_code) == (subdivision,)


def test_shared_and_non_geographic_codes() -> None:
    assert subdivisions_for_area_code("902") == ("CA-NS", "CA-PE")
    assert subdivisions_for_area_code("867") == ("CA-NT", "CA-NU", "CA-YT")
    for code in ("800", "888", "500", "600", "900"):
        assert subdivisions_for_area_code(code) == ()


def test_every_entry_is_a_named_state_or_province() -> None:
    us = {k for k in SUBDIVISION_NAMES if k.startswith("US-")}
    ca = {k for k in SUBDIVISION_NAMES if k.startswith("CA-")}
    assert len(us) == 51 and len(ca) == 13  # 50 states and DC; 10 provinces, 3 territories
    assert set(SUBDIVISION_AREA_CODES) == us | ca
    for subdivision, codes in SUBDIVISION_AREA_CODES.items():
        for code in codes.split():
            assert re.fullmatch(r"[2-9]\d\d", code), (subdivision, code)


def test_table_agrees_with_phonenumbers_on_country_and_covers_every_area_code() -> None:
    """Each code is in the country phonenumbers says, and every geographic US/CA code that
    phonenumbers accepts is in the table (so a new overlay shows up here after an upgrade)."""
    exchanges = [f"{d}{e}{e}" for d in "23456789" for e in "0123456789"]

    def country(code: str) -> str | None:
        for exchange in exchanges:
            parsed = phonenumbers.parse(f"+1{code}{exchange}0123")
            if phonenumbers.is_valid_number(parsed):
                return phonenumbers.region_code_for_number(parsed)
        return None

    table = all_area_codes()
    for code in table:
        assert country(code) == subdivisions_for_area_code(code)[0][:2], code
    non_geographic = {"500", "521", "522", "523", "524", "525", "526", "527", "528", "529",
                      "532", "533", "544", "566", "577", "588", "600", "622", "633",
                      "800", "833", "844", "855", "866", "877", "888", "900"}  # fmt: skip
    for npa in range(200, 1000):
        code = str(npa)
        if code not in table and code not in non_geographic:
            assert country(code) not in ("US", "CA"), f"area code {code} is missing"


def test_table_agrees_with_the_phonenumbers_geocoder() -> None:
    """The geocoder (in the full phonenumbers package, not needed at run time) names the
    state of a number; every table entry must agree with it."""
    from phonenumbers import geocoder

    spellings = {
        "US-WA": "Washington State",
        "US-DC": "Washington D.C.",
        "CA-BC": "British Colombia",
    }
    for code in sorted(all_area_codes()):
        subdivisions = subdivisions_for_area_code(code)
        parsed = next(
            p
            for p in (phonenumbers.parse(f"+1{code}{x}{x}{x}0123") for x in "23456789")
            if phonenumbers.is_valid_number(p)
        )
        where = geocoder.description_for_number(parsed, "en")
        for subdivision in subdivisions:
            short = subdivision[3:]
            names = {
                SUBDIVISION_NAMES[subdivision].removeprefix("the "),
                spellings.get(subdivision),
            }
            parts = set(where.split("/"))
            assert where.endswith(f", {short}") or bool(names & parts), (
                code,
                subdivision,
                where,
            )


def test_a_team_with_recording_not_allowed_never_records() -> None:
    settings = GovernanceSettings(record_by_default=True, recording_allowed=False)
    decision = decide("+14045550100", settings, belongs_to_person=True, rep_wants=True)
    assert (decision.will_record, decision.rep_can_change) == (False, False)
    assert "turned off for your team" in decision.reason


def test_retention_must_be_a_sensible_number_of_days() -> None:
    assert validate_retention(None) is None
    assert validate_retention(90) == 90
    for bad in (0, -1, 4000, True):
        with pytest.raises(GovernanceError, match="Keep recordings for 1 to"):
            validate_retention(bad)  # type: ignore[arg-type]
