"""Alembic migrations, shipped inside the wheel as ``dialer_app.migrations``."""
