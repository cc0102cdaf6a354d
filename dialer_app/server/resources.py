"""The synced record types: their API path, schema and who may write them.

One table drives the per-type routes, the batch push and the changes feed, so a new type is
one line here plus its schema.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field, model_validator

from dialer_app.server import schemas


class Access(enum.Enum):
    SHARED = "shared"
    """The team's data: every member reads and writes it (people, accounts, memberships)."""
    ADMIN = "admin"
    """Team settings: everyone reads, only admins write (the server wins over a rep's copy)."""
    OWNED = "owned"
    """A rep's own: calls and the records of their calls; reps see only theirs."""


@dataclass(frozen=True)
class RecordType:
    name: str
    """The ``type`` in pushes and the feed."""
    path: str
    """The collection's URL segment."""
    schema: type[schemas.SyncedRecord] | type[schemas.TeamSetting]
    access: Access
    label: str
    """Plural words for messages ("dispositions")."""
    call_field: str | None = None
    """The field naming the call this record belongs to (ownership follows the call)."""

    @property
    def keyed(self) -> bool:
        """True for team settings, identified by ``key`` instead of a uuid."""
        return self.schema is schemas.TeamSetting


RECORD_TYPES: tuple[RecordType, ...] = (
    RecordType("account", "accounts", schemas.Account, Access.SHARED, "accounts"),
    RecordType("person", "people", schemas.Person, Access.SHARED, "people"),
    RecordType("cadence", "cadences", schemas.Cadence, Access.ADMIN, "shared cadences"),
    RecordType("cadence_step", "cadence-steps", schemas.CadenceStep, Access.ADMIN, "cadence steps"),
    RecordType(
        "cadence_membership",
        "cadence-memberships",
        schemas.CadenceMembership,
        Access.SHARED,
        "cadence memberships",
    ),
    RecordType("disposition", "dispositions", schemas.Disposition, Access.ADMIN, "dispositions"),
    RecordType("sentiment", "sentiments", schemas.Sentiment, Access.ADMIN, "sentiments"),
    RecordType(
        "custom_call_field",
        "custom-call-fields",
        schemas.CustomCallField,
        Access.ADMIN,
        "custom call fields",
    ),
    RecordType("team_setting", "team-settings", schemas.TeamSetting, Access.ADMIN, "team settings"),
    RecordType("call", "calls", schemas.Call, Access.OWNED, "calls"),
    RecordType(
        "step_completion",
        "step-completions",
        schemas.StepCompletion,
        Access.OWNED,
        "step completions",
        call_field="call_uuid",
    ),
    RecordType("email", "emails", schemas.Email, Access.OWNED, "emails"),
    RecordType(
        "recording",
        "recordings",
        schemas.Recording,
        Access.OWNED,
        "recordings",
        call_field="call_uuid",
    ),
)
BY_NAME = {record_type.name: record_type for record_type in RECORD_TYPES}

TypeName = Literal[
    "account",
    "person",
    "cadence",
    "cadence_step",
    "cadence_membership",
    "disposition",
    "sentiment",
    "custom_call_field",
    "team_setting",
    "call",
    "step_completion",
    "email",
    "recording",
]


# ---------------------------------------------------------------- the batch push body
# One small class per type makes ``type`` a discriminator, so OpenAPI names each shape.


class AccountUpsert(BaseModel):
    type: Literal["account"]
    record: schemas.Account


class PersonUpsert(BaseModel):
    type: Literal["person"]
    record: schemas.Person


class CadenceUpsert(BaseModel):
    type: Literal["cadence"]
    record: schemas.Cadence


class CadenceStepUpsert(BaseModel):
    type: Literal["cadence_step"]
    record: schemas.CadenceStep


class CadenceMembershipUpsert(BaseModel):
    type: Literal["cadence_membership"]
    record: schemas.CadenceMembership


class DispositionUpsert(BaseModel):
    type: Literal["disposition"]
    record: schemas.Disposition


class SentimentUpsert(BaseModel):
    type: Literal["sentiment"]
    record: schemas.Sentiment


class CustomCallFieldUpsert(BaseModel):
    type: Literal["custom_call_field"]
    record: schemas.CustomCallField


class TeamSettingUpsert(BaseModel):
    type: Literal["team_setting"]
    record: schemas.TeamSetting


class CallUpsert(BaseModel):
    type: Literal["call"]
    record: schemas.Call


class StepCompletionUpsert(BaseModel):
    type: Literal["step_completion"]
    record: schemas.StepCompletion


class EmailUpsert(BaseModel):
    type: Literal["email"]
    record: schemas.Email


class RecordingUpsert(BaseModel):
    type: Literal["recording"]
    record: schemas.Recording


Upsert = Annotated[
    AccountUpsert
    | PersonUpsert
    | CadenceUpsert
    | CadenceStepUpsert
    | CadenceMembershipUpsert
    | DispositionUpsert
    | SentimentUpsert
    | CustomCallFieldUpsert
    | TeamSettingUpsert
    | CallUpsert
    | StepCompletionUpsert
    | EmailUpsert
    | RecordingUpsert,
    Field(discriminator="type"),
]

MAX_BATCH = 5000


class Delete(schemas.Strict):
    """A tombstone: like any write it must be newer than the stored version, or it loses."""

    type: TypeName
    uuid: Annotated[str, Field(min_length=1, max_length=64)] = Field(
        description="The record's uuid (a team setting's key)."
    )
    updated_at: schemas.UtcTime

    @model_validator(mode="after")
    def _valid_id(self) -> Delete:
        """A uuid in its canonical lower-case form; a key in the settings' key syntax."""
        if BY_NAME[self.type].keyed:
            if not re.fullmatch(schemas.SETTING_KEY_PATTERN, self.uuid):
                raise ValueError("not a team setting key")
        else:
            self.uuid = str(UUID(self.uuid))
        return self


class PushRequest(BaseModel):
    """Many writes in one transaction: how the client reaches thousands of calls a second.

    Upserts are applied in order, then deletes; each gets its own result, so one refused
    record (a rep's disposition) does not hold back the rest of the outbox."""

    upserts: Annotated[list[Upsert], Field(max_length=MAX_BATCH)] = Field(default_factory=list)
    deletes: Annotated[list[Delete], Field(max_length=MAX_BATCH)] = Field(default_factory=list)
