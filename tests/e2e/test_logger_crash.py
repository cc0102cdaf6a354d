"""Notes typed during a call survive a crash: SIGKILL the app mid-call, start it again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

DRIVER = Path(__file__).with_name("logger_crash_driver.py")
ROOT = DRIVER.parents[2]
NOTES = "Budget approved for Q3. Call back Tuesday 10am, ask for the CFO."


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}


def test_notes_survive_sigkill_mid_call(tmp_path: Path) -> None:
    data_dir = str(tmp_path / "data")
    with subprocess.Popen(
        [sys.executable, str(DRIVER), "type", data_dir],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_env(),
    ) as typing:
        assert typing.stdout is not None
        saved = None
        for line in typing.stdout:  # blocks until autosave has written the notes
            if line.startswith("{"):
                saved = json.loads(line)["draft_saved"]
                break
        typing.send_signal(signal.SIGKILL)  # a crash: no shutdown code runs
        typing.wait(timeout=30)
    assert saved, "the app never autosaved the notes"
    assert typing.returncode == -signal.SIGKILL

    recovered = subprocess.run(
        [sys.executable, str(DRIVER), "recover", data_dir],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(),
    )
    assert recovered.returncode == 0, recovered.stderr[-3000:]
    report = json.loads(
        next(line for line in recovered.stdout.splitlines() if line.startswith("{"))
    )
    assert report["recovered"] is True
    assert report["call_uuid"] == saved
    assert report["visible"] is True
    assert NOTES.startswith(report["notes"]) and report["notes"]
