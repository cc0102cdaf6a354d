"""Write the demo team into the database. Idempotent: stable UUIDs, get-or-create."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer_app.db.models import (
    Account,
    Cadence,
    CadenceMembership,
    CadenceStep,
    Person,
    PhoneKind,
    PhoneNumber,
    StepType,
)
from dialer_app.db.team_defaults import ensure_team_defaults
from dialer_app.demo import data
from dialer_app.domain.phone import digits_only, parse_number

_NAMESPACE = uuid.UUID("6b7f3a3e-1c55-4d0e-9a57-6f4d2a9c0d11")


def _demo_uuid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def is_seeded(session: Session) -> bool:
    first = data.PEOPLE[0]
    return (
        session.scalar(select(Person.id).where(Person.uuid == _demo_uuid("person", first.email)))
        is not None
    )


def ensure_demo_templates(session: Session) -> int:
    """A demo seeded before email templates existed gets them: only demo steps (by UUID)
    whose subject and body are both still empty, so a rep's own template is never
    overwritten. Returns how many steps were filled."""
    filled = 0
    for name, steps in data.CADENCES.items():
        for demo in steps:
            if not (demo.email_subject or demo.email_body):
                continue
            step = session.scalars(
                select(CadenceStep).where(CadenceStep.uuid == _demo_uuid("step", name, demo.name))
            ).first()
            if step is None or step.email_subject or step.email_body:
                continue
            step.email_subject, step.email_body = demo.email_subject, demo.email_body
            filled += 1
    return filled


def seed_demo(session: Session, today: date | None = None) -> bool:
    """Add the demo team if it is missing; returns True when anything was written."""
    added_defaults = ensure_team_defaults(session)
    if is_seeded(session):
        return added_defaults + ensure_demo_templates(session) > 0
    today = today or date.today()
    accounts = {
        name: Account(uuid=_demo_uuid("account", name), name=name, domain=domain)
        for name, domain in data.ACCOUNTS.items()
    }
    session.add_all(accounts.values())
    cadences: dict[str, tuple[Cadence, CadenceStep]] = {}
    for name, steps in data.CADENCES.items():
        cadence = Cadence(uuid=_demo_uuid("cadence", name), name=name)
        positions: dict[int, int] = {}
        for step in steps:
            position = positions.get(step.day, 0)
            positions[step.day] = position + 1
            cadence.steps.append(
                CadenceStep(
                    uuid=_demo_uuid("step", name, step.name),
                    step_type=StepType(step.step_type),
                    day=step.day,
                    position=position,
                    name=step.name,
                    instructions=step.instructions,
                    email_subject=step.email_subject,
                    email_body=step.email_body,
                )
            )
        session.add(cadence)
        cadences[name] = (cadence, cadence.steps[0])
    for index, demo in enumerate(data.PEOPLE):
        person = Person(
            uuid=_demo_uuid("person", demo.email),
            first_name=demo.first,
            last_name=demo.last,
            title=demo.title,
            email=demo.email,
            account=accounts[demo.account],
            city=demo.city,
            country=demo.country,
        )
        for position, phone in enumerate(demo.phones):
            parsed = parse_number(phone.number, demo.country)
            person.phone_numbers.append(
                PhoneNumber(
                    uuid=_demo_uuid("phone", demo.email, phone.number),
                    kind=PhoneKind(phone.kind),
                    e164=parsed.e164,
                    extension=phone.extension,
                    original=phone.number,
                    digits=digits_only(parsed.e164),
                    position=position,
                )
            )
        session.add(person)
        for cadence_name in demo.cadences:
            cadence, first_step = cadences[cadence_name]
            session.add(
                CadenceMembership(
                    uuid=_demo_uuid("membership", cadence_name, demo.email),
                    cadence=cadence,
                    person=person,
                    current_step=first_step,
                    added_on=today - timedelta(days=index % 3),
                )
            )
    return True
