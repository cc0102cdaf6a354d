from __future__ import annotations

from dialer_app.db.people_search import Plan, parse_query


def test_empty_means_everyone_and_punctuation_means_nothing() -> None:
    assert parse_query("   ") is None
    assert parse_query("- / .") == []


def test_a_number_written_any_way_is_one_number_term() -> None:
    (term,) = parse_query("+44 (0)20 7183") or []
    assert "people_search_numbers" in term.index_sql
    assert term.index_params == ('"44207183"',)


def test_a_national_trunk_zero_is_optional() -> None:
    (term,) = parse_query("020 7183") or []
    assert term.index_params == ('"0207183" OR "207183"',)
    assert term.row_params == ("0207183", "207183")


def test_a_number_among_words_is_one_number_term_too() -> None:
    name, number = parse_query("mia 020 7183") or []
    assert name.index_params == ('"mia"',)
    assert number.index_params == ('"0207183" OR "207183"',)
    (_name, number) = parse_query("hughes +44 (0)20") or []
    assert number.index_params == ('"4420"',)
    (_name, digits) = parse_query("ben 555") or []  # one word of digits: a name's too
    assert digits.row_params == ("555", "555")


def test_long_words_become_one_trigram_lookup_and_drive() -> None:
    plan = Plan.of(parse_query("tyrell j gmbh") or [])
    assert plan.driver.index_params == ('"tyrell" AND "gmbh"',)
    assert len(plan.others) == 1  # "j": checked on each matching row
    assert plan.others[0].row_params[0] == "j%"


def test_short_words_use_the_word_prefix_index() -> None:
    plan = Plan.of(parse_query("jo") or [])
    assert "people_search_words" in plan.driver.index_sql
    assert plan.driver.index_params == ('"jo"*',)


def test_like_wildcards_and_fts_quotes_are_escaped() -> None:
    (short,) = parse_query("a%") or []
    assert short.row_params[0] == "a\\%%"
    (quoted,) = parse_query('ab"c') or []
    assert quoted.index_params == ('"ab""c"',)
