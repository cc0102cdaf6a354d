"""tel:, callto: and sip: links as browsers, CRMs and Salesloft voice links write them."""

from __future__ import annotations

import pytest

from dialer_app.domain.dial_links import DialLink, DialLinkError, is_dial_link, parse_dial_link
from dialer_app.domain.phone import parse_number


@pytest.mark.parametrize(
    ("link", "number", "extension"),
    [
        ("tel:+14045551234", "+14045551234", None),
        ("tel:+1-404-555-1234", "+14045551234", None),
        ("tel:+1.404.555.1234", "+14045551234", None),
        ("tel:+1 (404) 555-1234", "+14045551234", None),
        ("TEL:+14045551234", "+14045551234", None),
        ("  tel:+14045551234\n", "+14045551234", None),
        ("tel://+14045551234", "+14045551234", None),
        ("tel:4045551234", "4045551234", None),  # local, no context: the rep's region decides
        ("tel:+1404555123;ext=12", "+1404555123", "12"),
        ("tel:+1-404-555-1234;ext=1-2", "+14045551234", "12"),
        ("tel:+14045551234;EXT=77", "+14045551234", "77"),
        ("tel:+14045551234;postd=pp12", "+14045551234", "12"),
        ("tel:+14045551234;postd=34", "+14045551234", "34"),
        ("tel:+14045551234p12", "+14045551234", "12"),
        ("tel:+14045551234w12", "+14045551234", "12"),
        ("tel:+14045551234,,12#", "+14045551234", "12#"),
        ("tel:+14045551234P1W2", "+14045551234", "12"),
        ("tel:+14045551234;ext=9;postd=p12", "+14045551234", "9"),  # ext= wins
        ("tel:4045551234;phone-context=+1", "+14045551234", None),
        ("tel:555-1234;phone-context=+1-404", "+14045551234", None),
        ("tel:7183;phone-context=example.com", "7183", None),  # a domain context adds nothing
        ("tel:+4045551234;phone-context=+1", "+4045551234", None),  # global numbers ignore it
        ("tel:+14045551234;isub=123;npdi", "+14045551234", None),
        ("tel:*611", "*611", None),
        ("tel:%2B1%20404%20555%201234", "+14045551234", None),
        ("tel:%2B1-404-555-1234%3Bext%3D5", "+14045551234", "5"),
        ("callto:+14045551234", "+14045551234", None),
        ("callto://+14045551234", "+14045551234", None),
        ("callto://+14045551234/", "+14045551234", None),
        ("callto:+1 404 555 1234", "+14045551234", None),
        ("sip:+14045551234@acme.pstn.twilio.com;user=phone", "+14045551234", None),
        ("sip:+14045551234;ext=12@host;user=phone", "+14045551234", "12"),
        ("sip:4045551234@pbx.example.com", "4045551234", None),
        ("sip:+14045551234:secret@host", "+14045551234", None),
        ("sip:+14045551234", "+14045551234", None),
        ("SIP:+14045551234@host", "+14045551234", None),
    ],
)
def test_links_give_the_number_and_extension(link: str, number: str, extension: str | None) -> None:
    assert parse_dial_link(link) == DialLink(number, extension, None)


@pytest.mark.parametrize(
    ("query", "person_id"),
    [
        ("?person=42", 42),
        ("?person=%34%32", 42),
        ("?person=42&person=43", 42),
        ("?source=salesloft&person=7", 7),
        ("?person= 8 ", 8),
        ("?person=", None),
        ("?person=abc", None),
        ("?person=-3", None),
        ("?person=0", None),
        ("?person=4.2", None),
        ("?person=١٢", None),  # Arabic-Indic digits are not an id
        ("?person=99999999999999999999999", None),
        ("?person", None),
        ("?other=1", None),
        ("?", None),
        ("?%%%&&&==", None),
        ("", None),
    ],
)
def test_person_is_an_optional_positive_integer(query: str, person_id: int | None) -> None:
    assert parse_dial_link(f"tel:+14045551234{query}").person_id == person_id
    assert parse_dial_link(f"tel:+14045551234{query}").number_text == "+14045551234"


def test_person_works_with_every_scheme() -> None:
    assert parse_dial_link("tel:+14045551234;ext=12?person=5") == DialLink("+14045551234", "12", 5)
    assert parse_dial_link("callto://+14045551234?person=6").person_id == 6
    assert parse_dial_link("sip:+14045551234@host;user=phone?person=7").person_id == 7


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("sip:alice@example.com", "sip:alice@example.com is not a phone number"),
        ("sip:alice@example.com?person=3", "sip:alice@example.com is not a phone number"),
        ("sip:example.com", "sip:example.com is not a phone number"),
        ("callto://echo123", "callto://echo123 is not a phone number"),
        ("callto:bob.smith", "is not a phone number"),
        ("tel:+1-800-FLOWERS", "tel:+1-800-FLOWERS is not a phone number"),
        ("tel:+1800PIZZA", "is not a phone number"),
        ("tel:", "tel: has no phone number in it"),
        ("tel:?person=4", "tel: has no phone number in it"),
        ("tel:;ext=12", "has no phone number in it"),
        ("callto://", "has no phone number in it"),
        ("tel:12", "too short"),
        ("tel:+1", "too short"),
        ("tel:1+2", "is not a phone number"),
        ("mailto:a@b.com", "is not a tel:, callto: or sip: link"),
        ("http://example.com/?tel:+1", "is not a tel:, callto: or sip: link"),
        ("+14045551234", "is not a tel:, callto: or sip: link"),
        ("", "is not a tel:, callto: or sip: link"),
        ("tel:" + "1" * 3000, "too long"),
    ],
)
def test_anything_else_is_refused_with_a_message(link: str, message: str) -> None:
    with pytest.raises(DialLinkError) as caught:
        parse_dial_link(link)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_messages_stay_readable_for_huge_links() -> None:
    with pytest.raises(DialLinkError) as caught:
        parse_dial_link("sip:" + "a" * 500 + "@example.com")
    assert len(str(caught.value)) < 150


def test_the_number_dials_like_a_typed_one() -> None:
    """The link module reads; the phone module decides with the rep's region."""
    link = parse_dial_link("tel:4045551234;phone-context=+1?person=2")
    assert parse_number(link.number_text, "GB").e164 == "+14045551234"
    local = parse_dial_link("tel:020-7183-8750")
    assert parse_number(local.number_text, "GB").e164 == "+442071838750"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tel:+1", True),
        ("TEL:+1", True),
        ("callto://x", True),
        ("sip:a@b", True),
        ("sips:a@b", False),
        ("telephone", False),
        ("run", False),
        ("--demo", False),
        ("/tmp/tel:x", False),
    ],
)
def test_is_dial_link_spots_the_schemes(text: str, expected: bool) -> None:
    assert is_dial_link(text) is expected


def test_dial_link_is_frozen() -> None:
    link = parse_dial_link("tel:+14045551234")
    with pytest.raises(AttributeError):
        link.number_text = "1"  # type: ignore[misc]
