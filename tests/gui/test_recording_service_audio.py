"""The saved recording as a file: stereo, the paused span silent, a failure keeping what was
written, a half-written part repaired at start-up.

These need the real WAV code (dialer_app/recordings/wav_files.py: read_info,
header_is_complete, repair, merge_to_stereo, sha256_of).
"""

from __future__ import annotations

import hashlib
import struct
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from dialer_app.app import AppContext
from dialer_app.db.models import RecordingState
from dialer_app.domain import recording_messages as words
from dialer_app.engine.events import RecordingFailed
from dialer_app.services.recordings import HousekeepingReport
from tests.gui.fake_engine import tone
from tests.gui.recording_rig import SAN_FRANCISCO_PERSON, Rig, half_written_wav, rig_for


@pytest.fixture
def rig(qtbot: QtBot, context: AppContext) -> Iterator[Rig]:
    yield from rig_for(qtbot, context)


def _channels(path: Path) -> tuple[int, int, list[int], list[int]]:
    """(channels, rate, left samples, right samples) of a 16-bit WAV."""
    with wave.open(str(path), "rb") as wav:
        channels, rate = wav.getnchannels(), wav.getframerate()
        raw = wav.readframes(wav.getnframes())
    samples = list(struct.unpack(f"<{len(raw) // 2}h", raw))
    return channels, rate, samples[0::channels], samples[1::channels]


def _peak(samples: list[int]) -> int:
    return max((abs(s) for s in samples), default=0)


def test_a_recorded_call_is_saved_as_one_stereo_file(qtbot: QtBot, rig: Rig) -> None:
    call_id = rig.dial()
    rig.connect(qtbot, call_id)
    rig.engine.feed(call_id, 1.0)
    parts = rig.files.parts(call_id, one_sided=False)
    rig.end_call(qtbot, call_id, talk_s=1.0)
    final = rig.files.final(call_id)
    channels, rate, left, right = _channels(final)
    assert (channels, rate, len(left)) == (2, 8000, 8000)
    assert 2500 < _peak(left) <= 3000 and 5500 < _peak(right) <= 6000  # rep left, prospect right
    row = rig.row(call_id)
    assert (row.state, row.file_name, row.problem) == (RecordingState.READY, final.name, "")
    assert row.duration_s == pytest.approx(1.0)
    assert row.size_bytes == final.stat().st_size
    assert row.sha256 == hashlib.sha256(final.read_bytes()).hexdigest()
    assert not Path(parts.rep).exists() and not Path(str(parts.prospect)).exists()


def test_a_paused_span_is_silence_of_the_same_length(qtbot: QtBot, rig: Rig) -> None:
    call_id = rig.dial()
    rig.connect(qtbot, call_id)
    rig.engine.feed(call_id, 1.0)
    rig.clock.now += 1.0
    rig.service.click()  # pause
    rig.engine.feed(call_id, 2.0)
    rig.clock.now += 2.0
    rig.service.click()  # resume
    rig.engine.feed(call_id, 1.0)
    rig.end_call(qtbot, call_id, talk_s=4.0)
    _, rate, left, right = _channels(rig.files.final(call_id))
    assert len(left) == 4 * rate
    paused = slice(rate + 1, 3 * rate - 1)
    assert _peak(left[paused]) == 0 and _peak(right[paused]) == 0
    assert _peak(left[: rate - 1]) > 2500 and _peak(right[3 * rate + 1 :]) > 5500


def test_one_sided_leaves_the_prospect_channel_silent(qtbot: QtBot, rig: Rig) -> None:
    call_id = rig.dial(SAN_FRANCISCO_PERSON)
    rig.connect(qtbot, call_id)
    rig.engine.feed(call_id, 0.5)
    rig.end_call(qtbot, call_id, talk_s=0.5)
    channels, _, left, right = _channels(rig.files.final(call_id))
    assert channels == 2 and _peak(left) > 2500 and _peak(right) == 0
    assert rig.row(call_id).one_sided


def test_a_failure_mid_call_keeps_what_was_written(qtbot: QtBot, rig: Rig) -> None:
    call_id = rig.dial()
    rig.connect(qtbot, call_id)
    rig.engine.feed(call_id, 1.0)
    recorder = rig.engine.recorders.pop(call_id)
    rig.engine._write(recorder)  # what reached the disk before it filled up
    with qtbot.waitSignal(rig.service.recordings_changed, timeout=5000):
        rig.engine.on_event(RecordingFailed(call_id, "the disk is full", "ENOSPC"))
    assert rig.calls.active_call is not None
    row = rig.row(call_id)
    assert (row.state, row.problem) == (
        RecordingState.READY,
        "Recording stopped: the disk is full.",
    )
    assert row.duration_s == pytest.approx(1.0)
    assert rig.files.final(call_id).is_file()


def test_start_up_repairs_a_part_a_crash_left_open(
    qtbot: QtBot, rig: Rig, context: AppContext
) -> None:
    from dialer_app.db.call_store import CallStart, CallStore

    call_id = "0190d4c2-1111-7000-8000-000000000001"
    CallStore(context.database.sessions).started(
        CallStart(call_id, None, "+14045550101", None, "Demo line")
    )
    rig.store.started(call_id, one_sided=False, call_offset_s=3.0)
    parts = rig.files.parts(call_id, one_sided=False)
    half_written_wav(Path(parts.rep), tone(1.5, 3000))
    prospect = Path(str(parts.prospect))
    half_written_wav(prospect, tone(1.0, 6000))
    with prospect.open("ab") as torn:
        torn.write(b"\x01")  # half a sample: the crash came mid-write
    with (
        qtbot.waitSignal(rig.service.housekeeping_done, timeout=5000) as done,
        qtbot.waitSignal(rig.service.recordings_changed, timeout=5000),
    ):
        rig.service.start()
    assert done.args == [HousekeepingReport(repaired=1)]
    assert rig.notices[-1] == words.repaired_notice(1)
    row = rig.row(call_id)
    assert (row.state, row.problem) == (RecordingState.REPAIRED, words.REPAIRED)
    assert row.duration_s == pytest.approx(1.5)
    assert row.segments[-1].event == "stop"
    assert row.segments[-1].call_s == pytest.approx(4.5)
    channels, _, left, right = _channels(rig.files.final(call_id))
    assert channels == 2 and len(left) == 12000
    assert _peak(left) > 2500 and _peak(right[:8000]) > 5500 and _peak(right[8000:]) == 0
    assert not Path(parts.rep).exists()
