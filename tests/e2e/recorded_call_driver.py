"""Drives the real main window in its own process: record a call to a demo person on the
built-in demo line by clicking the record icon, pause and resume it, hang up, and print what
the app saved. With ``crash`` it SIGKILLs itself mid-recording instead; with ``restart`` it
only starts the app's recording service on the same data folder (crash repair) and prints
the result. One JSON line each.

Usage: recorded_call_driver.py record|crash|restart DATA_DIR
Run by tests/e2e/test_recorded_call.py (pjsua2 allows one endpoint per process).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import wave
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from dialer_app.app import create_call_service, create_main_window, open_context, start_calls
from dialer_app.domain.line_status import LineState
from dialer_app.domain.recording_indicator import IndicatorState
from dialer_app.engine.events import CallState
from dialer_app.paths import AppPaths
from dialer_app.services.calls import CallService
from dialer_app.services.recordings import HousekeepingReport
from dialer_app.ui.event_wait import wait_until as wait_for
from dialer_app.ui.main_window import MainWindow

TIMEOUT_MS = 15_000
AVA_OFFICE = "4045550100"  # a demo person's number; the demo line answers it with a prompt


def wait_until(condition: Callable[[], bool], what: str) -> None:
    if not wait_for(condition, TIMEOUT_MS):
        raise SystemExit(f"timed out waiting for {what}")


def channel_peaks(path: Path, start_s: float, end_s: float) -> tuple[int, int]:
    """Largest absolute sample of each channel (rep, prospect) between two offsets."""
    import array

    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        wav.setpos(int(start_s * rate))
        samples = array.array("h", wav.readframes(int((end_s - start_s) * rate)))
    left, right = samples[0::2], samples[1::2]
    return max(map(abs, left), default=0), max(map(abs, right), default=0)


def click_record(window: MainWindow, expect: IndicatorState) -> None:
    QTest.mouseClick(window.recording_control.button, Qt.MouseButton.LeftButton)
    service = window.recording_service
    assert service is not None
    wait_until(lambda: service.indicator.state is expect, expect.value)


def record(window: MainWindow, calls: CallService, *, crash: bool) -> dict[str, object]:
    service = window.recording_service
    assert service is not None
    saved: list[bool] = []
    service.recordings_changed.connect(lambda: saved.append(True))
    QTest.keyClicks(window.dial_pad.number_edit, AVA_OFFICE)
    wait_until(lambda: service.indicator.clickable, "the icon to offer recording")
    click_record(window, IndicatorState.ARMED)
    armed_tooltip = window.recording_control.button.toolTip()
    QTest.mouseClick(window.dial_pad.dial_button, Qt.MouseButton.LeftButton)
    wait_until(
        lambda: calls.active_call is not None and calls.active_call.state is CallState.CONNECTED,
        "Connected",
    )
    call_id = calls.active_call.call_id if calls.active_call else ""
    wait_until(lambda: service.indicator.state is IndicatorState.RECORDING, "recording")
    QTest.qWait(1500)
    if crash:
        print(json.dumps({"call_id": call_id}), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    click_record(window, IndicatorState.PAUSED)
    paused_label = window.recording_control.state_label.text()
    QTest.qWait(1000)
    click_record(window, IndicatorState.RECORDING)
    QTest.qWait(1000)
    QTest.mouseClick(window.call_panel.hangup_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: bool(saved), "the recording to be saved")
    return {
        "call_id": call_id,
        "armed_tooltip": armed_tooltip,
        "paused_label": paused_label,
        **describe(window, call_id),
    }


def describe(window: MainWindow, call_id: str) -> dict[str, object]:
    """The saved row, and the file's shape and loudness per span."""
    reader = window._deps.recordings_reader
    files = window._deps.recording_files
    assert reader is not None and files is not None
    row = reader.for_call(call_id)
    assert row is not None, "no recording row"
    result: dict[str, object] = {
        "state": row.state,
        "segments": json.loads(row.segments),
        "duration_s": row.duration_s,
        "problem": row.problem,
        "file_name": row.file_name,
    }
    path = files.root / row.file_name if row.file_name else None
    if path is not None and path.is_file():
        with wave.open(str(path), "rb") as wav:
            result["channels"] = wav.getnchannels()
            result["file_s"] = wav.getnframes() / wav.getframerate()
        segments = result["segments"]
        assert isinstance(segments, list)
        marks = {s["event"]: float(s["file_s"]) for s in segments}
        if "pause" in marks:
            result["peaks_before_pause"] = channel_peaks(path, 0.2, marks["pause"] - 0.1)
            paused = (marks["pause"] + 0.1, marks["resume"] - 0.1)
            result["peaks_paused"] = channel_peaks(path, *paused)
        else:
            result["peaks_all"] = channel_peaks(path, 0.2, float(result["file_s"]) - 0.1)
    return result


def main() -> int:
    mode, data_dir = sys.argv[1], sys.argv[2]
    app = QApplication(sys.argv[:1])
    context = open_context(AppPaths.resolve(data_dir), demo=True)
    calls = create_call_service(context, with_engine=mode != "restart")
    window = create_main_window(context, calls)
    window.show()
    service = window.recording_service
    assert service is not None
    reports: list[HousekeepingReport] = []
    service.housekeeping_done.connect(reports.append)
    service.start()
    wait_until(lambda: bool(reports), "start-up housekeeping")
    if mode == "restart":
        call_id = sys.argv[3]
        result = {"repaired": reports[0].repaired, **describe(window, call_id)}
    else:
        start_calls(context, calls, demo=True)
        wait_until(lambda: calls.line_status.state is LineState.DEMO, "the demo line")
        result = record(window, calls, crash=mode == "crash")
    print(json.dumps(result), flush=True)
    service.shutdown()
    calls.shutdown()
    window.close()
    context.close()
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
