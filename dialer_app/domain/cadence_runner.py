"""Rules of running a cadence step (seed 004): who comes next after a log.

The runner walks the people due on one step. After a log it re-reads who is still due:
people whose step was completed are gone; a Log Only person is still due, but was handled
in this run, so the runner moves past them instead of opening them again. The step is
done for this run (the suggestions screen) when every person still due was handled.
"""

from __future__ import annotations

from collections.abc import Sequence

from dialer_app.domain.cadences import DuePerson


def next_person_index(
    before: Sequence[int],
    logged: int,
    now_due: Sequence[DuePerson],
    handled: frozenset[int],
) -> int | None:
    """Index in ``now_due`` of the person to open after ``logged`` (a membership id), or
    None when nobody unhandled is left.

    ``before`` is the membership ids in the order the rep was walking. The next person is
    the first unhandled one that came after ``logged`` in that order; failing that, the
    first unhandled person of the new list (people the rep skipped with the arrows, or who
    became due meanwhile)."""
    ids = [p.membership_id for p in now_due]
    later = before[before.index(logged) + 1 :] if logged in before else []
    for membership_id in later:
        if membership_id in ids and membership_id not in handled:
            return ids.index(membership_id)
    return next((i for i, m in enumerate(ids) if m not in handled), None)


def position_text(index: int, total: int) -> str:
    """ "Person 1 of 12" (seed 004's "< 1 of 5 >")."""
    if total <= 0 or not 0 <= index < total:
        return "Nobody due"
    return f"Person {index + 1} of {total}"
