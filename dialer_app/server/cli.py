"""``dialer-app serve``: run the team server, or add a user and print their token.

Only argparse at import: FastAPI, uvicorn and the database drivers load when the command runs,
so the desktop app's start-up does not pay for them.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from dialer_app.paths import AppPaths

if TYPE_CHECKING:
    from dialer_app.server.db import Database

DEFAULT_PORT = 8700
SERVER_FOLDER = "server"


def add_serve_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="run the team server (needs the 'server' extra: pip install 'dialer-app[server]')",
        description="Run the team server the reps' apps sync with, or add a user to it.",
    )
    serve.add_argument(
        "--db",
        metavar="URL",
        help="database URL, e.g. postgresql://dialer@localhost/dialer "
        "(default: a SQLite file in the data folder)",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 8700)")
    serve.add_argument(
        "--recordings-dir",
        metavar="DIR",
        type=Path,
        help="where uploaded recordings are kept (default: the data folder)",
    )
    serve.add_argument(
        "--create-user",
        metavar="EMAIL",
        help="add a user (with --team and --role), print their API token once and exit",
    )
    serve.add_argument(
        "--revoke-tokens",
        metavar="EMAIL",
        help="revoke every API token of a user (a lost laptop, someone who left) and exit",
    )
    serve.add_argument("--team", metavar="NAME", help="the new user's team (made if new)")
    serve.add_argument(
        "--role", choices=("rep", "admin"), default="rep", help="the new user's role"
    )


def run_serve(args: argparse.Namespace, paths: AppPaths) -> int:
    from importlib.util import find_spec

    if find_spec("fastapi") is None or find_spec("uvicorn") is None:
        print(
            "dialer-app serve: the server is not installed; pip install 'dialer-app[server]'",
            file=sys.stderr,
        )
        return 2
    folder = paths.data_dir / SERVER_FOLDER
    url = args.db or f"sqlite:///{folder / 'server.sqlite3'}"
    if args.db is None:
        folder.mkdir(parents=True, exist_ok=True)
    database = _open(url)
    try:
        if args.create_user:
            return _create_user(database, args.create_user, args.team, args.role)
        if args.revoke_tokens:
            return _revoke_tokens(database, args.revoke_tokens)
        recordings_dir = args.recordings_dir or folder / "recordings"
        return _serve(database, recordings_dir, args.host, args.port)
    finally:
        database.dispose()


def _open(url: str) -> Database:
    from dialer_app.server.db import open_database
    from dialer_app.server.migrate import upgrade

    database = open_database(url)
    upgrade(database.write_engine)
    return database


def _create_user(database: Database, email: str, team_name: str | None, role: str) -> int:
    import re

    from dialer_app.server.auth import EMAIL_PATTERN, UserExists, create_user, team_named
    from dialer_app.server.models import Role

    if not team_name or not team_name.strip():
        print("dialer-app serve: --create-user needs --team NAME", file=sys.stderr)
        return 2
    if not re.fullmatch(EMAIL_PATTERN, email):
        print(f"dialer-app serve: {email!r} is not an email address", file=sys.stderr)
        return 2
    try:
        with database.writes.begin() as session:
            team = team_named(session, team_name.strip())
            user, _row, token = create_user(session, team, email, Role(role))
            summary = f"{user.email} ({user.role}) in team {team.name}"
    except UserExists as exc:
        print(f"dialer-app serve: {exc}", file=sys.stderr)
        return 1
    print(f"Created {summary}.")
    print("API token (shown once, keep it safe):")
    print(token)
    return 0


def _revoke_tokens(database: Database, email: str) -> int:
    from sqlalchemy import delete, select

    from dialer_app.server.models import ApiToken, User

    with database.writes.begin() as session:
        user_id = session.scalar(select(User.id).where(User.email == email.strip().lower()))
        if user_id is None:
            print(f"dialer-app serve: no user {email}", file=sys.stderr)
            return 1
        result = session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
        revoked = int(getattr(result, "rowcount", 0) or 0)
    print(
        f"Revoked {revoked} token{'s' if revoked != 1 else ''} of {email.strip().lower()}: "
        "their apps now get 401 until given a new token (--create-user for a new user, "
        "or an admin's POST /admin/users/{id}/tokens)."
    )
    return 0


def _serve(database: Database, recordings_dir: Path, host: str, port: int) -> int:
    import uvicorn

    from dialer_app.server.app import create_app

    recordings_dir.mkdir(parents=True, exist_ok=True)
    app = create_app(database, recordings_dir)
    shown_host = f"[{host}]" if ":" in host else host
    print(
        f"Dialer team server listening on http://{shown_host}:{port} "
        f"(database {database.write_engine.url.render_as_string()}, "
        f"recordings in {recordings_dir}).\n"
        "It speaks plain HTTP: TLS belongs in a reverse proxy in front of it "
        "(README, 'Team server').",
        flush=True,
    )
    if not _is_loopback(host):
        print(
            f"Warning: listening on {host}, not only on this machine: "
            "make sure a TLS reverse proxy is the only way in.",
            flush=True,
        )
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True)
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
