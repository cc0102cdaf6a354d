"""Alembic environment for the team server: ``migrate.py`` hands in a connection."""

from __future__ import annotations

from alembic import context

from dialer_app.server.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
