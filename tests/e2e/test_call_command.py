"""`dialer-app call` as a separate process against the built-in demo line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

APP = [sys.executable, "-m", "dialer_app"]


def _run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DIALER_APP_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [*APP, "call", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_answered_call_exits_zero_and_prints_states(isolated_dirs: Path) -> None:
    result = _run(isolated_dirs, "(404) 555-0100", "--hangup-after", "0.5", "--dtmf", "12#")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for expected in (
        "dialling +1 404-555-0100 (+14045550100) on Demo line",
        "ringing",
        "connected",
        "sent DTMF 12#",
        "hanging up",
        "outcome: answered",
    ):
        assert expected in out
    assert "pjlib" not in out  # the engine's own logging stays out of the rep's output


def test_busy_number_exits_one(isolated_dirs: Path) -> None:
    result = _run(isolated_dirs, "+1 404 555 0486")
    assert result.returncode == 1
    assert "outcome: busy — The line was busy." in result.stdout


def test_bad_number_is_refused_before_dialling(isolated_dirs: Path) -> None:
    result = _run(isolated_dirs, "not-a-number")
    assert result.returncode == 2
    assert "is not a phone number" in result.stdout
    assert "dialling" not in result.stdout


def test_unknown_line_is_refused(isolated_dirs: Path) -> None:
    result = _run(isolated_dirs, "+14045550100", "--line", "Nope")
    assert result.returncode == 2
    assert "no line named “Nope”" in result.stdout
