"""The `dialer-app` command: opens the app by default; subcommands for the rest."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from dialer_app import APP_DISPLAY_NAME, __version__
from dialer_app.domain.dial_links import is_dial_link
from dialer_app.paths import AppPaths


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dialer-app",
        description=f"{APP_DISPLAY_NAME}: a desktop softphone for sales reps. "
        "With no subcommand it opens the app.",
        epilog="dialer-app tel:+14045551234 (or callto:, sip:) puts the number on the dial pad "
        "of the running app, or opens the app with it; append ?person=ID to name the person.",
    )
    parser.add_argument("--version", action="version", version=f"dialer-app {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="keep the database, settings, logs and recordings in DIR "
        "(also: environment variable DIALER_APP_DATA_DIR)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="load the demo team and use the built-in demo line"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    commands.add_parser("run", help="open the app (the default)")
    commands.add_parser(
        "doctor", help="check the database, keyring, audio devices, data folder and line"
    )
    commands.add_parser("seed-demo", help="add the demo team to the database and exit")
    call = commands.add_parser(
        "call", help="place one call from the command line (exit code 0 only if answered)"
    )
    call.add_argument("number", help="the number to call, in any common format")
    call.add_argument("--line", metavar="NAME", help="line to use (default: the default line)")
    call.add_argument(
        "--hangup-after",
        metavar="S",
        type=float,
        default=5.0,
        help="hang up S seconds after the call is answered (default 5)",
    )
    call.add_argument(
        "--dtmf", metavar="DIGITS", default="", help="keypad tones to send once answered"
    )
    people_import = commands.add_parser(
        "import", help="import people from a CSV file (CRM or spreadsheet export)"
    )
    people_import.add_argument("csv_file", metavar="FILE", type=Path, help="the CSV file to import")
    people_import.add_argument(
        "--region",
        metavar="CC",
        help="country for numbers written without +country code, e.g. GB "
        "(default: the app's default region)",
    )
    people_import.add_argument(
        "--on-duplicate",
        choices=("skip", "update", "create"),
        default="skip",
        help="what to do with someone already stored, matched by email or phone number "
        "(default: skip)",
    )
    sync = commands.add_parser(
        "sync", help="sync with the team server (Settings → Team server) until stopped"
    )
    sync.add_argument("--once", action="store_true", help="one pass, then exit")
    desktop = commands.add_parser(
        "install-desktop",
        help="make dialer-app open tel:, callto: and sip: links (a desktop entry for this user)",
    )
    desktop.add_argument(
        "--uninstall", action="store_true", help="remove the desktop entry and the link handling"
    )
    from dialer_app.server.cli import add_serve_parser

    add_serve_parser(commands)
    return parser


def split_link(argv: Sequence[str]) -> tuple[list[str], str | None]:
    """Take a tel:/callto:/sip: link out of the arguments when it comes before any
    subcommand (``dialer-app --demo tel:+1...``); a desktop passes it as the last one."""
    rest = list(argv)
    index = 0
    while index < len(rest):
        arg = rest[index]
        if arg == "--data-dir":
            index += 2
        elif arg.startswith("-"):
            index += 1
        elif is_dial_link(arg):
            return rest[:index] + rest[index + 1 :], arg
        else:
            break
    return rest, None


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0911 (one return per command)
    parser = build_parser()
    arguments, link = split_link(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(arguments)
    from dialer_app.logging_setup import configure_logging

    paths = AppPaths.resolve(args.data_dir)
    configure_logging(paths, verbose=args.verbose)
    command = args.command or "run"
    if link is not None and command != "run":
        parser.error(f"a link opens the app; it cannot go with {command}")
    if command == "install-desktop":
        from dialer_app.desktop_entry import install_desktop

        return install_desktop(uninstall=args.uninstall, data_dir=args.data_dir, demo=args.demo)
    if command == "doctor":
        from dialer_app.doctor import doctor

        return doctor(paths)
    if command == "seed-demo":
        return _seed_demo(paths)
    if command == "import":
        from dialer_app.import_command import run_import

        return run_import(paths, args.csv_file, region=args.region, on_duplicate=args.on_duplicate)
    if command == "sync":
        from dialer_app.sync_command import run_sync

        return run_sync(paths, once=args.once)
    if command == "serve":
        from dialer_app.server.cli import run_serve

        return run_serve(args, paths)
    if command == "call":
        from dialer_app.call_command import place_call

        return place_call(
            paths, args.number, line_name=args.line, hangup_after=args.hangup_after, dtmf=args.dtmf
        )
    return _run(paths, demo=args.demo, link=link)


def _run(paths: AppPaths, *, demo: bool, link: str | None) -> int:
    """Open the app; a link first goes to the app already running on this data folder."""
    if link is not None:
        import logging

        from dialer_app.single_instance import send_link, server_name

        if send_link(server_name(paths.data_dir), link):
            logging.getLogger(__name__).info("handed a link to the running instance")
            return 0
    from dialer_app.app import run_app

    return run_app(paths, demo=demo, link=link)


def _seed_demo(paths: AppPaths) -> int:
    from dialer_app.db.database import open_database
    from dialer_app.db.errors import DatabaseProblem
    from dialer_app.demo.seed import seed_demo

    try:
        database = open_database(paths.database)
    except DatabaseProblem as exc:
        print(f"dialer-app: {exc}", file=sys.stderr)
        return 2
    with database.sessions.begin() as session:
        added = seed_demo(session)
    database.close()
    print("demo team added" if added else "demo team already present")
    return 0
