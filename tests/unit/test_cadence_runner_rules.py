"""Who the cadence runner opens after a log (seed 004: Log and Complete / Log Only)."""

from __future__ import annotations

from datetime import date

from dialer_app.domain.cadence_runner import next_person_index, position_text
from dialer_app.domain.cadences import DuePerson


def _due(*ids: int) -> list[DuePerson]:
    return [
        DuePerson(i, i, f"P{i}", None, "", "", None, "", "+1", "", date(2026, 1, 5)) for i in ids
    ]


def test_completed_person_leaves_and_the_next_one_opens() -> None:
    assert next_person_index([1, 2, 3], 1, _due(2, 3), frozenset()) == 0


def test_log_only_person_stays_due_but_is_passed() -> None:
    assert next_person_index([1, 2, 3], 1, _due(1, 2, 3), frozenset({1})) == 1


def test_skipped_people_come_back_after_the_end_of_the_list() -> None:
    # the rep jumped to 3 with the arrows and completed it: 1 and 2 are still to do
    assert next_person_index([1, 2, 3], 3, _due(1, 2), frozenset()) == 0
    assert next_person_index([1, 2, 3], 3, _due(1, 2), frozenset({1})) == 1


def test_nobody_left_when_everyone_due_was_handled() -> None:
    assert next_person_index([1, 2], 2, _due(1, 2), frozenset({1, 2})) is None
    assert next_person_index([1], 1, [], frozenset()) is None


def test_position_text() -> None:
    assert position_text(0, 12) == "Person 1 of 12"
    assert position_text(0, 0) == "Nobody due"
    assert position_text(5, 3) == "Nobody due"


def test_linkedin_address_from_custom_fields() -> None:
    from dialer_app.domain.cadences import is_linkedin_step, linkedin_url

    assert linkedin_url({"Lead source": "Webinar", "LinkedIn": "linkedin.com/in/ada"}) == (
        "https://linkedin.com/in/ada"
    )
    assert linkedin_url({"Profile": "http://www.linkedin.com/in/bob"}) == (
        "https://www.linkedin.com/in/bob"
    )
    assert linkedin_url({"Notes": "met on linkedin.com/ and at a fair"}) == ""
    assert linkedin_url({}) == ""
    assert is_linkedin_step("LinkedIn - InMail") and not is_linkedin_step("SMS")
