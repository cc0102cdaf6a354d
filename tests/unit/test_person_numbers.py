from __future__ import annotations

from dataclasses import dataclass

from dialer_app.domain.person_numbers import (
    UNKNOWN_NUMBER,
    account_label,
    contact_label,
    default_number,
    dialable_e164,
    index_of_number,
    kind_label,
    number_option_label,
    owners_summary,
    person_label,
)


@dataclass(frozen=True)
class _Number:
    kind: str
    e164: str
    extension: str | None = None


@dataclass(frozen=True)
class _Person:
    name: str
    account: str = ""
    do_not_contact: bool = False
    title: str = ""
    phone_e164: str = ""
    phone_extension: str | None = None


OFFICE = _Number("office", "+14045550100", "204")
MOBILE = _Number("mobile", "+447911123456")


def test_the_first_number_by_position_is_the_default() -> None:
    assert default_number([MOBILE, OFFICE]) is MOBILE
    assert default_number([OFFICE, MOBILE]) is OFFICE
    assert default_number([]) is None


def test_option_labels_use_the_reps_region() -> None:
    assert number_option_label(OFFICE, "US") == "Office · (404) 555-0100 ext. 204"
    assert number_option_label(OFFICE, "GB") == "Office · +1 404-555-0100 ext. 204"
    assert number_option_label(MOBILE, "US") == "Mobile · +44 7911 123456"
    london = _Number("office", "+442071838750")
    assert number_option_label(london, "GB") == "Office · 020 7183 8750"
    assert kind_label("HOME") == "Home"
    assert kind_label("") == "Phone"


def test_which_number_is_on_the_pad_prefers_the_same_extension() -> None:
    switchboard = [_Number("office", "+14045550100", "1"), _Number("office", "+14045550100", "2")]
    assert index_of_number(switchboard, "+14045550100", "2") == 1
    assert index_of_number(switchboard, "+14045550100", "") == 0
    assert index_of_number([OFFICE, MOBILE], "+447911123456") == 1
    assert index_of_number([OFFICE], "+15555555555") == -1


def test_person_labels_mark_do_not_contact() -> None:
    assert person_label(_Person("Ava Thompson", "Acme Logistics")) == (
        "Ava Thompson · Acme Logistics"
    )
    assert person_label(_Person("Ava Thompson")) == "Ava Thompson"
    assert (
        person_label(_Person("Ben Carter", "Acme", do_not_contact=True)) == "Ben Carter ⛔ · Acme"
    )
    assert owners_summary(2) == "2 people have this number:"
    assert UNKNOWN_NUMBER == "Unknown number"


def test_contact_and_account_labels() -> None:
    ava = _Person("Ava Thompson", "Acme", False, "VP Sales", "+14045550100", "204")
    assert contact_label(ava, "US") == "Ava Thompson · VP Sales · (404) 555-0100 ext. 204"
    assert contact_label(_Person("Zed", do_not_contact=True), "US") == "Zed ⛔ · no number"
    assert account_label("Acme Logistics", 4) == "Acme Logistics — 4 people"
    assert account_label("Solo Ltd", 1) == "Solo Ltd — 1 person"


def test_only_a_valid_number_is_looked_up() -> None:
    assert dialable_e164("(404) 555-0100", "US") == "+14045550100"
    assert dialable_e164("020 7183 8750", "GB") == "+442071838750"
    assert dialable_e164("404555", "US") is None
    assert dialable_e164("", "US") is None
