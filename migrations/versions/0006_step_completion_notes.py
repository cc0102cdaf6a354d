"""step completion notes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 17:15:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    # The runner's notes box for other/integration steps; older completions have none.
    with op.batch_alter_table("step_completions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notes", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("step_completions", schema=None) as batch_op:
        batch_op.drop_column("notes")
