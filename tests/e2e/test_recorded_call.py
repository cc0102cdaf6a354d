"""Record a call in the real app on the built-in demo line (real pjsua2 on loopback, the real
service, database and files), and recover one the app was killed in the middle of.

The window runs in its own process (tests/e2e/recorded_call_driver.py): pjsua2 allows one
endpoint per process, and the engine integration tests hold this one's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

DRIVER = Path(__file__).with_name("recorded_call_driver.py")
ROOT = DRIVER.parents[2]


def drive(*args: str) -> tuple[int, dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, str(DRIVER), *args],
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)},
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, result.stdout + result.stderr[-3000:]
    return result.returncode, json.loads(lines[-1])


def test_a_call_recorded_from_the_icon_is_saved_as_stereo_with_its_paused_span_silent(
    tmp_path: Path,
) -> None:
    code, saved = drive("record", str(tmp_path))
    assert code == 0
    assert saved["armed_tooltip"] == "Record next call"
    assert "paused" in saved["paused_label"].lower()
    assert (saved["state"], saved["channels"], saved["problem"]) == ("ready", 2, "")
    assert saved["file_name"] == f"{saved['call_id']}.wav"  # named by the call, never by input
    events = [segment["event"] for segment in saved["segments"]]
    assert events == ["start", "pause", "resume", "stop"]
    pause, resume = saved["segments"][1]["file_s"], saved["segments"][2]["file_s"]
    assert 0.9 <= resume - pause <= 1.5  # the pause stays in the file as time
    assert abs(saved["file_s"] - saved["segments"][3]["file_s"]) < 0.3
    rep, prospect = saved["peaks_before_pause"]
    assert prospect > 1000, "the demo prospect's prompt should be on the right channel"
    assert rep == 0  # the null sound device: the rep's microphone is silent here
    assert saved["peaks_paused"] == [0, 0]


def test_a_recording_cut_by_kill_9_is_repaired_at_the_next_start(tmp_path: Path) -> None:
    code, crashed = drive("crash", str(tmp_path))
    assert code == -9
    call_id = crashed["call_id"]
    partial = list((tmp_path / "recordings" / "partial").glob(f"{call_id}.*.wav"))
    assert len(partial) == 2, "the rep's and the prospect's parts are left behind"

    code, repaired = drive("restart", str(tmp_path), call_id)
    assert code == 0
    assert (repaired["repaired"], repaired["state"], repaired["channels"]) == (1, "repaired", 2)
    assert 1.0 <= repaired["file_s"] <= 2.0  # the audio up to the kill (~1.5 s) is kept
    assert repaired["peaks_all"][1] > 1000
    assert repaired["problem"].startswith("Recovered after the app closed unexpectedly")
    assert [s["event"] for s in repaired["segments"]] == ["start", "stop"]
    assert not list((tmp_path / "recordings" / "partial").glob(f"{call_id}.*.wav"))
