"""Merge fields of cadence email templates (issue 9): ``{{first_name}}`` and friends.

A template is plain text with ``{{field}}`` tokens, optionally with a fallback for people
who lack the value: ``{{first_name|there}}``. Rendering for one person fills what it can
and *leaves the token in place* for a missing value, so the email window can highlight it
and refuse to send: a raw ``{{...}}`` must never reach a prospect. Unknown field names
(typos such as ``{{firstname}}``) are reported separately, with the closest known name.

Pure Python: the service feeds it the person's and the rep's values.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

PERSON_FIELDS: dict[str, str] = {
    "first_name": "First name",
    "last_name": "Last name",
    "name": "Full name",
    "title": "Title",
    "account": "Account (company)",
    "email": "Email address",
    "city": "City",
    "state": "State",
    "country": "Country",
}
SENDER_FIELDS: dict[str, str] = {
    "sender_first_name": "Your first name",
    "sender_last_name": "Your last name",
    "sender_name": "Your full name",
    "sender_email": "Your email address",
}
FIELDS: dict[str, str] = {**PERSON_FIELDS, **SENDER_FIELDS}
"""Every merge field with its label (the step dialog's Insert field menu)."""

TOKEN = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\|([^{}]*))?\}\}")
"""``{{ name }}`` or ``{{name|fallback}}``; names are matched case-insensitively."""
ANY_TOKEN = re.compile(r"\{\{[^{}]*\}\}")
"""Anything that looks like a merge field, well-formed or not (for the send check)."""


@dataclass(frozen=True)
class MergeValues:
    """What the fields resolve to for one person and one rep ("" = missing)."""

    first_name: str = ""
    last_name: str = ""
    title: str = ""
    account: str = ""
    email: str = ""
    city: str = ""
    state: str = ""
    country: str = ""
    sender_first_name: str = ""
    sender_last_name: str = ""
    sender_email: str = ""

    def as_dict(self) -> dict[str, str]:
        name = f"{self.first_name} {self.last_name}".strip()
        sender = f"{self.sender_first_name} {self.sender_last_name}".strip()
        values = {key: getattr(self, key).strip() for key in FIELDS if hasattr(self, key)}
        return {**values, "name": name, "sender_name": sender}


def split_name(full: str) -> tuple[str, str]:
    """The rep types one name in Settings ("Sam de Vries"): first word, then the rest."""
    parts = full.split(maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (full.strip(), "")


@dataclass(frozen=True)
class Rendered:
    text: str
    missing: tuple[str, ...] = ()
    """Known fields this person has no value for (left as ``{{field}}`` in ``text``)."""
    unknown: tuple[str, ...] = ()
    """Tokens naming no field (left in ``text`` too)."""


def render(template: str, values: Mapping[str, str]) -> Rendered:
    """Fill the fields; a missing value uses the token's fallback when it has one."""
    missing: list[str] = []
    unknown: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name = match.group(1).lower()
        fallback = match.group(2)
        if name not in FIELDS:
            unknown.append(match.group(1))
            return match.group(0)
        value = values.get(name, "").strip()
        if value:
            return value
        if fallback is not None and fallback.strip():
            return fallback.strip()
        missing.append(name)
        return match.group(0)

    text = TOKEN.sub(fill, template)
    return Rendered(text, tuple(dict.fromkeys(missing)), tuple(dict.fromkeys(unknown)))


def unknown_fields(template: str) -> list[str]:
    """Field names in a template that do not exist (the step dialog warns while typing)."""
    return list(
        dict.fromkeys(
            m.group(1) for m in TOKEN.finditer(template) if m.group(1).lower() not in FIELDS
        )
    )


def suggestion(name: str) -> str:
    """The known field closest to a typo ("firstname" -> "first_name"), or ""."""
    close = difflib.get_close_matches(name.lower(), list(FIELDS), n=1, cutoff=0.6)
    return close[0] if close else ""


def leftover_tokens(text: str) -> list[str]:
    """Every ``{{...}}`` still in a text about to be sent (well-formed or not)."""
    return list(dict.fromkeys(ANY_TOKEN.findall(text)))


@dataclass(frozen=True)
class Composed:
    """One person's email as the window shows it, with what stops it being sent."""

    subject: str
    body: str
    missing: tuple[str, ...]
    unknown: tuple[str, ...]

    @property
    def sendable(self) -> bool:
        return not leftover_tokens(self.subject) and not leftover_tokens(self.body)

    def problem(self, who: str) -> str:
        """A sentence naming the fields, or "" when it can be sent."""
        parts = []
        if self.missing:
            names = ", ".join(f"{{{{{m}}}}} ({FIELDS[m].lower()})" for m in self.missing)
            parts.append(
                f"{who or 'This person'} has no value for {names}: type it in or remove it."
            )
        if self.unknown:
            described = []
            for name in self.unknown:
                close = suggestion(name)
                described.append(
                    f"{{{{{name}}}}}" + (f" (did you mean {{{{{close}}}}}?)" if close else "")
                )
            parts.append(f"Unknown merge field {', '.join(described)}.")
        if not parts and not self.sendable:
            left = leftover_tokens(self.subject) + leftover_tokens(self.body)
            parts.append(f"Remove {', '.join(dict.fromkeys(left))} before sending.")
        return " ".join(parts)


def compose(subject: str, body: str, values: Mapping[str, str]) -> Composed:
    """Render subject and body for one person (the preview and the send check alike)."""
    top, main = render(subject, values), render(body, values)
    missing = tuple(dict.fromkeys(top.missing + main.missing))
    unknown = tuple(dict.fromkeys(top.unknown + main.unknown))
    return Composed(top.text, main.text, missing, unknown)
