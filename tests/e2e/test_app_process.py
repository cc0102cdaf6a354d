"""The installed command, as a separate process, the way a rep starts it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

APP = [sys.executable, "-m", "dialer_app"]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DIALER_APP_DATA_DIR": str(data_dir),
        "QT_QPA_PLATFORM": "offscreen",
        **extra,
    }


def test_demo_opens_the_main_window_and_exits_cleanly(isolated_dirs: Path) -> None:
    result = subprocess.run(
        [*APP, "--demo"],
        env=_env(isolated_dirs, DIALER_APP_STARTUP_PROBE="1"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "startup-idle" in result.stdout
    assert (isolated_dirs / "dialer.sqlite3").exists()
    assert (isolated_dirs / "logs" / "dialer.log").exists()


def test_first_run_without_a_line_seeds_the_demo_team(isolated_dirs: Path) -> None:
    subprocess.run(
        [*APP],
        env=_env(isolated_dirs, DIALER_APP_STARTUP_PROBE="1"),
        check=True,
        timeout=60,
        capture_output=True,
    )
    result = subprocess.run(
        [*APP, "seed-demo"],
        env=_env(isolated_dirs),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == "demo team already present"


def test_doctor_prints_one_line_per_check(isolated_dirs: Path) -> None:
    result = subprocess.run(
        [*APP, "doctor"], env=_env(isolated_dirs), capture_output=True, text=True, timeout=60
    )
    lines = result.stdout.strip().splitlines()
    names = [line.split()[1] for line in lines]
    assert names[:2] == ["data", "database"]
    assert {"keyring", "audio", "line"} <= set(names)
    for line in lines:
        if line.startswith("FAIL"):
            assert "-- fix:" in line
    assert result.returncode == (1 if any(line.startswith("FAIL") for line in lines) else 0)


def test_a_corrupt_database_is_reported_not_wiped(isolated_dirs: Path) -> None:
    isolated_dirs.mkdir(parents=True)
    db = isolated_dirs / "dialer.sqlite3"
    db.write_bytes(b"garbage" * 50)
    result = subprocess.run(
        [*APP, "seed-demo"], env=_env(isolated_dirs), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "not a readable database" in result.stderr
    assert db.read_bytes() == b"garbage" * 50
    doctor = subprocess.run(
        [*APP, "doctor"], env=_env(isolated_dirs), capture_output=True, text=True, timeout=60
    )
    assert any(line.startswith("FAIL database") for line in doctor.stdout.splitlines())
