"""The person profile's rules: validation messages and the person's local time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialer_app.domain.person_profile import (
    Field,
    FieldError,
    PersonDraft,
    PhoneDraft,
    ValidPhone,
    local_time,
    valid_phones,
    validate,
)
from dialer_app.domain.phone import PhoneNumberError, parse_number

NOON_UTC = datetime(2024, 1, 15, 12, 0, tzinfo=UTC)  # a Monday, no daylight saving anywhere


def _draft(**changes: object) -> PersonDraft:
    base: dict[str, object] = {
        "first_name": "Ava",
        "last_name": "Thompson",
        "email": "ava@acme.example",
        "phones": (PhoneDraft("office", "(404) 555-0100", "204"),),
    }
    base.update(changes)
    return PersonDraft(**base)  # type: ignore[arg-type]


def test_a_complete_draft_has_no_errors() -> None:
    assert validate(_draft(time_zone="America/New_York"), "US") == []


def test_a_name_or_an_email_is_required() -> None:
    errors = validate(_draft(first_name=" ", last_name="", email=""), "US")
    assert errors == [FieldError(Field.NAME, "Enter a name or an email address.")]
    assert validate(_draft(first_name="", last_name=""), "US") == []  # the email is enough
    assert validate(_draft(email=""), "US") == []  # the name is enough


def test_email_format() -> None:
    errors = validate(_draft(email="ava at acme"), "US")
    assert errors == [
        FieldError(Field.EMAIL, "“ava at acme” is not an email address, e.g. ava@example.com.")
    ]


def test_a_bad_number_gets_the_dial_pads_message_for_its_row() -> None:
    with pytest.raises(PhoneNumberError) as raised:
        parse_number("12", "US")
    draft = _draft(phones=(PhoneDraft("office", "+1 404 555 0100"), PhoneDraft("mobile", "12")))
    assert validate(draft, "US") == [FieldError(Field.NUMBER, str(raised.value), 1)]


def test_numbers_parse_with_the_reps_region() -> None:
    draft = _draft(phones=(PhoneDraft("office", "020 7946 0001"),))
    assert validate(draft, "GB") == []
    assert valid_phones(draft.phones, "GB") == [
        ValidPhone("office", "+442079460001", None, "020 7946 0001")
    ]
    assert [e.field for e in validate(draft, "US")] == [Field.NUMBER]


def test_a_stored_numbers_country_reads_national_text_first() -> None:
    us_row = PhoneDraft("office", "(404) 555-0199", known_e164="+14045550100")
    assert validate(_draft(phones=(us_row,)), "GB") == []
    assert valid_phones((us_row,), "GB")[0].e164 == "+14045550199"
    uk_text = PhoneDraft("office", "020 7946 0002", known_e164="+14045550100")
    assert valid_phones((uk_text,), "GB")[0].e164 == "+442079460002"  # then the rep's region
    new_row = PhoneDraft("office", "(404) 555-0199")
    errors = validate(_draft(phones=(new_row,)), "GB")
    assert [e.message for e in errors] == [
        "“(404) 555-0199” is not a valid number in the United Kingdom: check the digits, "
        "or add the country code (for example +44 for the UK)."
    ]


def test_extension_digits_only_and_from_the_typed_text() -> None:
    errors = validate(_draft(phones=(PhoneDraft("office", "(404) 555-0100", "2O4"),)), "US")
    assert errors == [FieldError(Field.EXTENSION, "“2O4” is not an extension: use digits only.", 0)]
    typed = (PhoneDraft("office", "(404) 555-0100 ext. 77"),)
    assert valid_phones(typed, "US")[0].extension == "77"
    clash = (PhoneDraft("office", "(404) 555-0100 ext. 77", "78"),)
    assert [e.field for e in validate(_draft(phones=clash), "US")] == [Field.EXTENSION]


def test_the_same_number_twice_is_refused_even_typed_differently() -> None:
    draft = _draft(
        phones=(
            PhoneDraft("office", "(404) 555-0100"),
            PhoneDraft("mobile", "+1 404 555 0101"),
            PhoneDraft("other", "+1 404-555-0100"),
        )
    )
    assert validate(draft, "US") == [
        FieldError(
            Field.NUMBER, "“+1 404-555-0100” is the same number as row 1: remove one of them.", 2
        )
    ]


def test_blank_rows_are_dropped_but_an_extension_needs_its_number() -> None:
    draft = _draft(phones=(PhoneDraft("office", " ", ""), PhoneDraft("mobile", "+1 404 555 0101")))
    assert validate(draft, "US") == []
    assert [p.e164 for p in valid_phones(draft.phones, "US")] == ["+14045550101"]
    lonely = _draft(phones=(PhoneDraft("office", "", "12"),))
    assert validate(lonely, "US") == [
        FieldError(Field.NUMBER, "Enter the number this extension belongs to.", 0)
    ]
    with pytest.raises(ValueError, match="extension belongs to"):
        valid_phones(lonely.phones, "US")


def test_time_zone_must_be_a_real_iana_zone_or_empty() -> None:
    assert validate(_draft(time_zone=""), "US") == []
    for bad in ("Atlanta", "EST5", "../etc/passwd", "America/Atlantis"):
        errors = validate(_draft(time_zone=bad), "US")
        assert [e.field for e in errors] == [Field.TIME_ZONE], bad
        assert errors[0].message.startswith(f"“{bad}” is not a time zone")


def test_overlong_text_is_refused_before_the_database_truncates_it() -> None:
    errors = validate(_draft(title="x" * 201), "US")
    assert errors == [FieldError(Field.TITLE, "The title is too long (at most 200 characters).")]


def test_local_time_with_a_given_zone_wins_over_the_number() -> None:
    shown = local_time("Europe/Berlin", ["+14045550100"], NOON_UTC)
    assert shown is not None
    assert (shown.zone, shown.clock, shown.zone_label) == (
        "Europe/Berlin",
        "13:00 Mon",
        "Europe/Berlin",
    )


def test_local_time_from_the_first_number_with_a_zone() -> None:
    shown = local_time("", ["+15555550100", "+14045550100", "+13125550110"], NOON_UTC)
    assert shown is not None  # 555 has no zone; Atlanta's 404 comes before Chicago's 312
    assert (shown.zone, shown.clock) == ("America/New_York", "07:00 Mon")
    assert shown.zone_label == "America/New_York (from the number)"


def test_a_number_in_several_zones_shows_the_first_and_says_so() -> None:
    shown = local_time("", ["+61412345678"], NOON_UTC)  # an Australian mobile
    assert shown is not None
    assert shown.zone_count > 1
    assert shown.zone == "Australia/Adelaide"
    assert shown.zone_label == (
        f"Australia/Adelaide (from the number, one of {shown.zone_count} zones)"
    )
    assert shown.clock == "22:30 Mon"


def test_no_zone_at_all() -> None:
    assert local_time("", [], NOON_UTC) is None
    assert local_time("Nowhere/Special", ["+15555550100"], NOON_UTC) is None
