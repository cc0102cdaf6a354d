"""What the dial pad holds while the rep types: dialable characters plus an extension.

Typing, keypad clicks and pastes of any common format ("(404) 555-1234",
"+44 20 7183 8750", "tel:+1...", Excel's ="+1...", "... ext. 12") all end up here;
the widget only shows :meth:`DialEntry.display`.
"""

from __future__ import annotations

from dialer_app.domain.phone import (
    clean_pasted_text,
    dialable_characters,
    format_as_you_type,
    split_extension,
)

KEYPAD_CHARACTERS = frozenset("0123456789*#+")
_MAX_CHARACTERS = 32


class DialEntry:
    def __init__(self) -> None:
        self._chars = ""
        self.extension = ""

    @property
    def characters(self) -> str:
        """Raw dialable characters (digits, ``*``, ``#``, a leading ``+``)."""
        return self._chars

    def is_empty(self) -> bool:
        return not self._chars

    def press(self, key: str) -> None:
        if key not in KEYPAD_CHARACTERS or len(self._chars) >= _MAX_CHARACTERS:
            return
        if key == "+" and self._chars:
            return  # '+' only makes sense first, as on a phone
        self._chars += key

    def backspace(self) -> None:
        self._chars = self._chars[:-1]

    def clear(self) -> None:
        self._chars = ""
        self.extension = ""

    def set_text(self, text: str) -> None:
        """Replace the content with whatever was typed or pasted, keeping an extension apart."""
        number, extension = split_extension(clean_pasted_text(text))
        self._chars = dialable_characters(number)[:_MAX_CHARACTERS]
        if extension:
            self.extension = extension

    def display(self, region: str) -> str:
        return format_as_you_type(self._chars, region)
