from __future__ import annotations

from dialer_app.domain.dial_entry import DialEntry


def test_keypad_presses_build_a_formatted_number() -> None:
    entry = DialEntry()
    for key in "4045551234":
        entry.press(key)
    assert entry.characters == "4045551234"
    assert entry.display("US") == "(404) 555-1234"


def test_plus_only_first_and_backspace() -> None:
    entry = DialEntry()
    entry.press("+")
    entry.press("4")
    entry.press("+")
    assert entry.characters == "+4"
    entry.backspace()
    entry.backspace()
    entry.backspace()
    assert entry.is_empty()


def test_paste_keeps_the_extension_apart() -> None:
    entry = DialEntry()
    entry.set_text("+1 (404) 555-1234 ext. 204")
    assert entry.characters == "+14045551234"
    assert entry.extension == "204"
    assert entry.display("GB") == "+1 404-555-1234"


def test_letters_are_ignored_and_length_is_capped() -> None:
    entry = DialEntry()
    entry.set_text("abc")
    assert entry.is_empty()
    entry.set_text("9" * 100)
    assert len(entry.characters) == 32
    entry.press("1")
    assert len(entry.characters) == 32


def test_clear_resets_number_and_extension() -> None:
    entry = DialEntry()
    entry.set_text("404 555 1234 x9")
    entry.clear()
    assert entry.is_empty()
    assert entry.extension == ""
