"""The rep's own audio outside calls: greeting recording, listening, the mic meter."""

from __future__ import annotations

import threading
import time
import wave
from pathlib import Path

from dialer_app.engine.engine import SipEngine
from dialer_app.engine.events import EngineError
from dialer_app.engine.media import wav_is_complete
from tests.lab.harness import EventLog


def _wait_until(condition: object, timeout: float = 5.0) -> bool:
    """Poll a condition with a deadline (the WAV header is written on a bridge tick)."""
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        tick.wait(0.01)
    return False


def test_greeting_is_recorded_to_a_complete_wav_and_played(
    sip_engine: SipEngine, engine_log: EventLog, tmp_path: Path
) -> None:
    since = engine_log.mark()
    greeting = tmp_path / "voicemail" / "greeting.wav"
    greeting.parent.mkdir()
    sip_engine.start_greeting_recording(str(greeting))
    assert _wait_until(lambda: greeting.exists() and greeting.stat().st_size > 44)
    sip_engine.stop_greeting_recording()
    assert _wait_until(lambda: wav_is_complete(str(greeting)))
    with wave.open(str(greeting), "rb") as wav:
        assert wav.getsampwidth() == 2
        assert wav.getnchannels() == 1
    sip_engine.play_to_speaker(str(greeting))
    assert sip_engine.capture_level() == 0.0  # null device: silent, but the call works
    errors = [e for e in engine_log.events[since:] if isinstance(e, EngineError)]
    assert errors == []


def test_recording_to_an_unwritable_place_is_reported(
    sip_engine: SipEngine, engine_log: EventLog, tmp_path: Path
) -> None:
    since = engine_log.mark()
    sip_engine.start_greeting_recording(str(tmp_path / "missing-folder" / "greeting.wav"))
    error = engine_log.wait_for(EngineError, since=since)
    assert error.message
