"""The FastAPI application factory (no side effects at import: tests and the OpenAPI export
build an app without a database)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from dialer_app import __version__
from dialer_app.server.db import Database
from dialer_app.server.deps import Services
from dialer_app.server.routes import admin, governance, recordings, records, sync
from dialer_app.server.uploads import RecordingFiles

DESCRIPTION = """\
The team server of Dialer: people, cadences and team settings go down to the reps' apps;
calls, their logs, step completions and recordings come up.

Every request except `/health` and this document (`/openapi.json`, `/docs`) needs
`Authorization: Bearer <token>`. Records are identified by the uuid the client made; writes
are idempotent by it and the newer `updated_at` wins.
Reps read the team's data and only their own calls; only admins change team settings.
Plain HTTP: put TLS in front with a reverse proxy.
"""


def create_app(database: Database | None = None, recordings_dir: Path | None = None) -> FastAPI:
    """The app; without a database it still serves its OpenAPI document (for the export)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if database is not None:
            database.dispose()

    app = FastAPI(
        title="Dialer team server",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    if database is not None and recordings_dir is not None:
        app.state.services = Services(database, RecordingFiles(recordings_dir))

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Liveness, without a token (for load balancers and start-up scripts)."""
        return {"status": "ok"}

    app.include_router(admin.router)
    app.include_router(sync.router)
    app.include_router(governance.router)
    app.include_router(records.router)
    app.include_router(recordings.router)
    return app
