"""Click Dial in the real window and talk to the built-in demo line (real pjsua2, loopback).

The window runs in its own process (tests/e2e/demo_call_driver.py): pjsua2 allows one
endpoint per process, and the engine integration tests hold this one's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

DRIVER = Path(__file__).with_name("demo_call_driver.py")
ROOT = DRIVER.parents[2]


def test_dial_button_reaches_the_demo_prospect() -> None:
    result = subprocess.run(
        [sys.executable, str(DRIVER)],
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    answered, busy = (
        json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")
    )
    assert answered["outcome"] == "answered"
    assert answered["panel_while_connected"].startswith("Connected")
    assert answered["duration_s"] is not None
    assert answered["panel_after"].startswith("Call ended")
    assert busy["outcome"] == "busy"
    assert busy["suggested"] == "Busy"
    assert "The line was busy." in busy["panel_after"]
