from __future__ import annotations

import subprocess
import sys

import pytest

from dialer_app import __version__
from dialer_app.cli import build_parser, main


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
