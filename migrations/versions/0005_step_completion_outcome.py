"""step completion outcome

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 16:58:15.830407
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    # Completions made before this revision have no recorded outcome: "".
    with op.batch_alter_table("step_completions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("outcome", sa.String(length=32), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("step_completions", schema=None) as batch_op:
        batch_op.drop_column("outcome")
