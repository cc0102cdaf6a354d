"""call log, custom call fields, team settings, step completions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 15:03:58.162505
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    # Existing calls get an empty, open log (server defaults fill the new NOT NULL columns).
    op.create_table(
        "custom_call_fields",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "field_type",
            sa.Enum(
                "text",
                "number",
                "date",
                "choice",
                "checkbox",
                name="custom_field_type",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("choices", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_call_fields")),
        sa.UniqueConstraint("uuid", name=op.f("uq_custom_call_fields_uuid")),
    )
    op.create_table(
        "team_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_team_settings")),
    )
    op.create_table(
        "step_completions",
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.id"],
            name=op.f("fk_step_completions_call_id_calls"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["cadence_memberships.id"],
            name=op.f("fk_step_completions_membership_id_cadence_memberships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["cadence_steps.id"],
            name=op.f("fk_step_completions_step_id_cadence_steps"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_completions")),
        sa.UniqueConstraint("uuid", name=op.f("uq_step_completions_uuid")),
    )
    with op.batch_alter_table("step_completions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_step_completions_membership_id"), ["membership_id"], unique=False
        )

    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("log_state", sa.String(length=16), nullable=False, server_default="open")
        )
        batch_op.add_column(sa.Column("notes", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("disposition_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sentiment_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("custom_values", sa.Text(), nullable=False, server_default="{}")
        )
        batch_op.add_column(
            sa.Column("success", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("logged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("draft_saved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("membership_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("step_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("sync_state", sa.String(length=16), nullable=False, server_default="pending")
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_calls_sentiment_id_sentiments"), "sentiments", ["sentiment_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_calls_disposition_id_dispositions"),
            "dispositions",
            ["disposition_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_calls_step_id_cadence_steps"),
            "cadence_steps",
            ["step_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_calls_membership_id_cadence_memberships"),
            "cadence_memberships",
            ["membership_id"],
            ["id"],
            ondelete="SET NULL",
        )

    # ### end Alembic commands ###


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_calls_membership_id_cadence_memberships"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_calls_step_id_cadence_steps"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_calls_disposition_id_dispositions"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_calls_sentiment_id_sentiments"), type_="foreignkey")
        batch_op.drop_column("sync_state")
        batch_op.drop_column("step_id")
        batch_op.drop_column("membership_id")
        batch_op.drop_column("draft_saved_at")
        batch_op.drop_column("logged_at")
        batch_op.drop_column("success")
        batch_op.drop_column("custom_values")
        batch_op.drop_column("sentiment_id")
        batch_op.drop_column("disposition_id")
        batch_op.drop_column("notes")
        batch_op.drop_column("log_state")

    with op.batch_alter_table("step_completions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_step_completions_membership_id"))

    op.drop_table("step_completions")
    op.drop_table("team_settings")
    op.drop_table("custom_call_fields")
    # ### end Alembic commands ###
