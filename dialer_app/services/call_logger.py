"""The call logger (seed 000): one log per call, autosaved, with the log buttons' rules.

A log opens when a call starts, stays "live" until it ends, and is autosaved every 3 s and
whenever the rep moves focus, so a crash never loses notes: the next start reopens it.
Logging validates required fields, writes the log, and for a cadence phone step completes
the step and asks for the next person (signals; the cadence runner does the queueing).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from dialer_app.domain.call_log import (
    CustomField,
    LogAction,
    LogFields,
    OpenLog,
    OrderedOptions,
    StepInfo,
    TeamOption,
    available_actions,
    log_effect,
    order_options,
    suggested_disposition,
)
from dialer_app.services.calls import ActiveCall, CallService, FinishedCall

log = logging.getLogger(__name__)

AUTOSAVE_MS = 3000


class LogStore(Protocol):
    def options(self, kind: str) -> list[TeamOption]: ...
    def usage(self, kind: str) -> dict[int, int]: ...
    def required(self, kind: str) -> bool: ...
    def custom_fields(self) -> list[CustomField]: ...
    def save_draft(self, call_uuid: str, fields: LogFields) -> Any: ...
    def log(self, call_uuid: str, fields: LogFields, *, success: bool) -> None: ...
    def discard(self, call_uuid: str) -> None: ...
    def open_logs(self) -> list[OpenLog]: ...
    def create_person_for_call(self, call_uuid: str, first_name: str, last_name: str) -> int: ...
    def attach_cadence_step(
        self, call_uuid: str, membership_id: int | None, step_id: int | None
    ) -> None: ...
    def step_info(self, membership_id: int) -> StepInfo | None: ...
    def complete_step(
        self,
        membership_id: int,
        step_id: int,
        *,
        call_uuid: str | None,
        success: bool,
        outcome: str = "",
    ) -> int | None: ...


@dataclass(frozen=True)
class LogSession:
    """The log being edited."""

    call_uuid: str
    person_id: int | None
    person_name: str
    number: str
    live: bool
    step: StepInfo | None = None
    one_off: bool = False
    """The rep clicked Call on a phone step: log it as a one-off call (seed 000, last part)."""
    recovered: bool = False

    @property
    def on_cadence_step(self) -> bool:
        return self.step is not None and not self.one_off

    @property
    def actions(self) -> tuple[LogAction, ...]:
        return available_actions(on_cadence_step=self.on_cadence_step)


@dataclass(frozen=True)
class LogResult:
    action: LogAction
    call_uuid: str | None
    completed_step: bool
    next_person: bool
    membership_id: int | None


class CallLoggerService(QObject):
    session_opened = Signal(object)  # LogSession
    session_changed = Signal(object)  # LogSession
    session_closed = Signal()
    draft_saved = Signal(str)  # call uuid
    disposition_suggested = Signal(int)  # option id
    logged = Signal(object)  # LogResult
    refused = Signal(str)  # why the log cannot be saved yet
    person_created = Signal(int)  # person id: made from the call's number

    def __init__(self, store: LogStore, calls: CallService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._session: LogSession | None = None
        self._fields = LogFields()
        self._dirty = False
        self._pending_step: StepInfo | None = None
        self._autosave = QTimer(self)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_draft)
        calls.dial_started.connect(self._on_dial_started)
        calls.call_finished.connect(self._on_call_finished)

    # -- state -------------------------------------------------------------------------
    @property
    def session(self) -> LogSession | None:
        return self._session

    @property
    def fields(self) -> LogFields:
        return self._fields

    @property
    def dirty(self) -> bool:
        return self._dirty

    def ordered(self, kind: str) -> OrderedOptions:
        """Dropdown order: frequently used first, then alphabetical (seed 000)."""
        return order_options(self._store.options(kind), self._store.usage(kind))

    def required(self, kind: str) -> bool:
        return self._store.required(kind)

    def custom_fields(self) -> list[CustomField]:
        return self._store.custom_fields()

    # -- opening -----------------------------------------------------------------------
    def prepare_step(self, step: StepInfo | None) -> None:
        """The next dial runs this cadence phone step (set by the cadence runner)."""
        self._pending_step = step

    def prepare_membership(self, membership_id: int | None) -> StepInfo | None:
        """The cadence runner queued a person: their current step is the next dial's
        (None clears it, e.g. when the rep leaves the runner)."""
        step = self._store.step_info(membership_id) if membership_id is not None else None
        self.prepare_step(step)
        return step

    @property
    def pending_step(self) -> StepInfo | None:
        return self._pending_step

    def _on_dial_started(self, call: ActiveCall) -> None:
        if self._session is not None and self._dirty:
            self.save_draft()
        step, self._pending_step = self._pending_step, None
        self._open(
            LogSession(
                call.call_id,
                call.person_id,
                call.person_name,
                call.number.international,
                live=True,
                step=step,
            ),
            LogFields(),
        )
        if step is not None:
            self._store.attach_cadence_step(call.call_id, step.membership_id, step.step_id)

    def _open(self, session: LogSession, fields: LogFields) -> None:
        self._session = session
        self._fields = fields
        self._dirty = False
        self._autosave.start()
        self.session_opened.emit(session)

    def recover(self) -> list[OpenLog]:
        """Reopen the oldest log that was typed into but never saved (after a crash)."""
        open_logs = self._store.open_logs()
        if open_logs and self._session is None:
            first = open_logs[0]
            self._open(
                LogSession(
                    first.call_uuid,
                    first.person_id,
                    first.person_name,
                    first.number_e164,
                    live=False,
                    recovered=True,
                ),
                first.fields,
            )
        return open_logs

    def _on_call_finished(self, finished: FinishedCall) -> None:
        session = self._session
        if session is None or session.call_uuid != finished.call.call_id:
            return
        self._session = replace(session, live=False)
        self.session_changed.emit(self._session)
        suggestion = suggested_disposition(
            finished.end.suggested_disposition, self._store.options("disposition")
        )
        if suggestion is not None and self._fields.disposition_id is None:
            self.update(replace(self._fields, disposition_id=suggestion.id))
            self.disposition_suggested.emit(suggestion.id)
        self.save_draft()

    def set_one_off(self, one_off: bool) -> None:
        """Call quick action on a phone step: a one-off call (Log); back: Log and Complete."""
        if self._session is not None and self._session.step is not None:
            self._session = replace(self._session, one_off=one_off)
            self.session_changed.emit(self._session)

    # -- editing -----------------------------------------------------------------------
    def update(self, fields: LogFields) -> None:
        if fields != self._fields:
            self._fields = fields
            self._dirty = True

    def save_draft(self) -> None:
        """Autosave (every 3 s, on focus changes, before anything risky)."""
        session = self._session
        if session is None or not self._dirty:
            return
        try:
            self._store.save_draft(session.call_uuid, self._fields)
        except Exception:  # never lose the session: keep it dirty and retry next tick
            log.exception("autosave of call %s failed", session.call_uuid)
            return
        self._dirty = False
        self.draft_saved.emit(session.call_uuid)

    # -- logging -----------------------------------------------------------------------
    def problems(self) -> list[str]:
        """Why the log cannot be saved yet (required fields, no person)."""
        session = self._session
        if session is None:
            return ["There is no call to log."]
        found: list[str] = []
        if session.person_id is None:
            found.append(
                "Calls are logged only to people: create a person from this number, or discard."
            )
        if self._store.required("disposition") and self._fields.disposition_id is None:
            found.append("Choose a disposition: your team requires one.")
        if self._store.required("sentiment") and self._fields.sentiment_id is None:
            found.append("Choose a sentiment: your team requires one.")
        for custom in self._store.custom_fields():
            value = self._fields.custom_values.get(custom.uuid)
            if custom.required and value in (None, "", False):
                found.append(f"Fill in “{custom.name}”: your team requires it.")
        return found

    def perform(self, action: LogAction) -> bool:
        session = self._session
        if session is None:
            return False
        if action not in session.actions:
            self.refused.emit(f"{action.value} is not available for this call.")
            return False
        effect = log_effect(action, on_cadence_step=session.on_cadence_step)
        if effect.save_call:
            problems = self.problems()
            if problems:
                self.refused.emit(" ".join(problems))
                return False
            self._store.log(session.call_uuid, self._fields, success=effect.success)
        else:
            self._store.discard(session.call_uuid)  # Complete Only: no call log (seed 000)
        completed = False
        step = session.step
        if effect.complete_step and step is not None:
            self._store.complete_step(
                step.membership_id,
                step.step_id,
                call_uuid=session.call_uuid if effect.save_call else None,
                success=effect.success,
                outcome=action.value,
            )
            completed = True
        self._close()
        self.logged.emit(
            LogResult(
                action,
                session.call_uuid if effect.save_call else None,
                completed,
                effect.next_person and step is not None,
                step.membership_id if step is not None else None,
            )
        )
        return True

    def discard(self) -> None:
        session = self._session
        if session is not None:
            self._store.discard(session.call_uuid)
            self._close()

    def create_person(self, first_name: str, last_name: str) -> None:
        session = self._session
        if session is None:
            return
        if not (first_name.strip() or last_name.strip()):
            self.refused.emit("Give the new person a name.")
            return
        person_id = self._store.create_person_for_call(session.call_uuid, first_name, last_name)
        name = f"{first_name.strip()} {last_name.strip()}".strip()
        self._session = replace(session, person_id=person_id, person_name=name)
        self.session_changed.emit(self._session)
        self.person_created.emit(person_id)

    def _close(self) -> None:
        self._autosave.stop()
        self._session = None
        self._fields = LogFields()
        self._dirty = False
        self.session_closed.emit()
