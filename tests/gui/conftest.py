from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from dialer_app.app import AppContext, create_call_service, create_main_window
from dialer_app.domain.line_status import LineState
from dialer_app.engine.events import CallEnded
from dialer_app.services.calls import CallService
from dialer_app.ui.main_window import MainWindow
from tests.gui.fake_engine import FakeEngine


@pytest.fixture
def window(qtbot: QtBot, context: AppContext) -> MainWindow:
    main = create_main_window(context)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


@pytest.fixture
def phone(
    qtbot: QtBot, context: AppContext
) -> Iterator[tuple[MainWindow, CallService, FakeEngine]]:
    FakeEngine.instances.clear()
    calls = create_call_service(context)
    calls._engine_factory = FakeEngine  # type: ignore[assignment]
    window = create_main_window(context, calls)
    window.show()  # closed below, after the call ended (pytest-qt would close it first)
    calls.start([], "")
    qtbot.waitUntil(lambda: calls.line_status.state is LineState.DEMO)
    engine = FakeEngine.instances[0]
    yield window, calls, engine
    active = calls.active_call
    if active is not None:  # end it, or closing the window would ask "hang up and quit?"
        engine.on_event(CallEnded(active.call_id, 487, "Request Terminated", None, False, True))
        qtbot.waitUntil(lambda: calls.active_call is None)
    calls.shutdown()
    window.close()
    window.deleteLater()


class _SilentPlayer:
    """Stands in for QMediaPlayer: records play/stop (QtMultimedia stays out of this process)."""

    def __init__(self) -> None:
        self.playing = False

    def setPosition(self, _ms: int) -> None:
        pass

    def play(self) -> None:
        self.playing = True

    def stop(self) -> None:
        self.playing = False


@pytest.fixture(autouse=True)
def no_qt_multimedia(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep QtMultimedia (FFmpeg, PulseAudio threads) out of the test process, which also
    runs pjsua2 in the engine tests; the ringer's device list and player are stubbed."""
    from dialer_app.ui import ringer, settings_audio

    monkeypatch.setattr(settings_audio, "ringer_device_names", lambda: ["Desk Speakers"])
    monkeypatch.setattr(ringer.Ringer, "_ensure_player", lambda self: _SilentPlayer())
