"""Start-up time: process start -> main window shown and idle, against a bare PySide6 window.

Runs both alternately (offscreen, demo database) and prints medians. Last line:
    startup_ms=<N> bare_qt_ms=<M> ratio=<N/M>
Usage: python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_QT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication(sys.argv)
window = QMainWindow(); window.setCentralWidget(QLabel("bare")); window.show()
def probe():
    print("startup-idle", flush=True); app.quit()
QTimer.singleShot(0, probe)
app.exec()
"""


def time_until_idle(command: list[str], env: dict[str, str]) -> float:
    """Milliseconds from spawning the process to its 'startup-idle' line."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() == "startup-idle":
            elapsed = (time.perf_counter() - started) * 1000
            break
    else:
        raise RuntimeError(f"{command} never reported startup-idle (exit {process.wait()})")
    process.wait(timeout=30)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DIALER_APP_STARTUP_PROBE="1")
    # An installed app runs from compiled modules; the warm-up run below writes them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as data_dir:
        env["DIALER_APP_DATA_DIR"] = data_dir
        subprocess.run(
            [sys.executable, "-m", "dialer_app", "seed-demo"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        bare_script = Path(data_dir) / "bare_qt.py"
        bare_script.write_text(BARE_QT)
        app_cmd = [sys.executable, "-m", "dialer_app"]
        bare_cmd = [sys.executable, str(bare_script)]
        # one warm-up each (page cache, .pyc), then alternate so noise hits both alike
        time_until_idle(app_cmd, env)
        time_until_idle(bare_cmd, env)
        app_ms: list[float] = []
        bare_ms: list[float] = []
        for _ in range(args.runs):
            app_ms.append(time_until_idle(app_cmd, env))
            bare_ms.append(time_until_idle(bare_cmd, env))
    startup = statistics.median(app_ms)
    bare = statistics.median(bare_ms)
    p90 = sorted(app_ms)[int(len(app_ms) * 0.9)]
    print(
        f"runs={args.runs} app_ms min={min(app_ms):.0f} p90={p90:.0f} "
        f"bare_ms min={min(bare_ms):.0f}"
    )
    print(f"startup_ms={startup:.0f} bare_qt_ms={bare:.0f} ratio={startup / bare:.2f}")


if __name__ == "__main__":
    main()
