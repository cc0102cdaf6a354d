from __future__ import annotations

import time

import pytest

from dialer_app.domain.phone import (
    PhoneNumberError,
    clean_pasted_text,
    dialable_characters,
    format_as_you_type,
    format_for_display,
    parse_number,
    split_extension,
    time_zones_for,
    to_e164,
)
from dialer_app.engine.config import is_e164  # the one E.164 check the trunk relies on


@pytest.mark.parametrize(
    ("text", "region", "e164"),
    [
        ("020 7183 8750", "GB", "+442071838750"),  # seed 002's UK example
        ("(404) 555-1234", "US", "+14045551234"),  # seed 002's US example
        ("+44 20 7183 8750", "US", "+442071838750"),  # + wins over the default region
        ("404.555.1234", "US", "+14045551234"),
        ("tel:+1-404-555-1234", "US", "+14045551234"),
        ("callto:+442071838750", "US", "+442071838750"),
        ('="+14045551234"', "US", "+14045551234"),  # Excel's text trick
        ("+49 30 901820", "US", "+4930901820"),
        ("01 42 68 53 00", "FR", "+33142685300"),
        ("\u00a0+1 404 555 1234 ", "US", "+14045551234"),
    ],
)
def test_parse_number_gives_e164(text: str, region: str, e164: str) -> None:
    assert parse_number(text, region).e164 == e164


@pytest.mark.parametrize(
    ("text", "extension"),
    [
        ("+1 404 555 1234;ext=55", "55"),
        ("(404) 555-1234 ext. 123", "123"),
        ("404-555-1234 x12", "12"),
    ],
)
def test_extensions_are_kept_apart_from_e164(text: str, extension: str) -> None:
    number = parse_number(text, "US")
    assert number.e164 == "+14045551234"
    assert number.extension == extension
    assert is_e164(number.e164)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Enter a phone number"),
        ("   ", "Enter a phone number"),
        ("call me maybe", "not a phone number"),
        ("12", "too short"),
        ("+999 1234 5678", "unknown country code"),
        ("+1 555 000 0000", "not a valid number in the United States"),
        ("1234567890123456789", "too long"),
    ],
)
def test_garbage_gets_a_clear_message(text: str, fragment: str) -> None:
    with pytest.raises(PhoneNumberError) as caught:
        parse_number(text, "US")
    assert fragment in str(caught.value)


def test_parsed_number_has_readable_forms() -> None:
    number = parse_number("020 7183 8750", "GB")
    assert number.region == "GB"
    assert number.national == "020 7183 8750"
    assert number.international == "+44 20 7183 8750"
    assert number.country_code == 44


def test_split_extension_and_cleaning() -> None:
    assert split_extension("+1 404 555 1234 ext. 12") == ("+1 404 555 1234", "12")
    assert split_extension("+1 404 555 1234") == ("+1 404 555 1234", None)
    assert clean_pasted_text('  ="+1 404"  ') == "+1 404"
    assert dialable_characters("tel:+1 (404) 555-1234") == "+14045551234"
    assert dialable_characters("*67 404#") == "*67404#"
    assert dialable_characters("1+2") == "12"


@pytest.mark.parametrize(
    "text",
    [
        "1" + " " * 20_000 + "x",  # a CSV cell padded to its column width, or a paste
        "x" + " " * 20_000 + "a",
        "+1 404 555 0100" + " " * 20_000 + "ext",
    ],
)
def test_long_blank_runs_are_read_in_linear_time(text: str) -> None:
    """The extension pattern once tried every start in a run of spaces (seconds a cell)."""
    started = time.perf_counter()
    assert split_extension(text)[1] is None
    with pytest.raises(PhoneNumberError):
        to_e164(text, "US")
    assert time.perf_counter() - started < 1.0


def test_as_you_type_formatting_follows_the_region() -> None:
    assert format_as_you_type("4045551234", "US") == "(404) 555-1234"
    assert format_as_you_type("+442071838750", "US") == "+44 20 7183 8750"
    assert format_as_you_type("02071838750", "GB") == "020 7183 8750"
    assert format_as_you_type("*67#", "US") == "*67#"  # codes are left alone
    assert format_as_you_type("", "US") == ""


def test_display_uses_national_format_at_home_only() -> None:
    assert format_for_display("+14045551234", "US") == "(404) 555-1234"
    assert format_for_display("+442071838750", "US") == "+44 20 7183 8750"
    assert format_for_display("not a number", "US") == "not a number"


def test_time_zones_come_from_the_number() -> None:
    assert time_zones_for("+442071838750") == ("Europe/London",)
    assert time_zones_for("+14045551234") == ("America/New_York",)
    assert time_zones_for("junk") == ()
