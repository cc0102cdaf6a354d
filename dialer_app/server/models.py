"""The server's schema (its own metadata and Alembic history, separate from the client's).

Synced records are stored as validated JSON documents in one ``records`` table, keyed by
(team, type, client uuid). The server is a sync hub, not a second copy of the client's
relational model: the API schemas (``schemas.py``) are the contract and validate every field,
while the table keeps only what the server itself filters on (team, owner, version, change
sequence). A new client field then needs no server migration, only a schema change.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

BigId = BigInteger().with_variant(Integer, "sqlite")
"""64-bit keys on PostgreSQL; SQLite only auto-increments an INTEGER PRIMARY KEY."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite drops the offset; compare stays exact)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Role(enum.StrEnum):
    REP = "rep"
    ADMIN = "admin"


class Team(Base):
    """A team; ``change_seq`` is its changes-feed counter (see changes.py)."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    team: Mapped[Team] = relationship()

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class ApiToken(Base):
    """A user's bearer token, kept only as its SHA-256 (the token is shown once)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    user: Mapped[User] = relationship()


class Record(Base):
    """One synced record (or its tombstone) of one team."""

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("team_id", "kind", "uuid", name="uq_records_team_kind_uuid"),
        Index("ix_records_team_change_seq", "team_id", "change_seq", unique=True),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    kind: Mapped[str] = mapped_column(String(32))
    """The record type, e.g. ``person`` or ``call``."""
    uuid: Mapped[str] = mapped_column(String(64))
    """The client's uuid (for team settings: the setting's key)."""
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    """The rep a call (or a call's step completion or recording) belongs to; None if shared."""
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    """The client's ``updated_at``: last writer wins by it."""
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str | None] = mapped_column(Text)
    """The record as JSON (None for a tombstone)."""
    change_seq: Mapped[int] = mapped_column(BigInteger)
