"""Cadences (issue 6): build them, put people on them, and read the work that is due.

The rules live in ``domain/cadences.py``; this service reads and writes the database with
them and reports every change through ``changed`` so open views (the Cadences tab, the
side panel) reload their counts. It imports SQLAlchemy, so app.py builds it only when a
view first needs it (``MainWindowDeps.cadences``), never on the start-up path.

How the cadence runner (side panel, Run Step, suggestions) is meant to use it:

1. ``due_steps(group_by=...)`` is the to-do list: rows in display order, each with the
   step's type, day, step number and how many people are due.
2. Run Step: ``due_people(step_id, sort=..., account_id=...)``; the first row is the
   person to open. For a phone step, hand ``CallLogStore.step_info(membership_id)`` to
   ``CallLoggerService.prepare_step`` before dialling ``phone_e164``; the log buttons then
   complete the step (``CallLogStore.complete_step``, which shares ``record_completion``
   with this service). For other/integration steps call ``complete(membership_id,
   step_id)`` or, after confirming, ``complete_all(step_id)``. Call ``notify_changed()``
   after a log so every view refreshes (the call logger does not know about this service).
3. When ``due_people`` comes back empty for the step just run: ``suggest_next(ran_row,
   group_by)`` gives the seed 004 options and the recommended next step.

"Today" is the rep's local date (``Settings.time_zone``, else the computer's zone); every
read that depends on it takes an optional ``today`` so tests and the runner can pin it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from PySide6.QtCore import QObject, Signal
from sqlalchemy import exists, func, insert, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from dialer_app.db.call_log_store import record_completion
from dialer_app.db.models import (
    Cadence,
    CadenceMembership,
    CadenceStep,
    Call,
    Email,
    MembershipState,
    Person,
    StepCompletion,
    StepType,
    new_uuid,
)
from dialer_app.domain.cadences import (
    CALLS_MADE_LOG_STATES,
    AddVerdict,
    CadenceRuleError,
    DuePerson,
    DueStep,
    GroupBy,
    MembershipAction,
    NextStepSuggestions,
    PeopleSort,
    check_add,
    check_day,
    check_step_type,
    clean_name,
    due_date,
    first_step_id,
    is_due,
    linkedin_url,
    local_today,
    membership_transition,
    move_within_day,
    next_step_id,
    next_step_suggestions,
    sort_people,
    step_numbers,
    todo_order,
)
from dialer_app.domain.email_schedule import PENDING
from dialer_app.domain.person_profile import local_time

__all__ = ["CadenceError", "CadenceService", "GroupBy", "MembershipAction", "PeopleSort"]


COMPLETE, COMPLETE_ALL = "complete", "complete_all"
"""``StepCompletion.outcome`` of other/integration steps (phone steps store the log button)."""


CadenceError = CadenceRuleError
"""Every refusal (the rules' and the service's own); ``str(error)`` is a sentence for the rep."""


@dataclass(frozen=True)
class CadenceRow:
    id: int
    name: str
    archived: bool
    steps: int
    """Enabled steps."""
    people_active: int


@dataclass(frozen=True)
class StepRow:
    id: int
    cadence_id: int
    step_type: str
    day: int
    position: int
    number: int | None
    """1-based among enabled steps; None when disabled."""
    name: str
    instructions: str
    enabled: bool
    email_subject: str = ""
    email_body: str = ""


@dataclass(frozen=True)
class StepPanel:
    """One panel of the cadence overview page (seed 003)."""

    step: StepRow
    calls_made: int | None
    """Calls logged on the step (phone steps only; None for the other types)."""
    people_on_step: int
    """Active and paused people whose current step this is."""
    people_due: int


@dataclass(frozen=True)
class Overview:
    cadence: CadenceRow
    panels: tuple[StepPanel, ...]


@dataclass(frozen=True)
class MemberRow:
    membership_id: int
    person_id: int
    name: str
    account_name: str
    state: str
    step_id: int | None
    step_name: str
    step_number: int | None
    added_on: date
    due_date: date | None


@dataclass(frozen=True)
class AddOutcome:
    """What ``add_people`` did: who was added, and why the others were not."""

    added: tuple[int, ...] = ()
    skipped: tuple[tuple[int, str], ...] = ()
    """(person id, reason): already on the cadence."""
    refused: tuple[tuple[int, str], ...] = ()
    """(person id, reason): do not contact, archived cadence, unknown person."""

    def message(self) -> str:
        parts = [f"Added {len(self.added)} {'person' if len(self.added) == 1 else 'people'}."]
        parts += [reason for _, reason in (*self.refused, *self.skipped)]
        return " ".join(parts)

    def summary(self, reasons_shown: int = 10) -> str:
        """For an add of many people: how many were added, skipped and refused, then the
        refusal reasons (each said once, the first ``reasons_shown`` of them)."""
        added = len(self.added)
        text = (
            f"Added {added} {'person' if added == 1 else 'people'}, "
            f"skipped {len(self.skipped)} (already on it), refused {len(self.refused)}."
        )
        reasons = list(dict.fromkeys(reason for _, reason in self.refused))
        lines = [text, *reasons[:reasons_shown]]
        if len(reasons) > reasons_shown:
            lines.append(f"…and {len(reasons) - reasons_shown:,} more.")
        return "\n".join(lines)


@dataclass(frozen=True)
class StepDeletion:
    deleted: bool
    reason: str = ""
    """Why the step was disabled instead (it has calls or completions)."""


def _step_row(step: CadenceStep, numbers: dict[int, int]) -> StepRow:
    return StepRow(
        step.id,
        step.cadence_id,
        StepType(step.step_type).value,
        step.day,
        step.position,
        numbers.get(step.id),
        step.name,
        step.instructions,
        step.enabled,
        step.email_subject,
        step.email_body,
    )


class CadenceService(QObject):
    """Cadences, steps and memberships; one short transaction per change."""

    changed = Signal()

    def __init__(
        self,
        sessions: sessionmaker[Session],
        time_zone: Callable[[], str] = lambda: "",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._time_zone = time_zone
        self._clock = clock

    def today(self) -> date:
        """The rep's local date: steps fall due at the rep's midnight."""
        return local_today(self._clock(), self._time_zone())

    def notify_changed(self) -> None:
        """Something outside the service changed cadence data (a call was logged)."""
        self.changed.emit()

    # -- cadences ------------------------------------------------------------------------
    def list_cadences(self, include_archived: bool = False) -> list[CadenceRow]:
        with self._sessions() as session:
            query = select(Cadence).order_by(func.lower(Cadence.name), Cadence.id)
            if not include_archived:
                query = query.where(Cadence.archived.is_(False))
            cadences = list(session.scalars(query))
            return [self._cadence_row(session, c) for c in cadences]

    def cadence(self, cadence_id: int) -> CadenceRow:
        with self._sessions() as session:
            return self._cadence_row(session, self._get_cadence(session, cadence_id))

    def create_cadence(self, name: str) -> CadenceRow:
        cleaned = clean_name(name, "cadence")
        with self._sessions.begin() as session:
            self._check_unique(session, cleaned, own=None)
            cadence = Cadence(name=cleaned)
            session.add(cadence)
            session.flush()
            row = self._cadence_row(session, cadence)
        self.changed.emit()
        return row

    def rename_cadence(self, cadence_id: int, name: str) -> CadenceRow:
        cleaned = clean_name(name, "cadence")
        with self._sessions.begin() as session:
            cadence = self._get_cadence(session, cadence_id)
            self._check_unique(session, cleaned, own=cadence.id)
            if cadence.name != cleaned:
                cadence.name = cleaned
            row = self._cadence_row(session, cadence)
        self.changed.emit()
        return row

    def set_archived(self, cadence_id: int, archived: bool) -> CadenceRow:
        """Archived cadences keep their people and history but nothing on them is due and
        nobody can be added."""
        with self._sessions.begin() as session:
            cadence = self._get_cadence(session, cadence_id)
            if cadence.archived != archived:
                if not archived:
                    self._check_unique(session, cadence.name, own=cadence.id)
                cadence.archived = archived
            row = self._cadence_row(session, cadence)
        self.changed.emit()
        return row

    # -- steps -----------------------------------------------------------------------------
    def steps(self, cadence_id: int) -> list[StepRow]:
        with self._sessions() as session:
            steps = self._steps(session, cadence_id)
            numbers = step_numbers(steps)
            return [_step_row(s, numbers) for s in steps]

    def add_step(
        self,
        cadence_id: int,
        step_type: str,
        day: int,
        name: str,
        instructions: str = "",
        *,
        email_subject: str = "",
        email_body: str = "",
    ) -> StepRow:
        """A new step goes last on its day. Active people with no step yet (added while the
        cadence was empty) start on the first enabled step."""
        kind = StepType(check_step_type(step_type))
        check_day(day)
        cleaned = clean_name(name, "step")
        with self._sessions.begin() as session:
            cadence = self._get_cadence(session, cadence_id)
            steps = self._steps(session, cadence.id)
            position = max((s.position for s in steps if s.day == day), default=-1) + 1
            step = CadenceStep(
                cadence_id=cadence.id,
                step_type=kind,
                day=day,
                position=position,
                name=cleaned,
                instructions=instructions.strip(),
                email_subject=email_subject.strip(),
                email_body=email_body,
            )
            session.add(step)
            session.flush()
            steps = self._steps(session, cadence.id)
            first = first_step_id(steps)
            waiting = session.scalars(
                select(CadenceMembership).where(
                    CadenceMembership.cadence_id == cadence.id,
                    CadenceMembership.state == MembershipState.ACTIVE,
                    CadenceMembership.current_step_id.is_(None),
                )
            )
            for membership in waiting:
                membership.current_step_id = first
            row = _step_row(step, step_numbers(steps))
        self.changed.emit()
        return row

    def edit_step(
        self,
        step_id: int,
        *,
        step_type: str | None = None,
        day: int | None = None,
        name: str | None = None,
        instructions: str | None = None,
        email_subject: str | None = None,
        email_body: str | None = None,
    ) -> StepRow:
        """Change what was typed (an email step's template too: drafts already personalised
        keep their text). A new day puts the step last on that day. The type of a
        step with calls or completions is kept (its history was made as that type)."""
        with self._sessions.begin() as session:
            step = self._get_step(session, step_id)
            if step_type is not None and StepType(check_step_type(step_type)) != step.step_type:
                if self._has_history(session, step.id):
                    raise CadenceError(
                        f"“{step.name}” already has calls or completions: its type can't "
                        "change. Disable it and add a new step instead."
                    )
                step.step_type = StepType(step_type)
            if day is not None and check_day(day) != step.day:
                others = self._steps(session, step.cadence_id)
                step.position = max((s.position for s in others if s.day == day), default=-1) + 1
                step.day = day
            if name is not None:
                cleaned = clean_name(name, "step")
                if cleaned != step.name:
                    step.name = cleaned
            if instructions is not None and instructions.strip() != step.instructions:
                step.instructions = instructions.strip()
            if email_subject is not None and email_subject.strip() != step.email_subject:
                step.email_subject = email_subject.strip()
            if email_body is not None and email_body != step.email_body:
                step.email_body = email_body
            session.flush()
            row = _step_row(step, step_numbers(self._steps(session, step.cadence_id)))
        self.changed.emit()
        return row

    def move_step(self, step_id: int, offset: int) -> None:
        """Up (-1) or down (+1) among the steps of the same day."""
        with self._sessions.begin() as session:
            step = self._get_step(session, step_id)
            steps = self._steps(session, step.cadence_id)
            positions = move_within_day(steps, step.id, offset)
            for other in steps:
                if other.id in positions and other.position != positions[other.id]:
                    other.position = positions[other.id]
        self.changed.emit()

    def set_step_enabled(self, step_id: int, enabled: bool) -> StepRow:
        """Disabling moves the people on the step to the next enabled step (finishing
        active people when it was the last); enabling moves nobody back."""
        with self._sessions.begin() as session:
            step = self._get_step(session, step_id)
            if step.enabled != enabled:
                step.enabled = enabled
                session.flush()
                if not enabled:
                    self._move_people_off(session, step)
            row = _step_row(step, step_numbers(self._steps(session, step.cadence_id)))
        self.changed.emit()
        return row

    def delete_step(self, step_id: int) -> StepDeletion:
        """Delete a step nobody has worked on. A step with calls or completions is disabled
        instead (its history stays for reports), and the reason says so."""
        with self._sessions.begin() as session:
            step = self._get_step(session, step_id)
            if self._has_history(session, step.id):
                reason = (
                    f"“{step.name}” has calls or completions, so it was disabled instead of "
                    "deleted: its history stays."
                )
                if step.enabled:
                    step.enabled = False
                    session.flush()
                    self._move_people_off(session, step)
                result = StepDeletion(False, reason)
            else:
                step.enabled = False
                session.flush()
                self._move_people_off(session, step)
                session.flush()
                session.delete(step)
                result = StepDeletion(True)
        self.changed.emit()
        return result

    # -- people on cadences -------------------------------------------------------------------
    def members(self, cadence_id: int, include_removed: bool = False) -> list[MemberRow]:
        with self._sessions() as session:
            steps = self._steps(session, cadence_id)
            numbers = step_numbers(steps)
            by_id = {s.id: s for s in steps}
            query = (
                select(CadenceMembership)
                .where(CadenceMembership.cadence_id == cadence_id)
                .options(selectinload(CadenceMembership.person).selectinload(Person.account))
            )
            if not include_removed:
                query = query.where(CadenceMembership.state != MembershipState.REMOVED)
            rows = []
            for m in session.scalars(query):
                step = by_id.get(m.current_step_id) if m.current_step_id else None
                rows.append(
                    MemberRow(
                        m.id,
                        m.person_id,
                        m.person.full_name or (m.person.email or ""),
                        m.person.account.name if m.person.account else "",
                        MembershipState(m.state).value,
                        step.id if step else None,
                        step.name if step else "",
                        numbers.get(step.id) if step else None,
                        m.added_on,
                        due_date(m.added_on, step.day)
                        if step and m.state == MembershipState.ACTIVE
                        else None,
                    )
                )
            return sorted(rows, key=lambda r: (r.name.casefold(), r.membership_id))

    def add_people(
        self, cadence_id: int, person_ids: Iterable[int], today: date | None = None
    ) -> AddOutcome:
        """Put people on the cadence's first enabled step, added today (the rep's date).

        Do-not-contact people and any add to an archived cadence are refused with the
        reason; people already on it are skipped; people who finished it or were removed
        start again from the first step."""
        day = today or self.today()
        added: list[int] = []
        skipped: list[tuple[int, str]] = []
        refused: list[tuple[int, str]] = []
        with self._sessions.begin() as session:
            cadence = self._get_cadence(session, cadence_id)
            first = first_step_id(self._steps(session, cadence.id))
            existing = {
                m.person_id: m
                for m in session.scalars(
                    select(CadenceMembership).where(CadenceMembership.cadence_id == cadence.id)
                )
            }
            wanted = list(dict.fromkeys(person_ids))
            people = self._people_to_add(session, wanted)
            new: list[dict[str, object]] = []
            for person_id in wanted:
                person = people.get(person_id)
                if person is None:
                    refused.append((person_id, "That person no longer exists."))
                    continue
                name, do_not_contact = person
                membership = existing.get(person_id)
                check = check_add(
                    name,
                    do_not_contact=do_not_contact,
                    existing_state=MembershipState(membership.state).value if membership else None,
                    cadence_name=cadence.name,
                    cadence_archived=cadence.archived,
                )
                if check.verdict is AddVerdict.REFUSE:
                    refused.append((person_id, check.reason))
                elif check.verdict is AddVerdict.SKIP:
                    skipped.append((person_id, check.reason))
                elif check.verdict is AddVerdict.RESTART and membership is not None:
                    membership.state = MembershipState.ACTIVE
                    membership.current_step_id = first
                    membership.added_on = day
                    added.append(person_id)
                else:
                    new.append(
                        {
                            "uuid": new_uuid(),  # the sync outbox queues it by its uuid
                            "cadence_id": cadence.id,
                            "person_id": person_id,
                            "current_step_id": first,
                            "added_on": day,
                        }
                    )
                    added.append(person_id)
            if new:  # one executemany: the unit of work costs ~0.5 ms a person
                session.execute(insert(CadenceMembership), new)
        if added:
            self.changed.emit()
        return AddOutcome(tuple(added), tuple(skipped), tuple(refused))

    @staticmethod
    def _people_to_add(
        session: Session, person_ids: Sequence[int], chunk: int = 500
    ) -> dict[int, tuple[str, bool]]:
        """Name (or email) and do-not-contact of the people that exist, a chunk per query
        (adding thousands of search results one ``get`` at a time takes seconds)."""
        found: dict[int, tuple[str, bool]] = {}
        for start in range(0, len(person_ids), chunk):
            rows = session.execute(
                select(
                    Person.id,
                    Person.first_name,
                    Person.last_name,
                    Person.email,
                    Person.do_not_contact,
                ).where(Person.id.in_(person_ids[start : start + chunk]))
            )
            for person_id, first, last, email, do_not_contact in rows:
                name = f"{first} {last}".strip()  # as Person.full_name
                found[person_id] = (name or (email or ""), bool(do_not_contact))
        return found

    def apply(self, membership_id: int, action: MembershipAction) -> MemberRow:
        """Pause, resume, finish or remove one membership (``domain.membership_transition``).

        Finishing clears the current step; pausing keeps it (nothing is due while paused)."""
        with self._sessions.begin() as session:
            membership = session.get(CadenceMembership, membership_id)
            if membership is None:
                raise CadenceError("That person is no longer on the cadence.")
            after = membership_transition(MembershipState(membership.state).value, action)
            membership.state = MembershipState(after)
            if action is MembershipAction.FINISH:
                membership.current_step_id = None
            cadence_id = membership.cadence_id
        self.changed.emit()
        rows = self.members(cadence_id, include_removed=True)
        return next(r for r in rows if r.membership_id == membership_id)

    def pause(self, membership_id: int) -> MemberRow:
        return self.apply(membership_id, MembershipAction.PAUSE)

    def resume(self, membership_id: int) -> MemberRow:
        return self.apply(membership_id, MembershipAction.RESUME)

    def finish(self, membership_id: int) -> MemberRow:
        return self.apply(membership_id, MembershipAction.FINISH)

    def remove(self, membership_id: int) -> MemberRow:
        return self.apply(membership_id, MembershipAction.REMOVE)

    # -- the overview page (seed 003) ---------------------------------------------------------
    def calls_made(self, step_id: int) -> int:
        """Calls logged on the step; discarded logs (Complete Only) and open ones don't count."""
        with self._sessions() as session:
            return self._calls_made(session, [step_id]).get(step_id, 0)

    def overview(self, cadence_id: int, today: date | None = None) -> Overview:
        """One panel per step (disabled ones too, without a number), in cadence order."""
        day = today or self.today()
        with self._sessions() as session:
            cadence = self._get_cadence(session, cadence_id)
            steps = self._steps(session, cadence.id)
            numbers = step_numbers(steps)
            calls = self._calls_made(session, [s.id for s in steps])
            on_step: Counter[int] = Counter()
            # the to-do list's and Run Step's rule (``_due``), not a copy of it: a person
            # whose email for the step is scheduled or sending is on the step, not due
            due: Counter[int] = Counter(
                step.id for _m, step, _p in self._due(session, day, cadence_id=cadence.id)
            )
            memberships = session.scalars(
                select(CadenceMembership).where(
                    CadenceMembership.cadence_id == cadence.id,
                    CadenceMembership.state.in_([MembershipState.ACTIVE, MembershipState.PAUSED]),
                    CadenceMembership.current_step_id.is_not(None),
                )
            )
            by_id = {s.id: s for s in steps}
            for m in memberships:
                step = by_id.get(m.current_step_id or 0)
                if step is None:
                    continue
                on_step[step.id] += 1
            panels = tuple(
                StepPanel(
                    _step_row(s, numbers),
                    calls.get(s.id, 0) if s.step_type == StepType.PHONE else None,
                    on_step[s.id],
                    due[s.id],
                )
                for s in steps
            )
            return Overview(self._cadence_row(session, cadence), panels)

    # -- due work (the runner) ----------------------------------------------------------------
    def due_steps(
        self, today: date | None = None, group_by: GroupBy = GroupBy.CADENCE
    ) -> list[DueStep]:
        """The to-do list: steps with people due, in display order (``todo_order``).

        Due means: active membership, on an enabled step of an unarchived cadence, the
        person not marked do not contact, and the step's due date today or earlier. Grouped
        by account, a step has one row per account (people without an account together)."""
        day = today or self.today()
        with self._sessions() as session:
            counts: Counter[tuple[int, int | None]] = Counter()
            steps: dict[int, CadenceStep] = {}
            accounts: dict[int | None, str] = {None: ""}
            for _membership, step, person in self._due(session, day):
                account = person.account_id if group_by is GroupBy.ACCOUNT else None
                counts[(step.id, account)] += 1
                steps[step.id] = step
                if account is not None and person.account is not None:
                    accounts[account] = person.account.name
            numbers = self._numbers(session, {s.cadence_id for s in steps.values()})
            names = {
                c.id: c.name
                for c in session.scalars(
                    select(Cadence).where(Cadence.id.in_({s.cadence_id for s in steps.values()}))
                )
            }
            rows = [
                DueStep(
                    cadence_id=steps[step_id].cadence_id,
                    cadence_name=names[steps[step_id].cadence_id],
                    step_id=step_id,
                    step_number=numbers.get(step_id, 0),
                    day=steps[step_id].day,
                    step_type=StepType(steps[step_id].step_type).value,
                    name=steps[step_id].name,
                    instructions=steps[step_id].instructions,
                    people_due=count,
                    account_id=account,
                    account_name=accounts.get(account, ""),
                )
                for (step_id, account), count in counts.items()
            ]
            return todo_order(rows, group_by)

    def due_people(
        self,
        step_id: int,
        today: date | None = None,
        sort: PeopleSort = PeopleSort.DUE_DATE,
        account_id: int | None = None,
        grouped_by_account: bool = False,
    ) -> list[DuePerson]:
        """The people due on a step, sorted as the side panel asks; the first is the one
        Run Step opens. With ``grouped_by_account`` only ``account_id``'s people (None: the
        people without an account)."""
        day = today or self.today()
        now = self._clock()
        with self._sessions() as session:
            rows = []
            for membership, step, person in self._due(session, day, step_id=step_id):
                if grouped_by_account and person.account_id != account_id:
                    continue
                numbers = [n.e164 for n in person.phone_numbers]
                zone = local_time(person.time_zone or "", numbers, now)
                offset = zone.now.utcoffset() if zone else None
                first = person.phone_numbers[0] if person.phone_numbers else None
                rows.append(
                    DuePerson(
                        membership_id=membership.id,
                        person_id=person.id,
                        name=person.full_name or (person.email or ""),
                        account_id=person.account_id,
                        account_name=person.account.name if person.account else "",
                        time_zone=zone.zone if zone else "",
                        utc_offset_min=int(offset.total_seconds() // 60) if offset else None,
                        local_time=zone.clock if zone else "",
                        phone_e164=first.e164 if first else "",
                        phone_extension=(first.extension or "") if first else "",
                        due_date=due_date(membership.added_on, step.day),
                        linkedin_url=linkedin_url(_custom_fields(person.custom_fields)),
                    )
                )
            return sort_people(rows, sort)

    def suggest_next(
        self, ran: DueStep, group_by: GroupBy = GroupBy.CADENCE, today: date | None = None
    ) -> NextStepSuggestions:
        """Seed 004's suggestions after the last person on ``ran`` (a ``due_steps`` row)."""
        due = self.due_steps(today, group_by)
        return next_step_suggestions(ran.step_id, ran.group(group_by), due, group_by)

    def complete(
        self, membership_id: int, step_id: int, outcome: str = COMPLETE, notes: str = ""
    ) -> None:
        """Log and Complete of an other or integration step for one person, with the
        rep's notes."""
        with self._sessions.begin() as session:
            membership = session.get(CadenceMembership, membership_id)
            if membership is None:
                raise CadenceError("That person is no longer on the cadence.")
            record_completion(
                session,
                membership,
                step_id,
                call_id=None,
                success=False,
                outcome=outcome,
                notes=notes.strip(),
            )
        self.changed.emit()

    def complete_all(
        self,
        step_id: int,
        today: date | None = None,
        account_id: int | None = None,
        grouped_by_account: bool = False,
    ) -> int:
        """Complete All (other steps, after the rep confirmed): every person due on the
        step (in the account's group when grouped by account). Returns how many."""
        day = today or self.today()
        done = 0
        with self._sessions.begin() as session:
            for membership, _step, person in self._due(session, day, step_id=step_id):
                if grouped_by_account and person.account_id != account_id:
                    continue
                record_completion(
                    session, membership, step_id, call_id=None, success=False, outcome=COMPLETE_ALL
                )
                done += 1
        if done:
            self.changed.emit()
        return done

    # -- helpers ----------------------------------------------------------------------------
    def _due(
        self,
        session: Session,
        today: date,
        step_id: int | None = None,
        cadence_id: int | None = None,
    ) -> list[tuple[CadenceMembership, CadenceStep, Person]]:
        """Who is due, the one rule for the to-do list, Run Step, Complete All and the
        overview's counts: active membership, on an enabled step of an unarchived
        cadence, the person not marked do not contact, no email for the step scheduled or
        being sent, and the step's due date today or earlier."""
        query = (
            select(CadenceMembership, CadenceStep, Person)
            .join(CadenceStep, CadenceStep.id == CadenceMembership.current_step_id)
            .join(Cadence, Cadence.id == CadenceMembership.cadence_id)
            .join(Person, Person.id == CadenceMembership.person_id)
            .where(
                CadenceMembership.state == MembershipState.ACTIVE,
                CadenceStep.enabled.is_(True),
                Cadence.archived.is_(False),
                Person.do_not_contact.is_(False),
                # an email scheduled or being sent for this step takes the person off the
                # list until it is sent (step completed) or fails (due again, with why)
                ~exists().where(
                    Email.membership_id == CadenceMembership.id,
                    Email.step_id == CadenceStep.id,
                    Email.state.in_([s.value for s in PENDING]),
                ),
            )
            .options(selectinload(Person.account), selectinload(Person.phone_numbers))
        )
        if step_id is not None:
            query = query.where(CadenceStep.id == step_id)
        if cadence_id is not None:
            query = query.where(CadenceMembership.cadence_id == cadence_id)
        return [
            (m, s, p)
            for m, s, p in session.execute(query)
            if is_due(due_date(m.added_on, s.day), today)
        ]

    @staticmethod
    def _steps(session: Session, cadence_id: int) -> list[CadenceStep]:
        return list(
            session.scalars(
                select(CadenceStep)
                .where(CadenceStep.cadence_id == cadence_id)
                .order_by(CadenceStep.day, CadenceStep.position, CadenceStep.id)
            )
        )

    def _numbers(self, session: Session, cadence_ids: Iterable[int]) -> dict[int, int]:
        numbers: dict[int, int] = {}
        for cadence_id in cadence_ids:
            numbers.update(step_numbers(self._steps(session, cadence_id)))
        return numbers

    @staticmethod
    def _calls_made(session: Session, step_ids: Sequence[int]) -> dict[int, int]:
        if not step_ids:
            return {}
        rows = session.execute(
            select(Call.step_id, func.count())
            .where(Call.step_id.in_(step_ids), Call.log_state.in_(CALLS_MADE_LOG_STATES))
            .group_by(Call.step_id)
        )
        return {step: int(count) for step, count in rows if step is not None}

    @staticmethod
    def _has_history(session: Session, step_id: int) -> bool:
        calls = session.scalar(select(func.count()).where(Call.step_id == step_id))
        done = session.scalar(select(func.count()).where(StepCompletion.step_id == step_id))
        return bool(calls or done)

    def _move_people_off(self, session: Session, step: CadenceStep) -> None:
        """People on a step that stops being runnable go to the next enabled step."""
        steps = self._steps(session, step.cadence_id)
        following = next_step_id(steps, step.id)
        on_it = session.scalars(
            select(CadenceMembership).where(CadenceMembership.current_step_id == step.id)
        )
        for membership in on_it:
            membership.current_step_id = following
            if following is None and membership.state == MembershipState.ACTIVE:
                membership.state = MembershipState.FINISHED

    @staticmethod
    def _get_cadence(session: Session, cadence_id: int) -> Cadence:
        cadence = session.get(Cadence, cadence_id)
        if cadence is None:
            raise CadenceError("That cadence no longer exists.")
        return cadence

    @staticmethod
    def _get_step(session: Session, step_id: int) -> CadenceStep:
        step = session.get(CadenceStep, step_id)
        if step is None:
            raise CadenceError("That step no longer exists.")
        return step

    @staticmethod
    def _check_unique(session: Session, name: str, own: int | None) -> None:
        """Two active cadences can't share a name (ignoring case): reps pick by name."""
        folded = name.casefold()
        others = session.execute(
            select(Cadence.id, Cadence.name).where(Cadence.archived.is_(False))
        )
        clash = next((n for i, n in others if i != own and n.casefold() == folded), None)
        if clash is not None:
            raise CadenceError(f"There is already a cadence named “{clash}”.")

    @staticmethod
    def _cadence_row(session: Session, cadence: Cadence) -> CadenceRow:
        steps = session.scalar(
            select(func.count()).where(
                CadenceStep.cadence_id == cadence.id, CadenceStep.enabled.is_(True)
            )
        )
        active = session.scalar(
            select(func.count()).where(
                CadenceMembership.cadence_id == cadence.id,
                CadenceMembership.state == MembershipState.ACTIVE,
            )
        )
        return CadenceRow(
            cadence.id, cadence.name, cadence.archived, int(steps or 0), int(active or 0)
        )


def _custom_fields(text: str | None) -> dict[str, str]:
    """A person's custom fields (JSON from imports); anything unreadable counts as none."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
