"""The admin side of the call log: the team's dispositions, sentiments and custom fields.

Rows are never deleted and their ids never change: a rename is an UPDATE of ``name`` so
old logs keep pointing at the same row, and archiving only hides an option from new logs.
Every change goes through the ORM so ``updated_at`` moves and the future sync picks it up.
Plain Python over SQLAlchemy (no Qt) so the rules are testable without widgets.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dialer_app.db.models import (
    CustomCallField,
    CustomFieldType,
    Disposition,
    Sentiment,
    TeamSetting,
)
from dialer_app.domain.call_log import REQUIRED_SETTING_KEYS, TeamOption

NAME_MAX = 100
"""The ``name`` columns are String(100)."""


class TeamOptionError(ValueError):
    """A change the service refused; ``str(error)`` is a sentence for the admin."""


class OptionKind(enum.Enum):
    DISPOSITION = "disposition"
    SENTIMENT = "sentiment"


_OptionModel = type[Disposition] | type[Sentiment]
_MODELS: dict[OptionKind, _OptionModel] = {
    OptionKind.DISPOSITION: Disposition,
    OptionKind.SENTIMENT: Sentiment,
}
_Row = TypeVar("_Row", bound=Disposition | Sentiment | CustomCallField)
REQUIRED_KEYS: dict[OptionKind, str] = {
    kind: REQUIRED_SETTING_KEYS[kind.value] for kind in OptionKind
}


@dataclass(frozen=True)
class OptionRow:
    id: int
    uuid: str
    name: str
    default_key: str | None
    position: int
    archived: bool


@dataclass(frozen=True)
class FieldRow:
    id: int
    uuid: str
    name: str
    field_type: CustomFieldType
    required: bool
    choices: tuple[str, ...]
    position: int
    archived: bool


def _option_row(row: Disposition | Sentiment) -> OptionRow:
    return OptionRow(row.id, row.uuid, row.name, row.default_key, row.position, row.archived)


def _field_row(row: CustomCallField) -> FieldRow:
    return FieldRow(
        row.id,
        row.uuid,
        row.name,
        CustomFieldType(row.field_type),
        row.required,
        tuple(json.loads(row.choices or "[]")),
        row.position,
        row.archived,
    )


def _clean_name(name: str, what: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise TeamOptionError(f"Type a name for the {what}.")
    if len(cleaned) > NAME_MAX:
        raise TeamOptionError(f"A {what} name can be at most {NAME_MAX} characters.")
    return cleaned


def _check_unique(name: str, what: str, others: Iterable[tuple[int, str, bool]], own: int) -> None:
    """Active names must differ ignoring case; archived rows may share a name."""
    folded = name.casefold()
    for row_id, other, archived in others:
        if row_id != own and not archived and other.casefold() == folded:
            raise TeamOptionError(f'There is already a {what} named "{other}".')


def _clean_choices(choices: Iterable[str]) -> tuple[str, ...]:
    """Blank lines are dropped; a repeated choice is a mistake worth pointing out."""
    cleaned: list[str] = []
    seen: set[str] = set()
    for choice in choices:
        text = " ".join(choice.split())
        if not text:
            continue
        if text.casefold() in seen:
            raise TeamOptionError(f'The choice "{text}" is listed twice.')
        seen.add(text.casefold())
        cleaned.append(text)
    return tuple(cleaned)


def _check_choices(field_type: CustomFieldType, choices: tuple[str, ...]) -> None:
    if field_type is CustomFieldType.CHOICE:
        if len(choices) < 2:
            raise TeamOptionError("A choice field needs at least two different choices.")
    elif choices:
        raise TeamOptionError("Only choice fields have a list of choices.")


def _renumber(rows: Sequence[_Row], row_id: int, new_index: int, what: str) -> None:
    """Move one row to ``new_index`` (clamped) and number every row 0..n-1."""
    ordered = list(rows)
    moving = next((r for r in ordered if r.id == row_id), None)
    if moving is None:
        raise TeamOptionError(f"That {what} no longer exists.")
    ordered.remove(moving)
    ordered.insert(max(0, min(new_index, len(ordered))), moving)
    for position, row in enumerate(ordered):
        if row.position != position:  # only touched rows get a new updated_at
            row.position = position


class TeamOptionsService:
    """Add, rename, reorder, archive and mark required; one short transaction per change."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    # -- dispositions and sentiments ----------------------------------------------------

    def list_options(self, kind: OptionKind, include_archived: bool = True) -> list[OptionRow]:
        with self._sessions() as session:
            rows = self._options(session, kind)
            return [_option_row(r) for r in rows if include_archived or not r.archived]

    def add_option(self, kind: OptionKind, name: str) -> OptionRow:
        what = kind.value
        cleaned = _clean_name(name, what)
        with self._sessions.begin() as session:
            rows = self._options(session, kind)
            _check_unique(cleaned, what, ((r.id, r.name, r.archived) for r in rows), own=-1)
            position = max((r.position for r in rows), default=-1) + 1
            row = _MODELS[kind](name=cleaned, position=position)
            session.add(row)
            session.flush()
            return _option_row(row)

    def rename_option(self, kind: OptionKind, option_id: int, name: str) -> OptionRow:
        """Only the name changes: logged calls keep the same id and show the new name."""
        what = kind.value
        cleaned = _clean_name(name, what)
        with self._sessions.begin() as session:
            rows = self._options(session, kind)
            row = self._find(rows, option_id, what)
            _check_unique(cleaned, what, ((r.id, r.name, r.archived) for r in rows), row.id)
            if row.name != cleaned:
                row.name = cleaned
            session.flush()
            return _option_row(row)

    def move_option(self, kind: OptionKind, option_id: int, new_index: int) -> None:
        with self._sessions.begin() as session:
            _renumber(self._options(session, kind), option_id, new_index, kind.value)

    def set_archived(self, kind: OptionKind, option_id: int, archived: bool) -> OptionRow:
        """Archived options stay in the table (old logs point at them) but leave new logs."""
        what = kind.value
        with self._sessions.begin() as session:
            rows = self._options(session, kind)
            row = self._find(rows, option_id, what)
            if row.archived != archived:
                if not archived:
                    self._check_unarchive(
                        row.name, what, [(r.id, r.name, r.archived) for r in rows]
                    )
                row.archived = archived
            session.flush()
            return _option_row(row)

    def is_required(self, kind: OptionKind) -> bool:
        with self._sessions() as session:
            setting = session.get(TeamSetting, REQUIRED_KEYS[kind])
            return setting is not None and setting.value == "1"

    def set_required(self, kind: OptionKind, required: bool) -> None:
        value = "1" if required else "0"
        with self._sessions.begin() as session:
            setting = session.get(TeamSetting, REQUIRED_KEYS[kind])
            if setting is None:
                session.add(TeamSetting(key=REQUIRED_KEYS[kind], value=value))
            elif setting.value != value:
                setting.value = value

    def team_option_rules_view(self, kind: OptionKind) -> list[TeamOption]:
        """The options as the call-log rules see them (archived included, in order)."""
        return [
            TeamOption(r.id, r.name, r.default_key, r.archived) for r in self.list_options(kind)
        ]

    # -- custom call fields -------------------------------------------------------------

    def list_fields(self, include_archived: bool = True) -> list[FieldRow]:
        with self._sessions() as session:
            rows = self._fields(session)
            return [_field_row(r) for r in rows if include_archived or not r.archived]

    def add_field(
        self,
        name: str,
        field_type: CustomFieldType,
        *,
        required: bool = False,
        choices: Iterable[str] = (),
    ) -> FieldRow:
        cleaned = _clean_name(name, "field")
        kind = CustomFieldType(field_type)
        cleaned_choices = _clean_choices(choices)
        _check_choices(kind, cleaned_choices)
        with self._sessions.begin() as session:
            rows = self._fields(session)
            _check_unique(cleaned, "field", ((r.id, r.name, r.archived) for r in rows), own=-1)
            row = CustomCallField(
                name=cleaned,
                field_type=kind,
                required=required,
                choices=json.dumps(list(cleaned_choices)),
                position=max((r.position for r in rows), default=-1) + 1,
            )
            session.add(row)
            session.flush()
            return _field_row(row)

    def update_field(
        self,
        field_id: int,
        *,
        name: str | None = None,
        required: bool | None = None,
        choices: Iterable[str] | None = None,
        field_type: CustomFieldType | None = None,
    ) -> FieldRow:
        """Change what may change; the type is fixed because old logs hold values of it."""
        with self._sessions.begin() as session:
            rows = self._fields(session)
            row = self._find(rows, field_id, "field")
            current_type = CustomFieldType(row.field_type)
            if field_type is not None and CustomFieldType(field_type) is not current_type:
                raise TeamOptionError(
                    "A field's type can't change once it is created: "
                    "archive it and add a new field instead."
                )
            if name is not None:
                cleaned = _clean_name(name, "field")
                _check_unique(cleaned, "field", ((r.id, r.name, r.archived) for r in rows), row.id)
                if row.name != cleaned:
                    row.name = cleaned
            if choices is not None:
                cleaned_choices = _clean_choices(choices)
                _check_choices(current_type, cleaned_choices)
                encoded = json.dumps(list(cleaned_choices))
                if row.choices != encoded:
                    row.choices = encoded
            if required is not None and row.required != required:
                row.required = required
            session.flush()
            return _field_row(row)

    def move_field(self, field_id: int, new_index: int) -> None:
        with self._sessions.begin() as session:
            _renumber(self._fields(session), field_id, new_index, "field")

    def set_field_archived(self, field_id: int, archived: bool) -> FieldRow:
        with self._sessions.begin() as session:
            rows = self._fields(session)
            row = self._find(rows, field_id, "field")
            if row.archived != archived:
                if not archived:
                    self._check_unarchive(
                        row.name, "field", [(r.id, r.name, r.archived) for r in rows]
                    )
                row.archived = archived
            session.flush()
            return _field_row(row)

    # -- helpers --------------------------------------------------------------------------

    @staticmethod
    def _options(session: Session, kind: OptionKind) -> list[Disposition | Sentiment]:
        model = _MODELS[kind]
        rows = session.scalars(select(model).order_by(model.position, model.id))
        return cast("list[Disposition | Sentiment]", list(rows))

    @staticmethod
    def _fields(session: Session) -> list[CustomCallField]:
        query = select(CustomCallField).order_by(CustomCallField.position, CustomCallField.id)
        return list(session.scalars(query))

    @staticmethod
    def _find(rows: Sequence[_Row], row_id: int, what: str) -> _Row:
        row = next((r for r in rows if r.id == row_id), None)
        if row is None:
            raise TeamOptionError(f"That {what} no longer exists.")
        return row

    @staticmethod
    def _check_unarchive(name: str, what: str, rows: list[tuple[int, str, bool]]) -> None:
        folded = name.casefold()
        if any(not archived and other.casefold() == folded for _, other, archived in rows):
            raise TeamOptionError(
                f'Can\'t unarchive "{name}": another {what} has that name. Rename one first.'
            )
