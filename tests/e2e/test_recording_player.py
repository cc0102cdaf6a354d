"""The real player plays a recording (QMediaPlayer on the FFmpeg backend, no sound server
needed): it reaches PlayingState, the position advances, a click on the waveform seeks,
1.5x and 2x set the playback rate. In its own process (recording_player_driver.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

DRIVER = Path(__file__).with_name("recording_player_driver.py")


def test_the_player_plays_seeks_and_changes_speed() -> None:
    result = subprocess.run(
        [sys.executable, str(DRIVER)],
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("{")]
    played = json.loads(line)
    assert played["loaded"] and played["playing"] and played["advanced"], played
    assert played["seeked"] and played["skipped_to_start"], played
    assert (played["rate_1.5"], played["rate_2.0"]) == (1.5, 2.0)
    assert played["advance_at_2x_ms"] > 0, played
    assert played["paused"], played
    assert played["time_label"] == f"0:0{played['position_ms'] // 1000} / 0:06", played
