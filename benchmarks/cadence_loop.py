"""The cadence runner's loop on the real app: how fast the next person comes up after a log.

Builds a demo database with two cadences of one phone step each and ``--people`` people
(all due today), runs the real MainWindow offscreen with the real CallService on the
built-in demo line (pjsua2 in this process), and for each person: dial → answered → hang
up → Log and Complete in the call logger. Measured from the Log and Complete click:

* ``next_call_ms`` (auto_dial on): to the engine's CALLING event of the next person's call
  (the INVITE is out);
* ``next_person_ms`` (auto_dial off): to the next person shown in the side panel with their
  number on the dial pad.

The last line printed is::

    next_call_ms=<a> next_person_ms=<b>

Run: ``.venv/bin/python benchmarks/cadence_loop.py [--people 50]`` (targets: < 150 ms each).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TIMEOUT_MS = 20_000
FIRST_NUMBER = 14045550100
"""+1 404 555 0100 and up: the demo line answers them (not 0486 busy, 0408, 0199)."""


def _p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * (len(values) - 1))]


def _build(context: Any, count: int) -> list[int]:
    """``count`` people with an answering number, on two fresh one-step phone cadences."""
    from dialer_app.db.models import Person, PhoneKind, PhoneNumber
    from dialer_app.services.cadences import CadenceService

    ids = []
    with context.database.sessions.begin() as session:
        for n in range(count):
            e164 = f"+{FIRST_NUMBER + n}"
            person = Person(first_name=f"Bench{n:02d}", last_name="Prospect")
            person.phone_numbers.append(
                PhoneNumber(kind=PhoneKind.MOBILE, e164=e164, original=e164, digits=e164[1:])
            )
            session.add(person)
            session.flush()
            ids.append(person.id)
    service = CadenceService(context.database.sessions)
    for row in service.list_cadences():
        service.set_archived(row.id, True)  # only the benchmark's steps are due
    cadences = []
    for name in ("Bench auto-dial", "Bench manual"):
        cadence = service.create_cadence(name)
        service.add_step(cadence.id, "phone", 1, f"{name} call", "Say hello.")
        # added two weeks ago: day 1 is due today whatever the weekday
        service.add_people(cadence.id, ids, today=service.today() - timedelta(days=14))
        cadences.append(cadence.id)
    return cadences


def _until(condition: Callable[[], object], what: str) -> None:
    from dialer_app.ui.event_wait import wait_until

    if not wait_until(condition, TIMEOUT_MS, poll_ms=1):
        raise SystemExit(f"timed out waiting for {what}")


class Loop:
    """The real window with its side panel open, calling on the demo line."""

    def __init__(self, window: Any, calls: Any) -> None:
        from dialer_app.engine.events import CallState, CallStateChanged

        self.window, self.calls = window, calls
        self.calling: dict[str, float] = {}
        """Call id -> when the engine reported CALLING (the INVITE went out)."""
        self.finished: list[object] = []
        calls.call_finished.connect(self.finished.append)
        dock = window.toggle_cadence_panel()
        assert dock is not None
        self.panel = dock.panel
        self._calling_state, self._event_type = CallState.CALLING, CallStateChanged

    def on_engine_event(self, event: object) -> None:
        if isinstance(event, self._event_type) and event.state is self._calling_state:
            self.calling.setdefault(event.call_id, event.at)

    def call_and_hang_up(self) -> str:
        from dialer_app.engine.events import CallState

        calls = self.calls
        _until(lambda: calls.active_call is not None, "the call to start")
        call_id = str(calls.active_call.call_id)
        _until(
            lambda: (
                calls.active_call is not None and calls.active_call.state is CallState.CONNECTED
            ),
            "the demo line to answer",
        )
        seen = len(self.finished)
        self._click(self.window.call_panel.hangup_button)
        _until(lambda: len(self.finished) > seen, "the end of the call")
        return call_id

    @staticmethod
    def _click(button: Any) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        QTest.mouseClick(button, Qt.MouseButton.LeftButton)

    def run(self, cadence_id: int, auto: bool) -> list[float]:
        """Run the cadence's step to the end; one figure per person after the first."""
        panel, calls = self.panel, self.calls
        panel.auto_dial_check.setChecked(auto)
        panel.show_list()
        panel.run(next(r for r in panel.todo.rows if r.cadence_id == cadence_id))
        figures: list[float] = []
        while panel.pages.currentIndex() == 1:
            if not auto:
                self._click(self.window.dial_pad.dial_button)
            ended = self.call_and_hang_up()
            before = panel.current
            logger = self.window.logger_window
            assert logger is not None and before is not None
            clicked = time.time()
            self._click(logger.panel.main_button)
            if panel.pages.currentIndex() != 1:
                break  # the last person: the suggestions
            if auto:
                _until(lambda: calls.active_call is not None, "the next call")
                call_id: str = calls.active_call.call_id
                assert call_id != ended
                _until(lambda: call_id in self.calling, "the INVITE")  # noqa: B023 (not kept)
                figures.append((self.calling[call_id] - clicked) * 1000)
            else:
                shown = time.time()  # the log's handlers ran: the panel shows the next one
                current = panel.current
                assert current is not None and current.membership_id != before.membership_id
                assert self.window.dial_pad.person_id == current.person_id
                figures.append((shown - clicked) * 1000)
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--people", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from dialer_app.app import create_call_service, create_main_window, open_context, start_calls
    from dialer_app.domain.line_status import LineState
    from dialer_app.paths import AppPaths

    app = QApplication([])
    with tempfile.TemporaryDirectory(prefix="bench-cadence-") as data_dir:
        context = open_context(AppPaths.resolve(data_dir), demo=True)
        auto_cadence, manual_cadence = _build(context, args.people)
        calls = create_call_service(context)
        window = create_main_window(context, calls)
        window.show()
        loop = Loop(window, calls)
        calls._engine_event.connect(loop.on_engine_event)
        start_calls(context, calls, demo=True)
        _until(lambda: calls.line_status.state is LineState.DEMO, "the demo line")
        next_call = loop.run(auto_cadence, auto=True)
        next_person = loop.run(manual_cadence, auto=False)
        calls._engine_event.disconnect(loop.on_engine_event)
        calls.shutdown()
        window.close()
        window.deleteLater()
        app.processEvents()
        context.close()
    del app
    for name, values in (("next call", next_call), ("next person", next_person)):
        print(
            f"{name}: n={len(values)} median={statistics.median(values):.1f} ms "
            f"p90={_p90(values):.1f} ms max={max(values):.1f} ms"
        )
    print(
        f"next_call_ms={statistics.median(next_call):.1f} "
        f"next_person_ms={statistics.median(next_person):.1f}"
    )


if __name__ == "__main__":
    main()
