"""The team server's Alembic migrations (packaged, so an installed server upgrades itself)."""
