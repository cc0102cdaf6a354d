from __future__ import annotations

import subprocess
import sys

import pytest

from dialer_app import __version__
from dialer_app.cli import build_parser, main, split_link


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"dialer-app {__version__}"


def test_help_lists_the_subcommands() -> None:
    text = build_parser().format_help()
    for command in ("run", "doctor", "seed-demo", "call", "import"):
        assert command in text
    assert "--data-dir" in text
    assert "--demo" in text


def test_python_dash_m_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dialer_app", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == f"dialer-app {__version__}"


@pytest.mark.parametrize(
    ("argv", "rest", "link"),
    [
        (["tel:+14045551234"], [], "tel:+14045551234"),
        (["--demo", "tel:+1404"], ["--demo"], "tel:+1404"),
        (["--data-dir", "D", "callto:+1404"], ["--data-dir", "D"], "callto:+1404"),
        (["--data-dir=D", "sip:+1@h", "-v"], ["--data-dir=D", "-v"], "sip:+1@h"),
        (["--data-dir", "tel:odd-folder-name"], ["--data-dir", "tel:odd-folder-name"], None),
        (["call", "tel:+1404"], ["call", "tel:+1404"], None),  # the call command's number
        (["run"], ["run"], None),
        ([], [], None),
    ],
)
def test_a_link_before_any_subcommand_is_taken_out(
    argv: list[str], rest: list[str], link: str | None
) -> None:
    assert split_link(argv) == (rest, link)


def test_a_link_cannot_go_with_another_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["tel:+14045551234", "doctor"])
    assert exited.value.code == 2
    assert "cannot go with doctor" in capsys.readouterr().err


def test_help_mentions_links_and_install_desktop() -> None:
    text = build_parser().format_help()
    assert "install-desktop" in text
    assert "tel:+14045551234" in text
