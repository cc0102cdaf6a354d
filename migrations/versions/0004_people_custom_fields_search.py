"""people: custom fields from imports, and the FTS5 trigram search index

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dialer_app.db.search_index import CREATE_STATEMENTS, DROP_STATEMENTS, FLUSH_STATEMENTS

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("custom_fields", sa.Text(), nullable=False, server_default="{}"))
    with op.batch_alter_table("phone_numbers") as batch:
        batch.drop_index("ix_phone_numbers_digits")  # digits are searched through FTS5 now
    for statement in (*CREATE_STATEMENTS, *FLUSH_STATEMENTS):
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_STATEMENTS:
        op.execute(statement)
    with op.batch_alter_table("people") as batch:
        batch.drop_column("custom_fields")
    with op.batch_alter_table("phone_numbers") as batch:
        batch.create_index("ix_phone_numbers_digits", ["digits"])
