"""The committed OpenAPI document and the migrations match the code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine

from dialer_app.server.openapi import DEFAULT_PATH, openapi_document, render

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_openapi_document_is_current() -> None:
    committed = (ROOT / DEFAULT_PATH).read_text(encoding="utf-8")
    assert json.loads(committed) == openapi_document(), (
        "docs/openapi.json is stale: run `python -m dialer_app.server.openapi`"
    )
    assert committed == render(openapi_document())


def test_the_document_describes_bearer_auth_and_every_record_type() -> None:
    document = openapi_document()
    schemes = document["components"]["securitySchemes"]
    assert [scheme["scheme"] for scheme in schemes.values()] == ["bearer"]
    for path in ("/people/{uuid}", "/calls/{uuid}", "/team-settings/{key}", "/sync/push"):
        assert path in document["paths"]
    assert "Governance" in document["components"]["schemas"]


def test_the_migrations_build_the_models_schema(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from dialer_app.server.migrate import upgrade
    from dialer_app.server.models import Base

    engine = create_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_the_command_line_does_not_load_the_server_until_serve_runs() -> None:
    """The desktop app's start-up must not pay for FastAPI, uvicorn or psycopg."""
    heavy = ("fastapi", "uvicorn", "psycopg", "pydantic")
    probe = (
        "import sys; from dialer_app.cli import build_parser; build_parser().parse_args(['serve']);"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_create_user_refuses_a_taken_email_and_a_missing_team(tmp_path: Path) -> None:
    from tests.server.conftest import create_user, run_cli

    db = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    create_user(tmp_path, db, "Ann@Example.com", "Acme", "rep")
    again = run_cli(tmp_path, "--db", db, "--create-user", "ann@example.com", "--team", "Acme")
    assert again.returncode == 1
    assert "ann@example.com already has an account" in again.stderr
    no_team = run_cli(tmp_path, "--db", db, "--create-user", "bob@example.com")
    assert no_team.returncode == 2
    assert "--team" in no_team.stderr
