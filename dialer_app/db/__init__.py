"""SQLAlchemy 2 models, the database opener (with Alembic upgrades) and repositories."""
