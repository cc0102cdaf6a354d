"""The admin side of the call log on a real SQLite file (the demo database)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from dialer_app.app import AppContext
from dialer_app.db.models import Call, CustomFieldType, Disposition
from dialer_app.domain.call_log import team_uses_default_dispositions
from dialer_app.domain.call_log_defaults import DEFAULT_DISPOSITIONS, DEFAULT_SENTIMENTS
from dialer_app.services.team_options import (
    OptionKind,
    TeamOptionError,
    TeamOptionsService,
)

D = OptionKind.DISPOSITION
S = OptionKind.SENTIMENT


@pytest.fixture
def service(context: AppContext) -> TeamOptionsService:
    return TeamOptionsService(context.database.sessions)


def _names(service: TeamOptionsService, kind: OptionKind, **kw: bool) -> list[str]:
    return [o.name for o in service.list_options(kind, **kw)]


def _id(service: TeamOptionsService, kind: OptionKind, name: str) -> int:
    return next(o.id for o in service.list_options(kind) if o.name == name)


def test_defaults_are_listed_in_order(service: TeamOptionsService) -> None:
    assert _names(service, D) == [d.name for d in DEFAULT_DISPOSITIONS]
    assert _names(service, S) == [d.name for d in DEFAULT_SENTIMENTS]
    options = service.list_options(D)
    assert [o.position for o in options] == list(range(len(options)))
    assert [o.default_key for o in options] == [d.key for d in DEFAULT_DISPOSITIONS]
    assert team_uses_default_dispositions(service.team_option_rules_view(D))


def test_add_appends_a_trimmed_name(service: TeamOptionsService) -> None:
    added = service.add_option(D, "  Meeting   booked ")
    assert added.name == "Meeting booked"
    assert added.default_key is None and not added.archived
    assert _names(service, D)[-1] == "Meeting booked"
    assert not team_uses_default_dispositions(service.team_option_rules_view(D))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "Type a name for the disposition."),
        ("busy", 'There is already a disposition named "Busy".'),
        ("x" * 101, "at most 100 characters"),
    ],
)
def test_add_refuses_bad_names(service: TeamOptionsService, name: str, message: str) -> None:
    with pytest.raises(TeamOptionError, match=re.escape(message)):
        service.add_option(D, name)
    assert len(service.list_options(D)) == len(DEFAULT_DISPOSITIONS)


def test_the_same_name_is_fine_in_the_other_kind_and_beside_archived(
    service: TeamOptionsService,
) -> None:
    service.add_option(S, "Busy")  # sentiments are a separate list
    service.set_archived(D, _id(service, D, "Busy"), True)
    again = service.add_option(D, "BUSY")
    assert again.name == "BUSY"
    with pytest.raises(TeamOptionError, match="another disposition has that name"):
        service.set_archived(D, _id(service, D, "Busy"), False)


def test_rename_validates_like_add(service: TeamOptionsService) -> None:
    busy = _id(service, D, "Busy")
    with pytest.raises(TeamOptionError, match="Type a name"):
        service.rename_option(D, busy, "")
    with pytest.raises(TeamOptionError, match='already a disposition named "No Answer"'):
        service.rename_option(D, busy, "no answer")
    # Changing only the case of its own name is allowed.
    assert service.rename_option(D, busy, "BUSY").name == "BUSY"


def test_rename_keeps_logged_calls_pointing_at_the_row(
    service: TeamOptionsService, context: AppContext
) -> None:
    busy = service.list_options(D)[2]
    with context.database.sessions.begin() as session:
        call = Call(number_e164="+15550100", line_name="Demo line", disposition_id=busy.id)
        session.add(call)
        session.flush()
        call_id = call.id
        before = session.get_one(Disposition, busy.id).updated_at

    renamed = service.rename_option(D, busy.id, "Line busy")

    assert (renamed.id, renamed.uuid, renamed.default_key) == (busy.id, busy.uuid, "busy")
    with context.database.sessions() as session:
        name = session.scalar(
            select(Disposition.name)
            .join(Call, Call.disposition_id == Disposition.id)
            .where(Call.id == call_id)
        )
        after = session.get_one(Disposition, busy.id).updated_at
    assert name == "Line busy"
    assert _as_naive(after) > _as_naive(before)  # the future sync sees the rename
    assert not team_uses_default_dispositions(service.team_option_rules_view(D))


def _as_naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


def test_archive_hides_from_new_logs_but_keeps_the_row(service: TeamOptionsService) -> None:
    voicemail = _id(service, D, "Left Voicemail")
    archived = service.set_archived(D, voicemail, True)
    assert archived.archived
    assert "Left Voicemail" not in _names(service, D, include_archived=False)
    assert "Left Voicemail" in _names(service, D)
    rules = service.team_option_rules_view(D)
    assert next(o for o in rules if o.id == voicemail).archived
    assert not team_uses_default_dispositions(rules)

    service.set_archived(D, voicemail, False)
    assert team_uses_default_dispositions(service.team_option_rules_view(D))


def test_move_renumbers_positions(service: TeamOptionsService) -> None:
    names = _names(service, S)
    service.move_option(S, _id(service, S, names[-1]), 0)
    assert _names(service, S) == [names[-1], *names[:-1]]
    service.move_option(S, _id(service, S, names[-1]), 99)  # clamped to the end
    assert _names(service, S) == names
    assert [o.position for o in service.list_options(S)] == list(range(len(names)))
    with pytest.raises(TeamOptionError, match="no longer exists"):
        service.move_option(S, 10_000, 0)


def test_required_flags_round_trip(service: TeamOptionsService) -> None:
    assert not service.is_required(D) and not service.is_required(S)
    service.set_required(D, True)
    assert service.is_required(D) and not service.is_required(S)
    service.set_required(S, True)
    service.set_required(D, False)
    assert not service.is_required(D) and service.is_required(S)


@pytest.mark.parametrize(
    "field_type", [t for t in CustomFieldType if t is not CustomFieldType.CHOICE]
)
def test_add_each_plain_field_type(
    service: TeamOptionsService, field_type: CustomFieldType
) -> None:
    field = service.add_field(f"My {field_type.value}", field_type, required=True)
    assert field.field_type is field_type and field.required and field.choices == ()
    assert service.list_fields() == [field]


def test_choice_fields_need_two_distinct_choices(service: TeamOptionsService) -> None:
    with pytest.raises(TeamOptionError, match="at least two different choices"):
        service.add_field("Budget", CustomFieldType.CHOICE, choices=["Yes", " ", ""])
    with pytest.raises(TeamOptionError, match='"yes" is listed twice'):
        service.add_field("Budget", CustomFieldType.CHOICE, choices=["Yes", "yes"])
    with pytest.raises(TeamOptionError, match="Only choice fields"):
        service.add_field("Notes", CustomFieldType.TEXT, choices=["a", "b"])
    field = service.add_field("Budget", CustomFieldType.CHOICE, choices=[" Yes", "", "No "])
    assert field.choices == ("Yes", "No")
    updated = service.update_field(field.id, choices=["Yes", "No", "Maybe"], required=True)
    assert updated.choices == ("Yes", "No", "Maybe") and updated.required
    with pytest.raises(TeamOptionError, match="at least two"):
        service.update_field(field.id, choices=["Yes"])


def test_field_names_and_type_are_checked(service: TeamOptionsService) -> None:
    budget = service.add_field("Budget", CustomFieldType.NUMBER)
    service.add_field("Next step", CustomFieldType.TEXT)
    with pytest.raises(TeamOptionError, match='already a field named "Budget"'):
        service.add_field("budget", CustomFieldType.TEXT)
    with pytest.raises(TeamOptionError, match="type can't change"):
        service.update_field(budget.id, field_type=CustomFieldType.TEXT)
    with pytest.raises(TeamOptionError, match="Only choice fields"):
        service.update_field(budget.id, choices=["a", "b"])
    renamed = service.update_field(budget.id, name="Budget (USD)")
    assert (renamed.id, renamed.uuid, renamed.field_type) == (
        budget.id,
        budget.uuid,
        CustomFieldType.NUMBER,
    )


def test_fields_move_and_archive(service: TeamOptionsService) -> None:
    first = service.add_field("First", CustomFieldType.TEXT)
    second = service.add_field("Second", CustomFieldType.DATE)
    service.move_field(second.id, 0)
    assert [f.name for f in service.list_fields()] == ["Second", "First"]
    service.set_field_archived(first.id, True)
    assert [f.name for f in service.list_fields(include_archived=False)] == ["Second"]
    assert [f.archived for f in service.list_fields()] == [False, True]
    # An archived name is free again, and then the old one can't come back beside it.
    service.add_field("first", CustomFieldType.CHECKBOX)
    with pytest.raises(TeamOptionError, match="another field has that name"):
        service.set_field_archived(first.id, False)
