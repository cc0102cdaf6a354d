"""Bring the server's database to the newest schema (run at every ``dialer-app serve``)."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

log = logging.getLogger(__name__)


def alembic_config() -> Config:
    config = Config()
    location = Path(str(resources.files("dialer_app.server.migrations")))
    config.set_main_option("script_location", str(location))
    return config


def head_revision() -> str:
    return str(ScriptDirectory.from_config(alembic_config()).get_current_head())


def upgrade(engine: Engine) -> None:
    """Upgrade to head in one transaction (PostgreSQL rolls back a failed upgrade whole)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    log.info("server database at revision %s", head_revision())
