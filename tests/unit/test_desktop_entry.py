"""`dialer-app install-desktop`: the desktop entry and the default handlers, in tmp XDG dirs."""

from __future__ import annotations

import configparser
import os
import shlex
import stat
import sys
from pathlib import Path

import pytest

from dialer_app.cli import main
from dialer_app.desktop_entry import (
    DESKTOP_ID,
    MIME_TYPES,
    TEMPLATE,
    app_command,
    quote_exec_argument,
    remove_defaults,
    render_desktop_entry,
    set_defaults,
)


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """XDG data/config homes under tmp_path, and a PATH without xdg-mime or
    update-desktop-database (tests that want them put fakes first)."""
    data, config = tmp_path / "share", tmp_path / "config"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return data, config


def _ini(path: Path) -> configparser.ConfigParser:
    """A desktop entry or mimeapps.list as the desktop reads it (keys keep their case)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser


def _entry(path: Path) -> configparser.SectionProxy:
    return _ini(path)["Desktop Entry"]


def _defaults(path: Path) -> dict[str, str]:
    parser = _ini(path)
    return (
        dict(parser["Default Applications"]) if parser.has_section("Default Applications") else {}
    )


def test_the_template_declares_the_link_schemes() -> None:
    section = _entry(TEMPLATE)
    assert section["MimeType"] == (
        "x-scheme-handler/tel;x-scheme-handler/callto;x-scheme-handler/sip;"
    )
    assert section["Exec"] == "@EXEC@ %u"
    assert section["Terminal"] == "false"
    assert section["Categories"] == "Network;Telephony;"


def test_install_writes_the_entry_and_the_defaults(
    xdg: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    data, config = xdg
    assert main(["install-desktop"]) == 0
    desktop = data / "applications" / DESKTOP_ID
    entry = _entry(desktop)
    program, placeholder = shlex.split(entry["Exec"])
    assert placeholder == "%u"
    assert Path(program).is_absolute()
    assert os.access(program, os.X_OK)  # the dialer-app script of this installation
    assert "Icon" not in entry  # resources/ has no icon yet
    assert _defaults(config / "mimeapps.list") == {mime: f"{DESKTOP_ID};" for mime in MIME_TYPES}
    out = capsys.readouterr().out
    assert f"wrote {desktop}" in out
    assert str(config / "mimeapps.list") in out


def test_install_keeps_what_else_mimeapps_list_says(xdg: tuple[Path, Path]) -> None:
    _data, config = xdg
    config.mkdir(parents=True)
    (config / "mimeapps.list").write_text(
        "# mine\n[Added Associations]\ntext/plain=gedit.desktop;\n\n"
        "[Default Applications]\nx-scheme-handler/tel=skype.desktop;\n"
        "text/html=firefox.desktop;\n\n[Removed Associations]\nimage/png=gimp.desktop;\n",
        encoding="utf-8",
    )
    assert main(["install-desktop"]) == 0
    text = (config / "mimeapps.list").read_text(encoding="utf-8")
    assert text.startswith("# mine\n[Added Associations]\ntext/plain=gedit.desktop;\n")
    assert "[Removed Associations]\nimage/png=gimp.desktop;" in text
    assert "skype.desktop" not in text
    defaults = _defaults(config / "mimeapps.list")
    assert defaults["text/html"] == "firefox.desktop;"
    assert all(defaults[mime] == f"{DESKTOP_ID};" for mime in MIME_TYPES)
    assert main(["install-desktop"]) == 0  # twice changes nothing
    assert (config / "mimeapps.list").read_text(encoding="utf-8") == text


def test_data_dir_and_demo_go_into_the_command(xdg: tuple[Path, Path], tmp_path: Path) -> None:
    data, _config = xdg
    folder = tmp_path / "my data"
    assert main(["--data-dir", str(folder), "--demo", "install-desktop"]) == 0
    words = shlex.split(_entry(data / "applications" / DESKTOP_ID)["Exec"])
    assert words[1:] == ["--data-dir", str(folder.resolve()), "--demo", "%u"]


def _fake_tool(folder: Path, name: str, log: Path, exit_code: int = 0) -> None:
    """A stand-in for a desktop tool the machine lacks: records its arguments."""
    script = folder / name
    script.write_text(
        f'#!/bin/sh\necho "{name} $*" >> "{log}"\nexit {exit_code}\n', encoding="utf-8"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_xdg_mime_and_update_desktop_database_are_used_when_present(
    xdg: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, config = xdg
    tools, log = tmp_path / "tools", tmp_path / "calls.log"
    tools.mkdir()
    _fake_tool(tools, "xdg-mime", log)
    _fake_tool(tools, "update-desktop-database", log)
    monkeypatch.setenv("PATH", str(tools))
    assert main(["install-desktop"]) == 0
    assert log.read_text(encoding="utf-8").splitlines() == [
        *(f"xdg-mime default {DESKTOP_ID} {mime}" for mime in MIME_TYPES),
        f"update-desktop-database {data / 'applications'}",
    ]
    assert not (config / "mimeapps.list").exists()  # xdg-mime's job


def test_a_failing_xdg_mime_falls_back_to_mimeapps_list(
    xdg: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _data, config = xdg
    tools = tmp_path / "tools"
    tools.mkdir()
    _fake_tool(tools, "xdg-mime", tmp_path / "calls.log", exit_code=4)
    monkeypatch.setenv("PATH", str(tools))
    assert main(["install-desktop"]) == 0
    assert _defaults(config / "mimeapps.list") == {mime: f"{DESKTOP_ID};" for mime in MIME_TYPES}


def test_uninstall_removes_the_entry_and_only_our_defaults(
    xdg: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    data, config = xdg
    assert main(["install-desktop"]) == 0
    mimeapps = config / "mimeapps.list"
    mimeapps.write_text(
        mimeapps.read_text(encoding="utf-8").replace(
            f"x-scheme-handler/sip={DESKTOP_ID};",
            f"x-scheme-handler/sip={DESKTOP_ID};linphone;\ntext/html=firefox.desktop;",
        ),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["install-desktop", "--uninstall"]) == 0
    assert not (data / "applications" / DESKTOP_ID).exists()
    assert _defaults(mimeapps) == {
        "x-scheme-handler/sip": "linphone;",
        "text/html": "firefox.desktop;",
    }
    assert "removed" in capsys.readouterr().out
    assert main(["install-desktop", "--uninstall"]) == 0  # nothing left to do is fine


@pytest.mark.parametrize(
    ("argument", "quoted"),
    [
        ("/usr/bin/dialer-app", "/usr/bin/dialer-app"),
        ("/home/me/my apps/dialer-app", '"/home/me/my apps/dialer-app"'),
        ('/a"b', '"/a\\"b"'),
        ("/x$y", '"/x\\$y"'),
        ("100%", "100%%"),
    ],
)
def test_exec_arguments_are_quoted_per_the_spec(argument: str, quoted: str) -> None:
    assert quote_exec_argument(argument) == quoted


def test_render_fills_exec_and_icon() -> None:
    template = "[Desktop Entry]\nExec=@EXEC@ %u\nIcon=@ICON@\n"
    assert render_desktop_entry(template, ["/a b/app", "--demo"], Path("/i.png")) == (
        '[Desktop Entry]\nExec="/a b/app" --demo %u\nIcon=/i.png\n'
    )
    assert render_desktop_entry(template, ["/app"], None) == "[Desktop Entry]\nExec=/app %u\n"


def test_app_command_is_an_absolute_script() -> None:
    command = app_command()
    assert Path(command[0]).is_absolute()
    assert command == [str(Path(sys.executable).parent / "dialer-app")] or command[1:] == [
        "-m",
        "dialer_app",
    ]


def test_defaults_merge_edge_cases() -> None:
    types = ("x-scheme-handler/tel",)
    assert set_defaults("", "a.desktop", types) == (
        "[Default Applications]\nx-scheme-handler/tel=a.desktop;\n"
    )
    assert set_defaults("[Other]\nk=v\n", "a.desktop", types) == (
        "[Other]\nk=v\n\n[Default Applications]\nx-scheme-handler/tel=a.desktop;\n"
    )
    assert remove_defaults("", "a.desktop", types) == ""
    assert remove_defaults(
        "[Added Associations]\nx-scheme-handler/tel=a.desktop;\n", "a.desktop", types
    ) == ("[Added Associations]\nx-scheme-handler/tel=a.desktop;\n")
