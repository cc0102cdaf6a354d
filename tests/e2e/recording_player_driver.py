"""Plays a real stereo WAV in the real player (QMediaPlayer, FFmpeg backend) and prints what
happened as JSON. Its own process: QtMultimedia stays out of the pjsua2 test process."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> int:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from dialer_app.db.recordings_reader import RecordingRow
    from dialer_app.recordings import waveform
    from dialer_app.ui.recording_player import RecordingPlayer
    from tests.recording_data import write_stereo_wav

    app = QApplication(sys.argv)

    def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            app.processEvents()
            if condition():
                return True
            time.sleep(0.01)
        return False

    with tempfile.TemporaryDirectory() as folder:
        wav = write_stereo_wav(Path(folder) / "call.wav", 6.0, left=0.5, right=0.3)
        row = RecordingRow(
            call_uuid="01a209ad-bf1e-7c54-8d2a-cb172fd6d1f6",
            person_id=1,
            person_name="Ava Thompson",
            number_e164="+14045550100",
            call_started_at=datetime(2026, 11, 23, 14, 5, tzinfo=UTC),
            duration_s=6.0,
            disposition="Connected",
            notes="Sent pricing",
            state="ready",
            file_name="call.wav",
            one_sided=False,
            call_offset_s=0.0,
            segments="[]",
            problem="",
            deleted_reason="",
        )
        player = RecordingPlayer(as_window=True)
        player.resize(800, 300)
        player.show()
        player.load(row, wav, waveform.compute(wav))
        media = player.media
        result: dict[str, object] = {"loaded": media.source().toLocalFile() == str(wav)}

        player.toggle_play()
        result["playing"] = wait_for(
            lambda: media.playbackState().name == "PlayingState" and player.playing
        )
        result["advanced"] = wait_for(lambda: media.position() > 400)
        view = player.waveform
        x = int(view.x_for(4.0))
        QTest.mouseClick(
            view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x, 30)
        )
        result["seeked"] = wait_for(lambda: 3500 <= media.position() <= 5500)
        player.skip(-10_000)
        result["skipped_to_start"] = wait_for(lambda: media.position() < 1000)
        for index, rate in ((1, 1.5), (2, 2.0)):
            QTest.mouseClick(player.speed_buttons[index], Qt.MouseButton.LeftButton)
            result[f"rate_{rate}"] = media.playbackRate()
        started = media.position()
        wait_for(lambda: False, 0.5)
        result["advance_at_2x_ms"] = media.position() - started
        player.toggle_play()
        result["paused"] = wait_for(lambda: media.playbackState().name == "PausedState")
        wait_for(lambda: False, 0.3)
        result["time_label"] = player.time_label.text()
        result["position_ms"] = media.position()
        player.close()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
