"""Refresh the README pictures: the real windows on the demo team, rendered offscreen.

docs/main-window.png: the main window on the demo line, a person on the dial pad.
docs/call-logger.png: the popped-out call logger during a demo call.
docs/cadences.png: the Cadences tab and the cadence side panel running a step.
docs/recording-player.png: the player on a recorded demo call (a pause, notes beside it).
Usage: .venv/bin/python docs/make_screenshot.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).parent


def main() -> int:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from dialer_app.app import create_call_service, create_main_window, open_context, start_session
    from dialer_app.engine.events import CallState
    from dialer_app.paths import AppPaths
    from dialer_app.ui.event_wait import wait_until

    app = QApplication(sys.argv)

    with tempfile.TemporaryDirectory() as data_dir:
        context = open_context(AppPaths.resolve(data_dir), demo=True)
        calls = create_call_service(context)
        window = create_main_window(context, calls)
        window.resize(1000, 600)
        window.show()
        start_session(context, window, calls, demo=True)
        wait_until(lambda: calls.line_status.can_dial)
        window.people_panel.search_edit.setText("acme")
        window.people_panel.search_now()
        window.people_panel.table.selectRow(0)
        window.load_selected_person()
        app.processEvents()
        window.grab().save(str(HERE / "main-window.png"))

        window.dial_pad.request_dial()
        wait_until(
            lambda: calls.active_call is not None and calls.active_call.state is CallState.CONNECTED
        )
        logger_window = window.logger_window
        if logger_window is not None:
            QTest.keyClicks(
                logger_window.panel.notes, "Owns outbound calling. Wants pricing for 12 reps."
            )
            wait_until(lambda: "MOS" in window.call_panel.quality_label.text())
            QTest.qWait(1100)  # one more tick of the call timer
            logger_window.grab().save(str(HERE / "call-logger.png"))
            window.grab().save(str(HERE / "in-call.png"))
        calls.hangup()
        wait_until(lambda: calls.active_call is None)

        window.resize(1300, 700)  # the Cadences tab, and the side panel running a step
        if window.cadences_tab is not None:
            window.right_tabs.setCurrentWidget(window.cadences_tab)
        window.actions_by_name["cadence_todo"].trigger()
        dock = window.cadence_dock
        if dock is not None and dock.panel.todo.rows:
            dock.panel.run(dock.panel.todo.rows[0])
        QTest.qWait(300)
        window.grab().save(str(HERE / "cadences.png"))
        player = _recorded_call_player(context, window)
        if player is not None:
            player.resize(980, 360)
            QTest.qWait(300)
            player.grab().save(str(HERE / "recording-player.png"))
            player.close()
        calls.shutdown()
        context.close()
    print(
        "saved docs/main-window.png, in-call.png, call-logger.png, cadences.png and "
        "recording-player.png"
    )
    return 0


def _recorded_call_player(context: Any, window: Any) -> Any:
    """A 75 s demo call with Ava, recorded from 0:12 into it, paused for 8 s."""
    import json
    import wave
    from datetime import UTC, datetime, timedelta

    import numpy as np
    from sqlalchemy import select

    from dialer_app.db.models import Call, Person, Recording
    from dialer_app.recordings.storage import RecordingFiles

    seconds, rate, pause = 63.0, 8000, (30.0, 38.0)
    started = datetime.now(UTC) - timedelta(hours=2)
    with context.database.sessions.begin() as session:
        ava = session.scalars(select(Person).where(Person.first_name == "Ava")).first()
        call = Call(
            person_id=ava.id if ava else None,
            number_e164="+14045550100",
            line_name="Demo line",
            started_at=started,
            duration_s=75.0,
            outcome="answered",
            notes="Owns outbound calling. Wants pricing for 12 reps; call back Tuesday.",
            log_state="logged",
        )
        session.add(call)
        session.flush()
        uuid = call.uuid
        events = [
            {"event": "start", "call_s": 12.0, "file_s": 0.0},
            {"event": "pause", "call_s": 42.0, "file_s": pause[0]},
            {"event": "resume", "call_s": 50.0, "file_s": pause[1]},
            {"event": "stop", "call_s": 75.0, "file_s": seconds},
        ]
        session.add(
            Recording(
                call_id=call.id,
                state="ready",
                file_name=f"{uuid}.wav",
                started_at=started + timedelta(seconds=12),
                call_offset_s=12.0,
                duration_s=seconds,
                segments=json.dumps(events),
            )
        )
    files = RecordingFiles(context.paths.recordings_dir)
    files.ensure()
    frames = int(seconds * rate)
    rng = np.random.default_rng(5)
    t = np.arange(frames) / rate
    envelope = np.abs(np.sin(t * 1.7)) * (np.sin(t * 0.31) > -0.2)
    rep_talks = (t // 5) % 2 == 0
    audio = rng.normal(0, 1, (frames, 2)) * 6000 * envelope[:, None]
    audio[:, 0] *= rep_talks
    audio[:, 1] *= ~rep_talks
    audio[(t >= pause[0]) & (t < pause[1])] = 0
    with wave.open(str(files.final(uuid)), "wb") as handle:
        handle.setnchannels(2)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(audio.clip(-32768, 32767).astype("<i2").tobytes())
    actions = window.recording_actions()
    return actions.open_player(uuid, window) if actions is not None else None


if __name__ == "__main__":
    raise SystemExit(main())
