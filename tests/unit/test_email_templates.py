"""Merge fields of cadence email templates (issue 9): fill, fall back, never leave raw."""

from __future__ import annotations

from dialer_app.domain.email_templates import (
    FIELDS,
    MergeValues,
    compose,
    leftover_tokens,
    render,
    split_name,
    suggestion,
    unknown_fields,
)

AVA = MergeValues(
    first_name="Ava",
    last_name="Stone",
    account="Acme Corp",
    email="ava@acme.example",
    city="Atlanta",
    sender_first_name="Sam",
    sender_last_name="de Vries",
    sender_email="sam@dialer.example",
).as_dict()


def test_fields_fill_from_person_and_rep() -> None:
    done = render(
        "Hi {{first_name}} ({{ name }}) at {{account}} in {{city}}, {{email}}\n"
        "— {{sender_first_name}} / {{sender_name}} <{{sender_email}}>",
        AVA,
    )
    assert done.text == (
        "Hi Ava (Ava Stone) at Acme Corp in Atlanta, ava@acme.example\n"
        "— Sam / Sam de Vries <sam@dialer.example>"
    )
    assert done.missing == () and done.unknown == ()


def test_names_are_case_insensitive() -> None:
    assert render("{{First_Name}}", AVA).text == "Ava"


def test_missing_value_stays_as_token_and_is_named() -> None:
    done = render("Hi {{first_name}}, as {{title}} at {{account}}…", AVA)
    assert done.text == "Hi Ava, as {{title}} at Acme Corp…"
    assert done.missing == ("title",)


def test_fallback_fills_a_missing_value_only() -> None:
    assert render("Hi {{title|there}}", AVA).text == "Hi there"
    assert render("Hi {{first_name | there}}", AVA).text == "Hi Ava"


def test_unknown_fields_are_reported_with_a_suggestion() -> None:
    done = render("Hi {{firstname}}", AVA)
    assert done.unknown == ("firstname",) and done.text == "Hi {{firstname}}"
    assert suggestion("firstname") == "first_name"
    assert unknown_fields("{{first_name}} {{compnay}} {{compnay}}") == ["compnay"]
    assert suggestion("zzzz") == ""


def test_compose_blocks_sending_and_names_the_field() -> None:
    composed = compose("Hello {{first_name}}", "Dear {{title}}, {{acount}}", AVA)
    assert not composed.sendable
    problem = composed.problem("Ava Stone")
    assert "{{title}} (title)" in problem and "Ava Stone has no value" in problem
    assert "Unknown merge field {{acount}} (did you mean {{account}}?)" in problem


def test_malformed_tokens_also_block_sending() -> None:
    composed = compose("Hi", "Hello {{ first name }}", AVA)
    assert not composed.sendable
    assert composed.problem("Ava") == "Remove {{ first name }} before sending."
    assert leftover_tokens("{{a}} {{a}} {{b c}}") == ["{{a}}", "{{b c}}"]


def test_fully_filled_is_sendable() -> None:
    composed = compose("Hi {{first_name}}", "See you, {{sender_first_name}}", AVA)
    assert composed.sendable and composed.problem("Ava") == ""


def test_every_field_has_a_label_and_a_value_slot() -> None:
    values = MergeValues().as_dict()
    assert set(FIELDS) <= set(values)


def test_split_name() -> None:
    assert split_name("Sam de Vries") == ("Sam", "de Vries")
    assert split_name("Cher") == ("Cher", "")
    assert split_name("") == ("", "")
