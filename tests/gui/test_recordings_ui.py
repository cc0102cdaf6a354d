"""The Recordings tab, the player (QtMultimedia stood in for: see tests/e2e for the real
one), Listen to Recording on the Calls page and in the profile, delete and export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from dialer_app.app import AppContext, create_main_window
from dialer_app.db.models import RecordingState
from dialer_app.recordings.storage import RecordingFiles
from dialer_app.ui.main_window import MainWindow
from dialer_app.ui.recording_player import RecordingPlayer
from dialer_app.ui.recordings_page import SEARCH_DELAY_MS, RecordingsPage
from tests.gui.fake_recordings import FakeMedia, FakeRecordingService, PlaybackState
from tests.recording_data import add_recorded_call

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def files(context: AppContext) -> RecordingFiles:
    files = RecordingFiles(context.paths.recordings_dir)
    files.ensure()
    return files


@pytest.fixture
def uuids(context: AppContext, files: RecordingFiles) -> dict[str, str]:
    with context.database.sessions.begin() as session:
        made = {
            "ava": add_recorded_call(
                session,
                files,
                started_at=NOW - timedelta(hours=3),
                seconds=30.0,
                notes="Asked about pricing for 12 reps",
                disposition="Connected",
                call_offset_s=83.0,
                pauses=((10.0, 14.0),),
            ),
            "ben": add_recorded_call(
                session,
                files,
                person_name="Ben Carter",
                number="+14045550486",
                started_at=NOW - timedelta(hours=2),
                disposition="Busy",
                one_sided=True,
            ),
            "mia": add_recorded_call(
                session,
                files,
                person_name="Mia Hughes",
                number="+442071838750",
                started_at=NOW - timedelta(hours=1),
                state=RecordingState.DELETED,
                deleted_reason="Older than 90 days (team rule)",
            ),
        }
        return {name: call.uuid for name, call in made.items()}


@pytest.fixture
def service(context: AppContext, files: RecordingFiles) -> FakeRecordingService:
    return FakeRecordingService(files, context.database.sessions)


@pytest.fixture
def window(
    qtbot: QtBot, context: AppContext, service: FakeRecordingService, uuids: dict[str, str]
) -> Iterator[MainWindow]:
    FakeMedia.instances.clear()
    main = create_main_window(context, recordings=service)  # type: ignore[arg-type]
    qtbot.addWidget(main)
    actions = main.recording_actions()
    assert actions is not None
    actions.media_factory = FakeMedia
    main.show()
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)  # window shortcuts need the active window
    yield main
    actions.close_all()


def _page(qtbot: QtBot, window: MainWindow) -> RecordingsPage:
    qtbot.keyClick(
        window,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    page = window.recordings_page
    assert page is not None and window.right_tabs.currentWidget() is window.recordings_tab
    return page


def _cells(page: RecordingsPage) -> list[list[str]]:
    model = page.model
    return [
        [model.index(r, c).data() for c in range(1, model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_recordings_tab_lists_playable_recordings(
    qtbot: QtBot, qtmodeltester: object, window: MainWindow
) -> None:
    page = _page(qtbot, window)
    assert window.right_tabs.tabText(window.right_tabs.indexOf(window.recordings_tab)) == (
        "Recordings"
    )
    assert page.model.columns == ("Source", "Person", "Number", "Date", "Duration", "Disposition")
    rows = _cells(page)
    assert [r[0] for r in rows] == ["Ben Carter", "Ava Thompson"]  # Mia's was deleted
    assert rows[1][1:] == [
        "+14045550100",
        (NOW - timedelta(hours=3)).astimezone().strftime("%Y-%m-%d %H:%M"),
        "0:30",
        "Connected",
    ]
    assert page.model.index(0, 0).data() == "☎ Dialer"
    assert "one-sided" in page.model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert page.count_label.text() == "2 recordings"
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]


def test_search_filters_after_a_pause_in_typing(qtbot: QtBot, window: MainWindow) -> None:
    page = _page(qtbot, window)
    qtbot.keyClicks(page.search_edit, "pricing")
    assert page.model.rowCount() == 2  # not yet: the search waits for a pause
    qtbot.wait(SEARCH_DELAY_MS + 50)
    assert [r[0] for r in _cells(page)] == ["Ava Thompson"]
    assert page.count_label.text() == "1 recording matching “pricing”"
    page.search_edit.setText("nobody")
    page.search_now()
    assert page.model.rowCount() == 0
    assert not page.play_button.isEnabled()


def test_the_period_filter_leaves_out_older_recordings(
    qtbot: QtBot, context: AppContext, files: RecordingFiles, window: MainWindow
) -> None:
    with context.database.sessions.begin() as session:
        add_recorded_call(
            session, files, person_name="Old Timer", started_at=NOW - timedelta(days=40)
        )
    page = _page(qtbot, window)
    page.refresh()
    assert [r[0] for r in _cells(page)] == ["Ben Carter", "Ava Thompson", "Old Timer"]
    page.period_combo.setCurrentText("Last 30 days")
    assert [r[0] for r in _cells(page)] == ["Ben Carter", "Ava Thompson"]
    page.period_combo.setCurrentText("Any time")
    assert page.count_label.text() == "3 recordings"


def test_enter_opens_the_player_with_waveform_pauses_and_notes(
    qtbot: QtBot, window: MainWindow, uuids: dict[str, str], files: RecordingFiles
) -> None:
    page = _page(qtbot, window)
    page.search_edit.setText("ava")
    page.search_now()
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 1))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    actions = window.recording_actions()
    assert actions is not None
    player = actions.players[uuids["ava"]]
    assert player.isWindow() and player.isVisible()
    assert "Ava Thompson" in player.title.text()
    assert player.started_label.text() == "Recording started at 1:23 into the call"
    assert [(p.start_s, p.end_s) for p in player.waveform.pauses] == [(10.0, 14.0)]
    assert player.notes.toPlainText() == "Asked about pricing for 12 reps"
    assert player.disposition.text() == "Disposition: Connected"
    assert player.time_label.text() == "0:00 / 0:30"
    assert files.waveform_cache(uuids["ava"]).exists()  # computed once, cached
    (media,) = FakeMedia.instances
    assert media.source == str(files.final(uuids["ava"]))


def test_player_controls(qtbot: QtBot, window: MainWindow, uuids: dict[str, str]) -> None:
    actions = window.recording_actions()
    assert actions is not None
    player = actions.open_player(uuids["ava"], window)
    assert player is not None
    qtbot.waitExposed(player)
    media = FakeMedia.instances[-1]
    qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)
    assert media.playbackState() is PlaybackState.PlayingState
    assert player.play_button.text() == "❚❚ Pause"
    media.setPosition(1500)  # the backend moves on
    assert player.time_label.text() == "0:01 / 0:30"

    view = player.waveform
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(view.width() // 2, 20))
    assert abs(media.position() - 15_000) <= 30_000 / view.width() * 1000 + 1

    media.setPosition(5_000)
    qtbot.mouseClick(player.forward_button, Qt.MouseButton.LeftButton)
    assert media.position() == 15_000
    qtbot.mouseClick(player.back_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(player.back_button, Qt.MouseButton.LeftButton)
    assert media.position() == 0  # not before the start
    media.setPosition(25_000)
    qtbot.mouseClick(player.forward_button, Qt.MouseButton.LeftButton)
    assert media.position() == 30_000  # nor past the end

    qtbot.mouseClick(player.speed_buttons[1], Qt.MouseButton.LeftButton)
    assert media.playbackRate() == 1.5
    qtbot.mouseClick(player.speed_buttons[2], Qt.MouseButton.LeftButton)
    assert media.playbackRate() == 2.0

    player.activateWindow()
    player.setFocus()
    media.setPosition(12_000)
    qtbot.keyClick(player, Qt.Key.Key_Left)
    assert media.position() == 2_000
    qtbot.keyClick(player, Qt.Key.Key_Right)
    assert media.position() == 12_000
    qtbot.keyClick(player, Qt.Key.Key_Space)
    assert media.playbackState() is PlaybackState.PausedState
    qtbot.keyClick(player, Qt.Key.Key_Space)
    assert media.playbackState() is PlaybackState.PlayingState
    player.close()
    assert media.playbackState() is PlaybackState.StoppedState
    assert uuids["ava"] not in actions.players


def test_one_sided_recordings_say_so(window: MainWindow, uuids: dict[str, str]) -> None:
    actions = window.recording_actions()
    assert actions is not None
    player = actions.open_player(uuids["ben"], window)
    assert player is not None
    assert player.started_label.text() == "Only your voice was recorded"


def test_delete_asks_first_and_the_call_history_says_so(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    window: MainWindow,
    service: FakeRecordingService,
    uuids: dict[str, str],
    files: RecordingFiles,
) -> None:
    page = _page(qtbot, window)
    page.table.selectRow(1)  # Ava
    questions: list[str] = []

    def answer(reply: QMessageBox.StandardButton):  # type: ignore[no-untyped-def]
        def ask(_parent: object, _title: str, text: str) -> QMessageBox.StandardButton:
            questions.append(text)
            return reply

        return ask

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert "Delete the recording of your call with Ava Thompson" in questions[0]
    assert ("delete", uuids["ava"]) not in service.calls
    assert files.final(uuids["ava"]).exists()

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert ("delete", uuids["ava"]) in service.calls
    assert not files.final(uuids["ava"]).exists()
    assert [r[0] for r in _cells(page)] == ["Ben Carter"]

    window.show_calls()
    calls_page = window.calls_page
    assert calls_page is not None
    column = calls_page.model.columns.index("Recording")
    texts = {
        calls_page.model.index(r, 1).data(): calls_page.model.index(r, column).data()
        for r in range(calls_page.model.rowCount())
    }
    assert texts == {
        "Ava Thompson": "Recording deleted: Deleted by you",
        "Ben Carter": "▶ Listen to Recording",
        "Mia Hughes": "Recording deleted: Older than 90 days (team rule)",
    }


def test_export_suggests_a_name_and_reports_problems(
    qtbot: QtBot,
    window: MainWindow,
    service: FakeRecordingService,
    uuids: dict[str, str],
    tmp_path: Path,
) -> None:
    actions = window.recording_actions()
    assert actions is not None
    suggested: list[str] = []
    target = tmp_path / "out" / "ava.wav"
    actions._choose_path = lambda _parent, name: suggested.append(name) or target  # type: ignore[assignment]
    player = actions.open_player(uuids["ava"], window)
    assert player is not None
    qtbot.mouseClick(player.export_button, Qt.MouseButton.LeftButton)
    when = (NOW - timedelta(hours=3)).astimezone().strftime("%Y-%m-%d %H-%M")
    assert suggested == [f"Ava Thompson {when}.wav"]
    assert "does not exist" in player.message.text()  # the service's OSError, shown
    target.parent.mkdir()
    qtbot.mouseClick(player.export_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes()[:4] == b"RIFF"
    assert player.message.text() == f"Exported to {target}"


def test_calls_page_listen_to_recording_or_no_recording(
    qtbot: QtBot, window: MainWindow, uuids: dict[str, str]
) -> None:
    window.show_calls()
    page = window.calls_page
    assert page is not None
    model = page.model
    column = model.columns.index("Recording")
    rows = {model.index(r, 1).data(): r for r in range(model.rowCount())}
    page.table.setCurrentIndex(model.index(rows["Mia Hughes"], 0))
    assert not page.listen_button.isEnabled()
    page.table.setCurrentIndex(model.index(rows["Ava Thompson"], 0))
    assert page.listen_button.isEnabled()
    assert model.index(rows["Ava Thompson"], column).data() == "▶ Listen to Recording"
    qtbot.mouseClick(page.listen_button, Qt.MouseButton.LeftButton)
    actions = window.recording_actions()
    assert actions is not None and uuids["ava"] in actions.players


def test_the_profile_plays_a_call_s_recording_inline(
    qtbot: QtBot, window: MainWindow, context: AppContext, uuids: dict[str, str]
) -> None:
    from sqlalchemy import select

    from dialer_app.db.models import Person

    with context.database.sessions() as session:
        ava = session.scalars(select(Person).where(Person.first_name == "Ava")).first()
        assert ava is not None
        ava_id = ava.id
    profile = window.open_profile(ava_id)
    assert profile is not None
    qtbot.waitExposed(profile)
    player = profile.player
    assert isinstance(player, RecordingPlayer) and not player.isVisible()
    table, model = profile.calls_page.table, profile.calls_page.model
    recorded = next(
        r
        for r in range(model.rowCount())
        if model.row_at(r).uuid == uuids["ava"]  # type: ignore[union-attr]
    )
    table.setCurrentIndex(model.index(recorded, 0))
    assert player.isVisible() and player.row is not None
    assert player.row.call_uuid == uuids["ava"]
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert player.playing
    profile.close()
