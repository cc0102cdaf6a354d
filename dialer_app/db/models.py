"""The local database schema (SQLAlchemy 2 typed ORM). Alembic migrations mirror it.

Every row that syncs to the team server has a client-made ``uuid`` and ``updated_at``,
so pushes are idempotent (DESIGN.md section 4). Integer ``id`` keys keep joins and
full-text search cheap locally.
"""

from __future__ import annotations

import enum
import os
import time
from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_uuid() -> str:
    """A version 7 UUID (RFC 9562): the creation time in milliseconds, then 74 random bits.

    Unique across devices like a v4 (what sync needs), but in creation order, so the
    ``uuid`` indexes grow at their end instead of at random pages (bulk imports).
    """
    return new_uuids(1)[0]


def new_uuids(count: int) -> list[str]:
    """``count`` version 7 UUIDs at once (bulk imports: one clock read, one urandom call).

    Built as text from the random bytes' hex (three times faster than an int per UUID):
    each takes 20 hex digits, 74 bits of them (the variant digit keeps two of its four).
    """
    millis = f"{time.time_ns() // 1_000_000 & 0xFFFF_FFFF_FFFF:012x}"
    head = f"{millis[:8]}-{millis[8:]}-7"  # time, version
    randoms = os.urandom(10 * count).hex()
    variant = _VARIANT_DIGIT
    return [
        f"{head}{randoms[i : i + 3]}-{variant[randoms[i + 3]]}{randoms[i + 4 : i + 7]}"
        f"-{randoms[i + 7 : i + 19]}"
        for i in range(0, 20 * count, 20)
    ]


_VARIANT_DIGIT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}
"""A random hex digit -> the RFC 9562 variant digit (binary 10xx) with its two low bits."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SyncedMixin:
    """Columns every synced record carries."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utc_now, onupdate=utc_now
    )


class PhoneKind(enum.StrEnum):
    OFFICE = "office"
    MOBILE = "mobile"
    HOME = "home"
    OTHER = "other"


class StepType(enum.StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    OTHER = "other"
    INTEGRATION = "integration"


class MembershipState(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    FINISHED = "finished"
    REMOVED = "removed"


def _enum(kind: type[enum.StrEnum], name: str) -> Enum:
    # Store the values ("office"), not the member names, and keep SQLite free of CHECKs
    # that a future value would break.
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=False,
        length=16,
        values_callable=lambda members: [m.value for m in members],
    )


class Account(SyncedMixin, Base):
    """A company the team sells to."""

    __tablename__ = "accounts"

    name: Mapped[str] = mapped_column(String(200), index=True)
    domain: Mapped[str | None] = mapped_column(String(200))

    people: Mapped[list[Person]] = relationship(back_populates="account")


class Person(SyncedMixin, Base):
    """Someone a rep may call; calls are only ever logged to a Person (seed 000)."""

    __tablename__ = "people"

    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(100))
    crm_id: Mapped[str | None] = mapped_column(String(100))
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    custom_fields: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    """JSON object of extra CSV columns ({"Lead source": "Webinar"}), shown on the profile."""

    account: Mapped[Account | None] = relationship(back_populates="people")
    phone_numbers: Mapped[list[PhoneNumber]] = relationship(
        back_populates="person",
        order_by="PhoneNumber.position",
        cascade="all, delete-orphan",
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class PhoneNumber(SyncedMixin, Base):
    """One of a person's numbers, E.164 for dialling, the original text for display."""

    __tablename__ = "phone_numbers"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PhoneKind] = mapped_column(_enum(PhoneKind, "phone_kind"))
    e164: Mapped[str] = mapped_column(String(16), index=True)
    extension: Mapped[str | None] = mapped_column(String(16))
    original: Mapped[str] = mapped_column(String(64), default="")
    digits: Mapped[str] = mapped_column(String(16))
    """E.164 without '+', indexed for 'any digits of any number' search (search_index.py)."""
    position: Mapped[int] = mapped_column(Integer, default=0)

    person: Mapped[Person] = relationship(back_populates="phone_numbers")


class Cadence(SyncedMixin, Base):
    """A sequence of steps (phone, email, other, integration) over days."""

    __tablename__ = "cadences"

    name: Mapped[str] = mapped_column(String(200))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    steps: Mapped[list[CadenceStep]] = relationship(
        back_populates="cadence",
        order_by="(CadenceStep.day, CadenceStep.position)",
        cascade="all, delete-orphan",
    )


class CadenceStep(SyncedMixin, Base):
    __tablename__ = "cadence_steps"

    cadence_id: Mapped[int] = mapped_column(
        ForeignKey("cadences.id", ondelete="CASCADE"), index=True
    )
    step_type: Mapped[StepType] = mapped_column(_enum(StepType, "step_type"))
    day: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    """Order of steps that share a day."""
    name: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    email_subject: Mapped[str] = mapped_column(Text, default="", server_default="")
    """Email steps: the subject template, with merge fields (``domain.email_templates``)."""
    email_body: Mapped[str] = mapped_column(Text, default="", server_default="")
    """Email steps: the body template (plain text), with merge fields."""

    cadence: Mapped[Cadence] = relationship(back_populates="steps")


class CadenceMembership(SyncedMixin, Base):
    """A person on a cadence, with where they are in it."""

    __tablename__ = "cadence_memberships"
    __table_args__ = (UniqueConstraint("cadence_id", "person_id"),)

    cadence_id: Mapped[int] = mapped_column(
        ForeignKey("cadences.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    current_step_id: Mapped[int | None] = mapped_column(ForeignKey("cadence_steps.id"))
    state: Mapped[MembershipState] = mapped_column(
        _enum(MembershipState, "membership_state"), default=MembershipState.ACTIVE
    )
    added_on: Mapped[date] = mapped_column(Date)

    cadence: Mapped[Cadence] = relationship()
    person: Mapped[Person] = relationship()
    current_step: Mapped[CadenceStep | None] = relationship()


class _TeamOptionMixin(SyncedMixin):
    """A team-defined dropdown option: dispositions and sentiments share this shape."""

    name: Mapped[str] = mapped_column(String(100))
    default_key: Mapped[str | None] = mapped_column(String(50), unique=True)
    """Key of the shipped default this row came from (None for team-made options)."""
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class Disposition(_TeamOptionMixin, Base):
    __tablename__ = "dispositions"


class Sentiment(_TeamOptionMixin, Base):
    __tablename__ = "sentiments"


class LogState(enum.StrEnum):
    OPEN = "open"
    """The call happened and nothing is logged yet (notes may be autosaved)."""
    LOGGED = "logged"
    DISCARDED = "discarded"


class Call(SyncedMixin, Base):
    """One call placed from the app: who, which number, how it ended, how it sounded.

    The row is written when the call starts (so a crash mid-call leaves a trace) and
    completed when it ends. Logging fields (notes, disposition, ...) join it later.
    """

    __tablename__ = "calls"

    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    number_e164: Mapped[str] = mapped_column(String(16))
    extension: Mapped[str | None] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(8), default="outbound")
    line_name: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utc_now, index=True
    )
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duration_s: Mapped[float | None] = mapped_column(Float)
    """Connected (talk) time; None when the call was never answered."""
    sip_status: Mapped[int | None] = mapped_column(Integer)
    sip_reason: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(String(32))
    outcome_message: Mapped[str | None] = mapped_column(Text)
    suggested_disposition: Mapped[str | None] = mapped_column(String(100))
    voicemail_dropped: Mapped[bool] = mapped_column(Boolean, default=False)
    codec: Mapped[str | None] = mapped_column(String(32))
    srtp: Mapped[bool | None] = mapped_column(Boolean)
    jitter_ms: Mapped[float | None] = mapped_column(Float)
    loss_pct: Mapped[float | None] = mapped_column(Float)
    rtt_ms: Mapped[float | None] = mapped_column(Float)
    mos: Mapped[float | None] = mapped_column(Float)
    # -- the log (seed 000) ------------------------------------------------------------
    log_state: Mapped[str] = mapped_column(String(16), default=LogState.OPEN)
    notes: Mapped[str] = mapped_column(Text, default="")
    disposition_id: Mapped[int | None] = mapped_column(ForeignKey("dispositions.id"))
    sentiment_id: Mapped[int | None] = mapped_column(ForeignKey("sentiments.id"))
    custom_values: Mapped[str] = mapped_column(Text, default="{}")
    """JSON object: custom call field uuid -> value."""
    success: Mapped[bool] = mapped_column(Boolean, default=False)
    logged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    draft_saved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("cadence_memberships.id", ondelete="SET NULL")
    )
    step_id: Mapped[int | None] = mapped_column(ForeignKey("cadence_steps.id", ondelete="SET NULL"))
    sync_state: Mapped[str] = mapped_column(String(16), default="pending")

    person: Mapped[Person | None] = relationship()


class CustomFieldType(enum.StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    CHECKBOX = "checkbox"


class CustomCallField(SyncedMixin, Base):
    """An admin-defined field on the call log (seed 000: "alternative fields")."""

    __tablename__ = "custom_call_fields"

    name: Mapped[str] = mapped_column(String(100))
    field_type: Mapped[CustomFieldType] = mapped_column(_enum(CustomFieldType, "custom_field_type"))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    choices: Mapped[str] = mapped_column(Text, default="[]")
    """JSON list of the options of a single-choice field."""
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class TeamSetting(Base):
    """Team-wide switches an admin sets (e.g. disposition required); synced later."""

    __tablename__ = "team_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utc_now, onupdate=utc_now
    )


class StepCompletion(SyncedMixin, Base):
    """A cadence step done for one person: which step, when and how (issue 6: reported by the
    team server later)."""

    __tablename__ = "step_completions"

    membership_id: Mapped[int] = mapped_column(
        ForeignKey("cadence_memberships.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[int] = mapped_column(ForeignKey("cadence_steps.id", ondelete="CASCADE"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"))
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    success: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str] = mapped_column(String(32), default="", server_default="")
    """How it was done: the log button (``LogAction`` value: log_and_complete, complete_only,
    success) or ``complete``/``complete_all`` for other and integration steps. Who did it is
    the rep this database belongs to (the sync push carries them), when is ``completed_at``."""
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    """What the rep wrote when completing an other/integration step from the runner (a phone
    step's notes are the call's)."""


class RecordingState(enum.StrEnum):
    """Where a call's recording is in its life (issue 7)."""

    RECORDING = "recording"
    """Being written (or the app crashed while it was: repaired at next start)."""
    READY = "ready"
    REPAIRED = "repaired"
    """Interrupted by a crash; the audio up to the crash was kept and the header fixed."""
    FAILED = "failed"
    """Nothing playable was written (unwritable folder, disk full before any audio)."""
    DELETED = "deleted"


class Recording(SyncedMixin, Base):
    """One call's recording: a stereo WAV (rep left, prospect right) named by the call's uuid.

    ``segments`` is a JSON list of the recording's timeline, in seconds since the call was
    answered (``call_s``) and since the file began (``file_s``): ``{"event": "start" |
    "pause" | "resume" | "stop", "call_s": float, "file_s": float}``. A paused span is in
    the file as silence of the same length, so ``file_s`` keeps counting while paused.
    """

    __tablename__ = "recordings"

    call_id: Mapped[int] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), unique=True, index=True
    )
    state: Mapped[str] = mapped_column(String(16), default=RecordingState.RECORDING)
    one_sided: Mapped[bool] = mapped_column(Boolean, default=False)
    """Governance allowed only the rep's voice: the prospect channel is silence."""
    file_name: Mapped[str | None] = mapped_column(String(100))
    """Relative to the recordings folder (``<call uuid>.wav``); None once deleted."""
    started_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utc_now, index=True
    )
    call_offset_s: Mapped[float] = mapped_column(Float, default=0.0)
    """Talk time when recording began: playback starts from that moment of the call."""
    duration_s: Mapped[float | None] = mapped_column(Float)
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    segments: Mapped[str] = mapped_column(Text, default="[]")
    problem: Mapped[str] = mapped_column(Text, default="", server_default="")
    """What went wrong, in words for the rep ("Recording stopped: the disk is full")."""
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    """Shown in the call's history: "Deleted by you" or "Older than 90 days (team rule)"."""
    upload_state: Mapped[str] = mapped_column(String(16), default="pending")

    call: Mapped[Call] = relationship()


class Email(SyncedMixin, Base):
    """One cadence email to one person, from autosaved draft to sent (issue 9).

    ``state`` follows ``domain.email_schedule.EmailState``: draft → scheduled → sending →
    sent | failed | unknown. A sender *claims* a scheduled row with one conditional UPDATE
    (scheduled → sending) before it talks SMTP, so two senders (or a restart) never send it
    twice. Synced to the team server like calls (uuid + updated_at).
    """

    __tablename__ = "emails"

    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("cadence_memberships.id", ondelete="SET NULL"), index=True
    )
    step_id: Mapped[int | None] = mapped_column(ForeignKey("cadence_steps.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    to_address: Mapped[str] = mapped_column(String(320), default="")
    to_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    draft_saved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    """When it should go (UTC); the next retry after a transient failure."""
    scheduled_for: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """The time the rep picked (UTC): lateness is measured from it, not from retries."""
    schedule_zone: Mapped[str] = mapped_column(String(64), default="")
    """The zone the rep scheduled in (shown back to them); "" for the computer's."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str] = mapped_column(String(64), default="")
    """The sender instance that claimed it (host:pid:random), for the log and the lease."""
    message_id: Mapped[str] = mapped_column(String(250), default="")
    """The RFC 5322 Message-ID, fixed at the claim: look it up in the Sent folder."""
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    """Sent more than five minutes after ``scheduled_for`` (app closed, server down)."""
    error: Mapped[str] = mapped_column(Text, default="")
    """The last failure, in words for the rep, with the fix."""
    sync_state: Mapped[str] = mapped_column(String(16), default="pending")

    person: Mapped[Person | None] = relationship()


# ---------------------------------------------------------------- sync (issue 8)


class OutboxEntry(Base):
    """A record changed locally and not yet pushed to the team server.

    Written in the same transaction as the change (db/outbox.py), one row per record: a
    second change before the push only updates this row, and the push serialises the
    record's current state, so coalesced edits send the latest version once.
    """

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("record_type", "uuid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(32))
    """The server's type name ("person", "call", "team_setting", ...)."""
    uuid: Mapped[str] = mapped_column(String(64))
    """The record's uuid (a team setting's key)."""
    op: Mapped[str] = mapped_column(String(8))
    """"upsert" or "delete"."""
    enqueued_at: Mapped[float] = mapped_column(Float)
    """Seconds since the epoch (UTC) of the latest change; a delete's tombstone time."""
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error: Mapped[str] = mapped_column(Text, default="", server_default="")
    """Why the server refused it (shown to the rep); a refused entry waits for a new change."""


class SyncState(Base):
    """Where this database stands with its team server (one row, id 1)."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    server_url: Mapped[str] = mapped_column(String(500), default="")
    """The cursor belongs to this server: another URL starts the feed from 0."""
    user_email: Mapped[str] = mapped_column(String(320), default="")
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SyncDeferred(Base):
    """A pulled record whose reference has not arrived yet (a recording whose call comes on
    a later page: the feed orders records by their latest write, and a call is often edited
    after its recording). Applied again after every page, until its reference is there."""

    __tablename__ = "sync_deferred"

    record_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    uuid: Mapped[str] = mapped_column(String(64), primary_key=True)
    change: Mapped[str] = mapped_column(Text)
    """The feed entry as JSON ({type, uuid, deleted, updated_at, owner, record})."""


class PersonHistory(Base):
    """A local version of a person that a newer server version replaced (last writer wins),
    kept so nothing a rep typed is lost silently."""

    __tablename__ = "person_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_uuid: Mapped[str] = mapped_column(String(36), index=True)
    overwritten_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    overwritten_by: Mapped[str] = mapped_column(String(320), default="")
    """Who wrote the winning version, as far as the server says ("team server")."""
    server_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """The winning version's ``updated_at``."""
    replaced: Mapped[str] = mapped_column(Text)
    """The local version that lost, as the server's JSON shape of a person."""
