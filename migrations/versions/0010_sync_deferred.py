"""sync_deferred: pulled records waiting for a reference from a later page

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_deferred",
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("uuid", sa.String(length=64), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("record_type", "uuid", name=op.f("pk_sync_deferred")),
    )


def downgrade() -> None:
    op.drop_table("sync_deferred")
