"""How the dial pad names people and their numbers (seed 002: alternative numbers, the
office extension, searching by account) and which number it dials by default.

Rows come from the read model as plain objects; this module only needs their fields
(the Protocols below), so it stays free of the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from dialer_app.domain.phone import PhoneNumberError, format_for_display, to_e164

DO_NOT_CONTACT_MARK = "⛔"
UNKNOWN_NUMBER = "Unknown number"

_KIND_LABELS = {"office": "Office", "mobile": "Mobile", "home": "Home", "other": "Other"}


class NumberLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def e164(self) -> str: ...
    @property
    def extension(self) -> str | None: ...


class PersonLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def account(self) -> str: ...
    @property
    def do_not_contact(self) -> bool: ...


class ContactLike(PersonLike, Protocol):
    @property
    def title(self) -> str: ...
    @property
    def phone_e164(self) -> str: ...
    @property
    def phone_extension(self) -> str | None: ...


N = TypeVar("N", bound=NumberLike)


def default_number(numbers: Sequence[N]) -> N | None:
    """The number the dial pad shows first: the person's first by position (their
    profile's order, as imported), so the rep's list and the dial pad agree."""
    return numbers[0] if numbers else None


def index_of_number(numbers: Sequence[NumberLike], e164: str, extension: str = "") -> int:
    """Which of the person's numbers is on the pad: same E.164, the same extension
    preferred (one switchboard, two extensions); -1 when none is."""
    matching = [i for i, number in enumerate(numbers) if number.e164 == e164]
    for i in matching:
        if (numbers[i].extension or "") == extension:
            return i
    return matching[0] if matching else -1


def kind_label(kind: str) -> str:
    return _KIND_LABELS.get(kind.lower(), kind.capitalize() or "Phone")


def number_with_extension(e164: str, extension: str | None, region: str) -> str:
    """``(404) 555-0100 ext. 204`` in the rep's region, international elsewhere."""
    shown = format_for_display(e164, region)
    return f"{shown} ext. {extension}" if extension else shown


def number_option_label(number: NumberLike, region: str) -> str:
    """One entry of the alternative-numbers drop-down: ``Office · (404) 555-0100 ext. 204``."""
    shown = number_with_extension(number.e164, number.extension, region)
    return f"{kind_label(number.kind)} · {shown}"


def marked_name(person: PersonLike) -> str:
    """The name, with ⛔ for a do-not-contact person."""
    return f"{person.name} {DO_NOT_CONTACT_MARK}" if person.do_not_contact else person.name


def person_label(person: PersonLike) -> str:
    """Who is on the dial pad: ``Ava Thompson · Acme Logistics`` (⛔ for do-not-contact)."""
    name = marked_name(person)
    return f"{name} · {person.account}" if person.account else name


def owners_summary(count: int) -> str:
    """Above the owners' drop-down when a typed number belongs to several people."""
    return f"{count} people have this number:"


def contact_label(contact: ContactLike, region: str) -> str:
    """An account's contact in the dialer's account search: name, title and first number
    (the account is the one searched for, so it is not repeated)."""
    parts = [marked_name(contact)]
    if contact.title:
        parts.append(contact.title)
    if contact.phone_e164:
        parts.append(number_with_extension(contact.phone_e164, contact.phone_extension, region))
    else:
        parts.append("no number")
    return " · ".join(parts)


def account_label(name: str, people: int) -> str:
    return f"{name} — {people} {'person' if people == 1 else 'people'}"


def dialable_e164(text: str, region: str) -> str | None:
    """The E.164 of what is typed once it is a valid number, else None (no lookup)."""
    try:
        return to_e164(text, region)[0]  # the checks of parse_number, without its formats
    except PhoneNumberError:
        return None
