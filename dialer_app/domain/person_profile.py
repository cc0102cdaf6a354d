"""The person profile's rules: what an edited person must satisfy, and their local time.

Pure Python (no Qt, no SQLAlchemy): the profile window shows these messages next to
the fields, and the service refuses to save a draft that has any.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dialer_app.domain.csv_import import is_email_address
from dialer_app.domain.phone import PhoneNumber, PhoneNumberError, parse_number, time_zones_for

PHONE_KINDS = ("office", "mobile", "home", "other")
EXTENSION_MAX = 16
"""``phone_numbers.extension`` is String(16)."""
ORIGINAL_MAX = 64
"""``phone_numbers.original`` is String(64)."""


class Field(enum.StrEnum):
    """Which part of the form a message belongs next to."""

    NAME = "name"
    TITLE = "title"
    ACCOUNT = "account"
    EMAIL = "email"
    TIME_ZONE = "time_zone"
    CITY = "city"
    STATE = "state"
    COUNTRY = "country"
    NUMBER = "number"
    EXTENSION = "extension"


_TEXT_LIMITS: tuple[tuple[Field, str, str, int], ...] = (
    # (field, draft attribute, label, column size)
    (Field.NAME, "first_name", "The first name", 100),
    (Field.NAME, "last_name", "The last name", 100),
    (Field.TITLE, "title", "The title", 200),
    (Field.ACCOUNT, "account", "The account name", 200),
    (Field.EMAIL, "email", "The email address", 320),
    (Field.CITY, "city", "The city", 100),
    (Field.STATE, "state", "The state", 100),
    (Field.COUNTRY, "country", "The country", 100),
)


@dataclass(frozen=True)
class PhoneDraft:
    """One number as the rep typed it; ``text`` is kept as the number's original."""

    kind: str = "office"
    text: str = ""
    extension: str = ""
    known_e164: str = ""
    """The number this row held when the profile was loaded. National-format text is read
    in that number's country first, so ``(404) 555-0100`` imported as a US number still
    reads as one for a rep whose default region is GB."""

    @property
    def is_blank(self) -> bool:
        return not self.text.strip() and not self.extension.strip()


@dataclass(frozen=True)
class PersonDraft:
    """The profile form's content, as typed (stripped and checked by :func:`validate`)."""

    first_name: str = ""
    last_name: str = ""
    title: str = ""
    account: str = ""
    email: str = ""
    time_zone: str = ""
    city: str = ""
    state: str = ""
    country: str = ""
    do_not_contact: bool = False
    phones: tuple[PhoneDraft, ...] = field(default=())


@dataclass(frozen=True)
class FieldError:
    """A message for the rep; ``row`` is the phone row for number and extension errors."""

    field: Field
    message: str
    row: int | None = None


@dataclass(frozen=True)
class ValidPhone:
    """A number ready to store: kind, E.164, extension and the text it was typed as."""

    kind: str
    e164: str
    extension: str | None
    original: str


def validate(draft: PersonDraft, region: str) -> list[FieldError]:
    """Every problem with the draft, in form order (empty when it may be saved)."""
    errors: list[FieldError] = []
    first, last, email = draft.first_name.strip(), draft.last_name.strip(), draft.email.strip()
    if not (first or last or email):
        errors.append(FieldError(Field.NAME, "Enter a name or an email address."))
    for where, attribute, label, limit in _TEXT_LIMITS:
        if len(str(getattr(draft, attribute)).strip()) > limit:
            errors.append(FieldError(where, f"{label} is too long (at most {limit} characters)."))
    if email and not is_email_address(email):
        errors.append(
            FieldError(Field.EMAIL, f"“{email}” is not an email address, e.g. ava@example.com.")
        )
    errors += _phone_errors(draft.phones, region)
    zone = draft.time_zone.strip()
    if zone and not is_time_zone(zone):
        errors.append(
            FieldError(
                Field.TIME_ZONE,
                f"“{zone}” is not a time zone: use a name such as America/New_York or "
                "Europe/London, or leave it empty to use the number's.",
            )
        )
    return errors


def valid_phones(phones: Sequence[PhoneDraft], region: str) -> list[ValidPhone]:
    """The draft's numbers, parsed, in order, blank rows dropped; raises ValueError when
    :func:`validate` would have complained (call it first)."""
    result: list[ValidPhone] = []
    for phone, problem in _checked_phones(phones, region):
        if problem is not None:
            raise ValueError(problem.message)
        if phone is not None:
            result.append(phone)
    return result


def _phone_errors(phones: Sequence[PhoneDraft], region: str) -> list[FieldError]:
    return [problem for _phone, problem in _checked_phones(phones, region) if problem]


def _checked_phones(
    phones: Sequence[PhoneDraft], region: str
) -> list[tuple[ValidPhone | None, FieldError | None]]:
    checked: list[tuple[ValidPhone | None, FieldError | None]] = []
    seen: dict[str, int] = {}
    for row, phone in enumerate(phones):
        if phone.is_blank:
            checked.append((None, None))
            continue
        result = _check_phone(row, phone, region)
        if isinstance(result, ValidPhone):
            if result.e164 in seen:
                result = FieldError(
                    Field.NUMBER,
                    f"“{phone.text.strip()}” is the same number as row {seen[result.e164] + 1}: "
                    "remove one of them.",
                    row,
                )
            else:
                seen[result.e164] = row
        if isinstance(result, FieldError):
            checked.append((None, result))
        else:
            checked.append((result, None))
    return checked


def _check_phone(row: int, phone: PhoneDraft, region: str) -> ValidPhone | FieldError:
    problem = _shape_problem(row, phone)
    if problem is not None:
        return problem
    text, extension = phone.text.strip(), phone.extension.strip()
    try:
        parsed = _parse_in(text, _known_region(phone.known_e164), region)
    except PhoneNumberError as exc:
        return FieldError(Field.NUMBER, str(exc), row)
    if extension and parsed.extension and extension != parsed.extension:
        return FieldError(
            Field.EXTENSION,
            f"The number says extension {parsed.extension} but the extension field says "
            f"{extension}: keep one.",
            row,
        )
    return ValidPhone(phone.kind, parsed.e164, extension or parsed.extension, text)


def _known_region(e164: str) -> str | None:
    try:
        return parse_number(e164).region if e164 else None
    except PhoneNumberError:
        return None


def _parse_in(text: str, first_region: str | None, region: str) -> PhoneNumber:
    """Parse in ``first_region`` when given, else (or when that fails) in the rep's region,
    whose message is the one shown."""
    if first_region and first_region != region.upper():
        with contextlib.suppress(PhoneNumberError):
            return parse_number(text, first_region)
    return parse_number(text, region)


def _shape_problem(row: int, phone: PhoneDraft) -> FieldError | None:
    """What is wrong before parsing: kind, a missing or overlong number, the extension."""
    text, extension = phone.text.strip(), phone.extension.strip()
    number_message = ""
    if phone.kind not in PHONE_KINDS:
        number_message = f"“{phone.kind}” is not a kind of number."
    elif not text:
        number_message = "Enter the number this extension belongs to."
    elif len(text) > ORIGINAL_MAX:
        number_message = f"The number is too long (at most {ORIGINAL_MAX} characters)."
    if number_message:
        return FieldError(Field.NUMBER, number_message, row)
    if extension and not extension.isdigit():
        return FieldError(
            Field.EXTENSION, f"“{extension}” is not an extension: use digits only.", row
        )
    if len(extension) > EXTENSION_MAX:
        return FieldError(
            Field.EXTENSION, f"The extension is too long (at most {EXTENSION_MAX} digits).", row
        )
    return None


def is_time_zone(name: str) -> bool:
    """True for an IANA zone name this machine knows (``Europe/London``)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class LocalTime:
    """The person's wall clock and where the zone came from, for the profile's label."""

    zone: str
    now: datetime
    from_number: bool
    zone_count: int = 1
    """How many zones the number maps to (the first is shown when there are several)."""

    @property
    def zone_label(self) -> str:
        if not self.from_number:
            return self.zone
        if self.zone_count > 1:
            return f"{self.zone} (from the number, one of {self.zone_count} zones)"
        return f"{self.zone} (from the number)"

    @property
    def clock(self) -> str:
        return self.now.strftime("%H:%M %a")


def local_time(time_zone: str, numbers_e164: Sequence[str], now: datetime) -> LocalTime | None:
    """The given zone wins; else the first number that maps to a zone; else None.

    ``now`` must be timezone-aware (the caller's clock, so tests can fix it).
    """
    zone = time_zone.strip()
    if zone and is_time_zone(zone):
        return LocalTime(zone, now.astimezone(ZoneInfo(zone)), from_number=False)
    for e164 in numbers_e164:
        zones = [z for z in time_zones_for(e164) if is_time_zone(z)]
        if zones:
            first = zones[0]
            return LocalTime(
                first, now.astimezone(ZoneInfo(first)), from_number=True, zone_count=len(zones)
            )
    return None
