"""The outbox is filled by the ORM session events (and the bulk import's helper) in the
change's own transaction, one row per record; records serialise to the server's schemas."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import delete, insert, select, update

from dialer_app.db.models import Cadence, CadenceMembership, Call, Person, PhoneKind, PhoneNumber
from dialer_app.db.outbox import SUPPRESS
from dialer_app.server import schemas
from dialer_app.sync.serialise import read_records
from tests.sync.conftest import Client
from tests.sync.helpers import add_person, log_call, outbox


def _clear(client: Client) -> None:
    with client.database.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM outbox")


def test_a_new_database_queues_its_shipped_team_lists(make_client: Callable[[str], Client]) -> None:
    kinds = {kind for kind, _uuid, _op in outbox(make_client("a").database)}
    assert {"disposition", "sentiment"} <= kinds


def test_orm_writes_queue_one_row_per_record_with_the_latest_operation(
    make_client: Callable[[str], Client],
) -> None:
    client = make_client("a")
    _clear(client)
    uuid = add_person(client.database, "Ada", "Lovelace")
    assert outbox(client.database) == [("person", uuid, "upsert")]
    for title in ("CTO", "CEO"):
        with client.database.sessions.begin() as session:
            person = session.scalars(select(Person).where(Person.uuid == uuid)).one()
            person.title = title
    assert outbox(client.database) == [("person", uuid, "upsert")]
    with client.database.sessions.begin() as session:  # a number is part of its person
        person = session.scalars(select(Person).where(Person.uuid == uuid)).one()
        person.phone_numbers.append(
            PhoneNumber(kind=PhoneKind.OFFICE, e164="+14045550000", digits="14045550000")
        )
    assert outbox(client.database) == [("person", uuid, "upsert")]
    with client.database.sessions.begin() as session:
        session.delete(session.scalars(select(Person).where(Person.uuid == uuid)).one())
    assert outbox(client.database) == [("person", uuid, "delete")]


def test_a_rolled_back_change_leaves_no_outbox_row(make_client: Callable[[str], Client]) -> None:
    client = make_client("a")
    _clear(client)
    with client.database.sessions() as session:
        session.add(Person(first_name="Gone"))
        session.flush()
        session.rollback()
    assert outbox(client.database) == []


def test_the_syncs_own_writes_queue_nothing(make_client: Callable[[str], Client]) -> None:
    client = make_client("a")
    _clear(client)
    with client.database.sessions.begin() as session:
        session.info[SUPPRESS] = True
        session.add(Person(first_name="From the server"))
    assert outbox(client.database) == []


def test_bulk_orm_statements_queue_inserts_and_refuse_what_would_bypass_the_outbox(
    make_client: Callable[[str], Client],
) -> None:
    client = make_client("a")
    person = add_person(client.database, "Ada", "Lovelace")
    other = add_person(client.database, "Grace", "Hopper")
    _clear(client)
    with client.database.sessions.begin() as session:  # queues the rows the WHERE matches
        session.execute(update(Person).where(Person.uuid == person).values(title="Countess"))
    assert outbox(client.database) == [("person", person, "upsert")]
    with client.database.sessions.begin() as session:
        session.execute(delete(Person).where(Person.uuid == other))
    assert outbox(client.database)[-1] == ("person", other, "delete")
    with (
        client.database.sessions.begin() as session,
        pytest.raises(RuntimeError, match="bypass the sync outbox"),
    ):
        session.execute(insert(Call), [{"number_e164": "+14045551234", "line_name": "x"}])
    membership = "0190aaaa-0000-7000-8000-000000000001"
    with client.database.sessions.begin() as session:
        cadence = Cadence(name="Outbound")
        session.add(cadence)
        session.flush()
        person_id = session.scalars(select(Person.id).where(Person.uuid == person)).one()
        row = {"uuid": membership, "cadence_id": cadence.id, "person_id": person_id}
        session.execute(insert(CadenceMembership), [{**row, "added_on": date(2026, 3, 2)}])
    assert ("cadence_membership", membership, "upsert") in outbox(client.database)


def test_the_people_import_queues_people_and_accounts(
    make_client: Callable[[str], Client],
) -> None:
    from dialer_app.db.people_import import import_table
    from dialer_app.domain.csv_import import guess_mapping, read_csv

    client = make_client("a")
    _clear(client)
    table = read_csv(b"First name,Last name,Phone,Company\nAda,Lovelace,+14045551234,Acme\n")
    import_table(client.database.sessions, table, guess_mapping(table.headers), "US")
    kinds = sorted(kind for kind, _uuid, _op in outbox(client.database))
    assert kinds == ["account", "person"]


def test_records_serialise_to_the_server_schemas(make_client: Callable[[str], Client]) -> None:
    client = make_client("a")
    person = add_person(client.database, "Ada", "Lovelace")
    call = log_call(client.database, person)
    models = {
        "person": schemas.Person,
        "call": schemas.Call,
        "disposition": schemas.Disposition,
        "sentiment": schemas.Sentiment,
        "team_setting": schemas.TeamSetting,
    }
    by_type: dict[str, list[str]] = {}
    for kind, uuid, _op in outbox(client.database):
        by_type.setdefault(kind, []).append(uuid)
    with client.database.engine.connect() as connection:
        for kind, uuids in by_type.items():
            records = read_records(connection, kind, uuids)
            assert len(records) == len(uuids), kind
            for record in records.values():
                models[kind].model_validate(record)
        [serialised] = read_records(connection, "call", [call]).values()
    assert serialised["person_uuid"] == person
    assert serialised["disposition_uuid"] is not None
    assert serialised["started_at"] == "2026-03-02T09:00:00.000000Z"
