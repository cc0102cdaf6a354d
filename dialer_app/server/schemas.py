"""The API's records (Pydantic): the contract the client sync is written against.

Each synced record is flat: the client's ``uuid``, its ``updated_at`` (last writer wins by it)
and the client's fields, with references to other records by their uuid (``account_uuid``,
``disposition_uuid``, ...), never by a local integer id. Unknown fields are refused (422), so a
typo in a client shows up at once instead of being dropped silently.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    model_validator,
)

from dialer_app.db.models import MembershipState, PhoneKind, StepType
from dialer_app.domain.recording_rules import (
    GovernanceError,
    RecordingMode,
    RecordingRule,
    validate_rules,
)


def _to_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:  # 9999-12-31T23:59-05:00 is past the last UTC datetime
        raise ValueError("the time is out of range") from exc


UtcTime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A time with its UTC offset (required: a naive time would be guessed), kept in UTC."""

Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
Name = Annotated[str, Field(max_length=200)]
ShortText = Annotated[str, Field(max_length=100)]
LongText = Annotated[str, Field(max_length=100_000)]
E164 = Annotated[str, Field(pattern=r"^\+[1-9][0-9]{1,14}$")]
Extension = Annotated[str, Field(max_length=16)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Seconds = Annotated[float, Field(ge=0, le=10**7)]

SETTING_KEY_PATTERN = r"^[a-z][a-z0-9_.-]{0,63}$"
GOVERNANCE_KEY = "recording_governance"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class SyncedRecord(Strict):
    """What every synced record carries."""

    uuid: UUID = Field(description="Made by the client (UUIDv7); the record's identity.")
    updated_at: UtcTime = Field(description="When the client last changed it; newer wins.")


# ---------------------------------------------------------------- people and accounts


class Account(SyncedRecord):
    name: Name
    domain: Name | None = None


class PhoneNumber(Strict):
    """One of a person's numbers; part of the person (they change together)."""

    uuid: UUID
    kind: PhoneKind
    e164: E164
    extension: Extension | None = None
    original: Annotated[str, Field(max_length=64)] = ""
    position: Int32 = 0


class Person(SyncedRecord):
    first_name: ShortText = ""
    last_name: ShortText = ""
    title: Name | None = None
    email: Annotated[str, Field(max_length=320)] | None = None
    account_uuid: UUID | None = None
    time_zone: Annotated[str, Field(max_length=64)] | None = None
    city: ShortText | None = None
    state: ShortText | None = None
    country: ShortText | None = None
    crm_id: ShortText | None = None
    do_not_contact: bool = False
    custom_fields: Annotated[dict[str, LongText], Field(max_length=200)] = Field(
        default_factory=dict
    )
    phone_numbers: Annotated[list[PhoneNumber], Field(max_length=50)] = Field(default_factory=list)


# ---------------------------------------------------------------- cadences


class Cadence(SyncedRecord):
    name: Name
    archived: bool = False


class CadenceStep(SyncedRecord):
    cadence_uuid: UUID
    step_type: StepType
    day: Count
    position: Int32 = 0
    name: Name
    instructions: LongText = ""
    enabled: bool = True


class CadenceMembership(SyncedRecord):
    cadence_uuid: UUID
    person_uuid: UUID
    current_step_uuid: UUID | None = None
    state: MembershipState = MembershipState.ACTIVE
    added_on: date


# ---------------------------------------------------------------- team lists (admin)


class TeamOption(SyncedRecord):
    """A disposition or a sentiment: a team-defined dropdown option."""

    name: ShortText
    default_key: Annotated[str, Field(max_length=50)] | None = None
    position: Int32 = 0
    archived: bool = False


class Disposition(TeamOption):
    pass


class Sentiment(TeamOption):
    pass


class CustomFieldType(enum.StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    CHECKBOX = "checkbox"


class CustomCallField(SyncedRecord):
    name: ShortText
    field_type: CustomFieldType
    required: bool = False
    choices: Annotated[list[Name], Field(max_length=200)] = Field(default_factory=list)
    position: Int32 = 0
    archived: bool = False


# ---------------------------------------------------------------- calls and what hangs off them


class LogState(enum.StrEnum):
    OPEN = "open"
    LOGGED = "logged"
    DISCARDED = "discarded"


class Call(SyncedRecord):
    """A call a rep placed, with its outcome, quality figures and log; the rep's alone."""

    person_uuid: UUID | None = None
    number_e164: E164
    extension: Extension | None = None
    direction: Literal["outbound", "inbound"] = "outbound"
    line_name: Name = ""
    started_at: UtcTime
    answered_at: UtcTime | None = None
    ended_at: UtcTime | None = None
    duration_s: Seconds | None = None
    sip_status: Annotated[int, Field(ge=0, le=999)] | None = None
    sip_reason: Name | None = None
    outcome: Annotated[str, Field(max_length=32)] | None = None
    outcome_message: LongText | None = None
    suggested_disposition: ShortText | None = None
    voicemail_dropped: bool = False
    codec: Annotated[str, Field(max_length=32)] | None = None
    srtp: bool | None = None
    jitter_ms: Annotated[float, Field(ge=0)] | None = None
    loss_pct: Annotated[float, Field(ge=0, le=100)] | None = None
    rtt_ms: Annotated[float, Field(ge=0)] | None = None
    mos: Annotated[float, Field(ge=0, le=5)] | None = None
    log_state: LogState = LogState.OPEN
    notes: LongText = ""
    disposition_uuid: UUID | None = None
    sentiment_uuid: UUID | None = None
    custom_values: Annotated[dict[str, JsonValue], Field(max_length=200)] = Field(
        default_factory=dict, description="Custom call field uuid -> value."
    )
    success: bool = False
    logged_at: UtcTime | None = None
    membership_uuid: UUID | None = None
    step_uuid: UUID | None = None


class StepCompletion(SyncedRecord):
    membership_uuid: UUID
    step_uuid: UUID
    call_uuid: UUID | None = None
    completed_at: UtcTime
    success: bool = False
    outcome: Annotated[str, Field(max_length=32)] = ""
    notes: LongText = ""


class Email(SyncedRecord):
    """A cadence email a rep wrote (issue 9): its text, where it went and how sending went;
    the rep's alone, like calls."""

    person_uuid: UUID | None = None
    membership_uuid: UUID | None = None
    step_uuid: UUID | None = None
    state: Literal["draft", "scheduled", "sending", "sent", "failed", "unknown"] = "draft"
    to_address: Annotated[str, Field(max_length=320)] = ""
    to_name: Name = ""
    subject: LongText = ""
    body: LongText = ""
    scheduled_for: UtcTime | None = None
    schedule_zone: Annotated[str, Field(max_length=64)] = ""
    attempts: Annotated[int, Field(ge=0, le=10_000)] = 0
    message_id: Annotated[str, Field(max_length=250)] = ""
    sent_at: UtcTime | None = None
    late: bool = False
    error: LongText = ""


class Recording(SyncedRecord):
    """A call recording's metadata; the WAV itself goes to ``/recordings/{uuid}/content``."""

    call_uuid: UUID
    state: Annotated[str, Field(max_length=16)] = "recording"
    one_sided: bool = False
    file_name: Annotated[str, Field(max_length=255)] = Field(
        "", description="The client's file name, for its own reference; the server never uses it."
    )
    started_at: UtcTime
    call_offset_s: Seconds | None = None
    duration_s: Seconds | None = None
    size_bytes: Annotated[int, Field(ge=0, le=2**40)] | None = None
    sha256: Sha256 | None = None
    segments: Annotated[list[dict[str, JsonValue]], Field(max_length=10_000)] = Field(
        default_factory=list, description="Started/paused/resumed offsets, as the client keeps."
    )
    problem: LongText | None = None
    deleted_at: UtcTime | None = None
    deleted_reason: Name | None = None


# ---------------------------------------------------------------- team settings (admin)


class GovernanceRule(Strict):
    scope: Annotated[str, Field(min_length=1, max_length=16)]
    mode: RecordingMode
    note: str = ""


class Governance(Strict):
    """The team's recording governance (team setting ``recording_governance``)."""

    version: Literal[1] = 1
    record_by_default: bool
    rules: Annotated[list[GovernanceRule], Field(max_length=1000)] = Field(default_factory=list)
    recording_allowed: bool = True
    retention_days: Annotated[int, Field(ge=1, le=36_500)] | None = None

    @model_validator(mode="after")
    def _valid_rules(self) -> Governance:
        try:
            cleaned = validate_rules(RecordingRule(r.scope, r.mode, r.note) for r in self.rules)
        except GovernanceError as exc:
            raise ValueError(str(exc)) from exc
        self.rules = [GovernanceRule(scope=r.scope, mode=r.mode, note=r.note) for r in cleaned]
        return self


class TeamSetting(Strict):
    """One team-wide setting; ``recording_governance`` must be a valid :class:`Governance`."""

    key: Annotated[str, Field(pattern=SETTING_KEY_PATTERN)]
    updated_at: UtcTime
    value: JsonValue

    @model_validator(mode="after")
    def _valid_governance(self) -> TeamSetting:
        if self.key == GOVERNANCE_KEY:
            self.value = Governance.model_validate(self.value).model_dump(mode="json")
        return self


# ---------------------------------------------------------------- pushes and the feed


class WriteStatus(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    UNCHANGED = "unchanged"
    """The same version was already stored (a retry)."""
    STALE = "stale"
    """The server holds a version at least as new; it was kept."""
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"


class WriteResult(BaseModel):
    type: str
    uuid: str = Field(description="The record's uuid (a team setting's key).")
    status: WriteStatus
    updated_at: datetime | None = Field(
        None, description="The stored version's updated_at after this write."
    )
    error: str | None = None


class PushResponse(BaseModel):
    results: list[WriteResult]


class Change(BaseModel):
    """One entry of the changes feed: a record's current version or its tombstone."""

    cursor: int
    type: str
    uuid: str
    deleted: bool
    updated_at: datetime
    owner: str | None = Field(None, description="The rep's email for calls and their records.")
    record: dict[str, Any] | None = Field(None, description="The record, shaped by its type.")


class ChangesPage(BaseModel):
    changes: list[Change]
    next_cursor: int = Field(description="Pass as ?since= for the next page.")
    has_more: bool
