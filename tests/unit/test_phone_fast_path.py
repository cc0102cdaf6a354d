"""The import's fast number path must never disagree with phonenumbers' own parse."""

from __future__ import annotations

import functools
import random

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from dialer_app.domain.phone import PhoneNumberError, _plain_e164, parse_number, to_e164

DEFAULT_REGIONS = ["US", "CA", "GB", "DE", "FR", "IT", "RU", "BR", "AR", "JP", "IN"]
TYPES = [PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE]


@functools.cache
def corpus(seed: int = 11) -> list[str]:
    """Example numbers of every region in every format, mangled the ways exports are."""
    rng = random.Random(seed)
    texts: list[str] = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in TYPES:
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            for fmt in (
                PhoneNumberFormat.E164,
                PhoneNumberFormat.INTERNATIONAL,
                PhoneNumberFormat.NATIONAL,
            ):
                text = phonenumbers.format_number(example, fmt)
                texts.append(text)
                digits = "".join(ch for ch in text if ch.isdigit())
                texts.append(("+" if text.startswith("+") else "") + digits)
                texts.append(text.replace(" ", "-"))
                mangled = list(digits)
                mangled[rng.randrange(len(mangled))] = str(rng.randrange(10))
                texts.append(("+" if text.startswith("+") else "") + "".join(mangled))
                texts.append(text + str(rng.randrange(10)))  # one digit too many
                texts.append(text[:-1])  # one too few
            texts.append("00" + phonenumbers.format_number(example, PhoneNumberFormat.E164)[1:])
            texts.append("011 " + phonenumbers.format_number(example, PhoneNumberFormat.E164)[1:])
    for _ in range(3000):
        length = rng.randint(3, 16)
        body = "".join(str(rng.randrange(10)) for _ in range(length))
        texts.append(rng.choice(["", "+", "0", "00", "1", "+1", "(0)"]) + body)
    return texts


@pytest.mark.parametrize("region", DEFAULT_REGIONS)
def test_the_fast_path_agrees_with_phonenumbers(region: str) -> None:
    taken = 0
    for text in corpus():
        fast = _plain_e164(text, region)
        if fast is None:
            continue
        taken += 1
        try:
            slow = parse_number(text, region)
        except PhoneNumberError as exc:
            pytest.fail(f"{text!r} in {region}: fast path gave {fast}, full parse said {exc}")
        assert (fast, None) == (slow.e164, slow.extension), (text, region)
    assert taken > 500, "the fast path should take most plain numbers"


def test_to_e164_keeps_extensions_and_messages() -> None:
    assert to_e164("+1 404 555 0100 ext. 204", "US") == ("+14045550100", "204")
    assert to_e164("(404) 555-0100", "US") == ("+14045550100", None)
    with pytest.raises(PhoneNumberError, match="too short"):
        to_e164("555", "US")
