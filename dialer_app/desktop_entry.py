"""`dialer-app install-desktop`: make the desktop open tel:, callto: and sip: links with us.

Writes ``packaging/dialer-app.desktop`` (the template) with this installation's command into
``$XDG_DATA_HOME/applications`` and makes it the default handler of the three schemes: with
``xdg-mime`` when the desktop has it, else by editing ``$XDG_CONFIG_HOME/mimeapps.list``
(the file ``xdg-mime`` itself writes). Everything stays in the user's own folders.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from dialer_app.domain.dial_links import LINK_SCHEMES

DESKTOP_ID = "dialer-app.desktop"
MIME_TYPES = tuple(f"x-scheme-handler/{scheme}" for scheme in LINK_SCHEMES)
TEMPLATE = Path(__file__).resolve().parent.parent / "packaging" / DESKTOP_ID
ICON_NAMES = ("dialer-app.svg", "dialer-app.png", "icon.svg", "icon.png")
DEFAULTS_SECTION = "[Default Applications]"
_TOOL_TIMEOUT_S = 30

Print = Callable[[str], None]


def xdg_data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def xdg_config_home() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def app_command(data_dir: str | None = None, *, demo: bool = False) -> list[str]:
    """How the desktop should start this installation: the ``dialer-app`` script beside
    this Python (a venv's bin/), else the one on PATH, else ``python -m dialer_app``."""
    script = Path(sys.executable).parent / "dialer-app"
    found = str(script) if script.is_file() else shutil.which("dialer-app")
    command = [found] if found else [sys.executable, "-m", "dialer_app"]
    command[0] = str(Path(command[0]).absolute())
    if data_dir:
        command += ["--data-dir", str(Path(data_dir).expanduser().resolve())]
    if demo:
        command.append("--demo")
    return command


def quote_exec_argument(argument: str) -> str:
    """Quote one Exec= argument as the Desktop Entry spec asks (and escape ``%``)."""
    argument = argument.replace("%", "%%")
    if not any(ch in argument for ch in " \t\n\"'\\><~|&;$*?#()`="):
        return argument
    escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in argument)
    return f'"{escaped}"'


def find_icon(resources: Path) -> Path | None:
    for name in ICON_NAMES:
        for candidate in (resources / name, resources / "icons" / name):
            if candidate.is_file():
                return candidate.resolve()
    return None


def render_desktop_entry(template: str, command: Iterable[str], icon: Path | None) -> str:
    """The template with the Exec command filled in; the Icon line only if there is one."""
    exec_line = " ".join(quote_exec_argument(argument) for argument in command)
    lines = [
        line.replace("@ICON@", str(icon)).replace("@EXEC@", exec_line)
        for line in template.splitlines()
        if icon is not None or not line.startswith("Icon=")
    ]
    return "\n".join(lines) + "\n"


def set_defaults(text: str, desktop_id: str, mime_types: Iterable[str]) -> str:
    """``mimeapps.list`` with ``desktop_id`` first for each type; other lines untouched."""
    wanted = {mime: f"{desktop_id};" for mime in mime_types}
    return _edit_defaults(text, wanted.pop, wanted)


def remove_defaults(text: str, desktop_id: str, mime_types: Iterable[str]) -> str:
    """Drop ``desktop_id`` from the defaults of the given types (other handlers stay)."""
    types = set(mime_types)

    def without(key: str, value: str) -> str | None:
        if key not in types:
            return value
        kept = [entry for entry in value.split(";") if entry and entry != desktop_id]
        return ";".join(kept) + ";" if kept else None

    return _edit_defaults(text, without, {})


def _edit_defaults(
    text: str, edit: Callable[[str, str], str | None], missing: dict[str, str]
) -> str:
    """Apply ``edit`` to each key of the [Default Applications] section (None deletes the
    line), then add ``missing`` keys at the end of that section (creating it if needed)."""
    out: list[str] = []
    in_defaults = seen_defaults = False

    def add_missing() -> None:
        while out and not out[-1].strip():
            out.pop()
        out.extend(f"{key}={value}" for key, value in missing.items())
        missing.clear()
        out.append("")

    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            if in_defaults and missing:
                add_missing()
            in_defaults = stripped == DEFAULTS_SECTION
            seen_defaults = seen_defaults or in_defaults
        elif in_defaults and "=" in stripped and not stripped.startswith("#"):
            key, _, value = stripped.partition("=")
            new = edit(key.strip(), value.strip())
            if new is None:
                continue
            out.append(line if new == value.strip() else f"{key.strip()}={new}")
            continue
        out.append(line)
    if missing:
        if not seen_defaults:
            if out and out[-1].strip():
                out.append("")
            out.append(DEFAULTS_SECTION)
        add_missing()
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def install_desktop(
    *, uninstall: bool = False, data_dir: str | None = None, demo: bool = False, say: Print = print
) -> int:
    applications = xdg_data_home() / "applications"
    entry = applications / DESKTOP_ID
    mimeapps = xdg_config_home() / "mimeapps.list"
    if uninstall:
        return _uninstall(entry, [mimeapps, applications / "mimeapps.list"], say)
    if not TEMPLATE.is_file():
        say(f"dialer-app: the desktop template {TEMPLATE} is missing (run from the source tree)")
        return 2
    from importlib import resources

    icon = find_icon(Path(str(resources.files("dialer_app.resources"))))
    text = render_desktop_entry(
        TEMPLATE.read_text(encoding="utf-8"), app_command(data_dir, demo=demo), icon
    )
    applications.mkdir(parents=True, exist_ok=True)
    entry.write_text(text, encoding="utf-8")
    say(f"wrote {entry}")
    if not _xdg_mime_default(say):
        _write_file(mimeapps, set_defaults(_read(mimeapps), DESKTOP_ID, MIME_TYPES))
        say(f"set {DESKTOP_ID} as the default for {', '.join(MIME_TYPES)} in {mimeapps}")
    _update_database(applications, say)
    return 0


def _uninstall(entry: Path, mimeapps_files: list[Path], say: Print) -> int:
    if entry.exists():
        entry.unlink()
        say(f"removed {entry}")
    else:
        say(f"{entry} was not installed")
    for mimeapps in mimeapps_files:
        before = _read(mimeapps)
        after = remove_defaults(before, DESKTOP_ID, MIME_TYPES)
        if after != before:
            _write_file(mimeapps, after)
            say(f"removed {DESKTOP_ID} from the defaults in {mimeapps}")
    _update_database(entry.parent, say)
    return 0


def _xdg_mime_default(say: Print) -> bool:
    tool = shutil.which("xdg-mime")
    if tool is None:
        return False
    for mime in MIME_TYPES:
        result = subprocess.run(
            [tool, "default", DESKTOP_ID, mime],
            capture_output=True,
            text=True,
            timeout=_TOOL_TIMEOUT_S,
            check=False,
        )
        if result.returncode != 0:
            problem = result.stderr.strip() or f"exit {result.returncode}"
            say(f"xdg-mime failed ({problem}); editing mimeapps.list instead")
            return False
    say(f"set {DESKTOP_ID} as the default for {', '.join(MIME_TYPES)} with xdg-mime")
    return True


def _update_database(applications: Path, say: Print) -> None:
    tool = shutil.which("update-desktop-database")
    if tool is None or not applications.is_dir():
        return
    result = subprocess.run(
        [tool, str(applications)],
        capture_output=True,
        text=True,
        timeout=_TOOL_TIMEOUT_S,
        check=False,
    )
    if result.returncode == 0:
        say(f"ran update-desktop-database {applications}")
    else:
        say(f"update-desktop-database failed: {result.stderr.strip() or result.returncode}")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def _write_file(path: Path, text: str) -> None:
    """Write via a temporary file, so a crash never leaves a half-written mimeapps.list."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.dialer-app.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
