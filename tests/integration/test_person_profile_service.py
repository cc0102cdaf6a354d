"""The person profile service on the real demo database (Alembic schema, FTS triggers)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import func, select

from dialer_app.app import AppContext
from dialer_app.db.models import Account, CadenceMembership, MembershipState, Person, PhoneNumber
from dialer_app.domain.person_profile import Field, PhoneDraft
from dialer_app.services.person_profile import (
    PersonProfileService,
    ProfileCadence,
    ProfileNumber,
)


@pytest.fixture
def service(context: AppContext) -> PersonProfileService:
    return PersonProfileService(context.database.sessions)


def _id(context: AppContext, first: str) -> int:
    with context.database.sessions() as session:
        return session.scalars(select(Person.id).where(Person.first_name == first)).one()


def _stamps(context: AppContext, person_id: int) -> list[datetime]:
    """updated_at of the person and of each of their numbers."""
    with context.database.sessions() as session:
        person = session.get(Person, person_id)
        assert person is not None
        return [person.updated_at, *(n.updated_at for n in person.phone_numbers)]


def test_load_has_every_field_numbers_in_order_and_the_cadences(
    context: AppContext, service: PersonProfileService
) -> None:
    profile = service.load(_id(context, "Ava"))
    assert (profile.full_name, profile.title, profile.account, profile.email) == (
        "Ava Thompson",
        "VP Sales",
        "Acme Logistics",
        "ava.thompson@acme-logistics.example",
    )
    assert (profile.city, profile.country, profile.time_zone) == ("Atlanta", "US", "")
    assert not profile.do_not_contact
    assert [replace(n, id=0) for n in profile.numbers] == [
        ProfileNumber(0, "office", "+14045550100", "204", "(404) 555-0100", 0),
        ProfileNumber(0, "mobile", "+14045550101", None, "+1 404 555 0101", 1),
    ]
    assert [replace(c, membership_id=0) for c in profile.cadences] == [
        ProfileCadence(0, "Intro Cadence", "active", "Intro Call", 1, "phone")
    ]
    assert profile.custom_fields == ()

    emma = service.load(_id(context, "Emma"))
    assert [(c.cadence, c.step_name) for c in emma.cadences] == [
        ("Event Follow-up", "Thanks for Stopping By"),
        ("Intro Cadence", "Intro Call"),
    ]


def test_cadence_state_custom_fields_and_removed_memberships(
    context: AppContext, service: PersonProfileService
) -> None:
    emma = _id(context, "Emma")
    with context.database.sessions.begin() as session:
        person = session.get(Person, emma)
        assert person is not None
        person.custom_fields = '{"Lead source": "Webinar", "Score": 7}'
        for membership in session.scalars(
            select(CadenceMembership).where(CadenceMembership.person_id == emma)
        ):
            if membership.cadence.name == "Intro Cadence":
                membership.state = MembershipState.REMOVED
            else:
                membership.state = MembershipState.FINISHED
                membership.current_step = None
    profile = service.load(emma)
    assert profile.custom_fields == (("Lead source", "Webinar"), ("Score", "7"))
    assert [replace(c, membership_id=0) for c in profile.cadences] == [
        ProfileCadence(0, "Event Follow-up", "finished", None, None, None)
    ]


def test_save_round_trip(context: AppContext, service: PersonProfileService) -> None:
    ava = _id(context, "Ava")
    draft = replace(
        service.load(ava).draft(),
        first_name=" Ava ",
        last_name="Thompson-Reyes",
        title="SVP Sales",
        email="ava.reyes@acme-logistics.example",
        time_zone="America/Chicago",
        state="GA",
        do_not_contact=True,
        phones=(
            PhoneDraft("mobile", "+1 404 555 0101"),  # moved up, unchanged otherwise
            # same number retyped in US national format: read in its own country, same row
            PhoneDraft("office", "404.555.0100", "205", known_e164="+14045550100"),
            PhoneDraft("home", "020 7946 0002"),  # new, read in the rep's region (GB)
        ),
    )
    result = service.save(ava, draft, "GB")
    assert result.errors == () and result.changed
    assert result.profile == service.load(ava)
    saved = service.load(ava)
    assert (saved.first_name, saved.last_name, saved.title, saved.email) == (
        "Ava",
        "Thompson-Reyes",
        "SVP Sales",
        "ava.reyes@acme-logistics.example",
    )
    assert (saved.time_zone, saved.state, saved.city, saved.do_not_contact) == (
        "America/Chicago",
        "GA",
        "Atlanta",
        True,
    )
    assert [(n.kind, n.e164, n.extension, n.original) for n in saved.numbers] == [
        ("mobile", "+14045550101", None, "+1 404 555 0101"),
        ("office", "+14045550100", "205", "404.555.0100"),
        ("home", "+442079460002", None, "020 7946 0002"),
    ]
    with context.database.sessions() as session:
        digits = session.scalars(
            select(PhoneNumber.digits).where(PhoneNumber.person_id == ava)
        ).all()
    assert sorted(digits) == ["14045550100", "14045550101", "442079460002"]
    # the FTS index followed by its triggers: the new number and name are searchable
    reader = context.database.people_reader()
    assert [p.name for p in reader.search("7946 0002")] == ["Ava Thompson-Reyes"]

    # removing a number deletes its row; the rest keep their ids
    before = {n.e164: n.id for n in saved.numbers}
    fewer = replace(draft, phones=draft.phones[1:])
    after = service.save(ava, fewer, "GB").profile
    assert after is not None
    assert {n.e164: n.id for n in after.numbers} == {
        e164: before[e164] for e164 in ("+14045550100", "+442079460002")
    }


def test_accounts_are_reused_by_case_insensitive_name_or_created(
    context: AppContext, service: PersonProfileService
) -> None:
    ava, frank = _id(context, "Ava"), _id(context, "Frank")

    def accounts() -> int:
        with context.database.sessions() as session:
            return session.scalar(select(func.count()).select_from(Account)) or 0

    count = accounts()
    moved = service.save(ava, replace(service.load(ava).draft(), account="GLOBEX retail"), "US")
    assert moved.profile is not None and moved.profile.account == "Globex Retail"
    assert accounts() == count
    kept = service.save(frank, replace(service.load(frank).draft(), account="globex RETAIL"), "US")
    assert not kept.changed  # same account in other letters: the shared name is not renamed
    assert service.load(frank).account == "Globex Retail"

    new = service.save(ava, replace(service.load(ava).draft(), account="Maison Lumière 2"), "US")
    assert new.profile is not None and new.profile.account == "Maison Lumière 2"
    assert accounts() == count + 1
    again = service.save(
        frank, replace(service.load(frank).draft(), account="MAISON LUMIÈRE 2"), "US"
    )
    assert again.profile is not None and again.profile.account == "Maison Lumière 2"
    assert accounts() == count + 1

    none = service.save(frank, replace(service.load(frank).draft(), account=" "), "US")
    assert none.profile is not None and none.profile.account == ""


def test_a_no_op_save_leaves_updated_at_alone(
    context: AppContext, service: PersonProfileService
) -> None:
    ava = _id(context, "Ava")
    before = _stamps(context, ava)
    for region in ("US", "GB"):  # Ava's numbers are US national text: fine for a UK rep too
        result = service.save(ava, service.load(ava).draft(), region)
        assert result.errors == () and not result.changed
    assert _stamps(context, ava) == before

    # one edited field moves the person's stamp only, not the numbers'
    edited = service.save(ava, replace(service.load(ava).draft(), title="VP of Sales"), "US")
    assert edited.changed
    stamps = _stamps(context, ava)
    assert stamps[0] > before[0]
    assert stamps[1:] == before[1:]


def test_an_invalid_draft_writes_nothing(
    context: AppContext, service: PersonProfileService
) -> None:
    ava = _id(context, "Ava")
    before = _stamps(context, ava)
    bad = replace(
        service.load(ava).draft(),
        title="Changed",
        email="not-an-email",
        phones=(PhoneDraft("office", "12"),),
    )
    result = service.save(ava, bad, "US")
    assert [e.field for e in result.errors] == [Field.EMAIL, Field.NUMBER]
    assert result.profile is None
    assert service.load(ava).title == "VP Sales"
    assert _stamps(context, ava) == before


def test_a_missing_person_is_a_lookup_error(service: PersonProfileService) -> None:
    with pytest.raises(LookupError):
        service.load(999_999)
