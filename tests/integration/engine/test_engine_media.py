"""Engine media pieces with a real endpoint: ringback tone generator, device switching."""

from __future__ import annotations

from concurrent.futures import Future

from dialer_app.engine import EngineError
from dialer_app.engine.engine import SipEngine
from dialer_app.engine.media import Ringback
from tests.lab.harness import EventLog


def test_ringback_follows_the_ringing_calls(sip_engine: SipEngine) -> None:
    """The tone starts with the first ringing call and stops with the last (engine thread)."""
    result: Future[list[bool]] = Future()

    def job() -> None:
        try:
            ringback = Ringback(True, sip_engine.playback_media)
            seen = []
            for call_id, ringing in (("a", True), ("b", True), ("a", False), ("b", False)):
                ringback.set(call_id, ringing)
                seen.append(bool(ringback._ringing))
            ringback.close()
            result.set_result(seen)
        except Exception as exc:
            result.set_exception(exc)

    sip_engine.post(job)
    assert result.result(timeout=5) == [True, True, True, False]


def test_disabled_ringback_never_creates_a_tone(sip_engine: SipEngine) -> None:
    ringback = Ringback(False, sip_engine.playback_media)
    ringback.set("a", True)  # no pjsua2 call at all, so any thread may do this
    assert ringback._tone is None


def test_switching_to_a_missing_audio_device_is_an_error_event(
    sip_engine: SipEngine, engine_log: EventLog
) -> None:
    since = engine_log.mark()
    sip_engine.set_audio_devices(4242, 4242)
    error = engine_log.wait_for(EngineError, since=since)
    assert error.detail
