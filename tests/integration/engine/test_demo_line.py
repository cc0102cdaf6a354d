"""The built-in demo line: a prospect inside the same endpoint, no lab needed."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

import pytest

from dialer_app.domain.call_outcomes import CallEndDescription, Outcome, describe_call_end
from dialer_app.engine import (
    AudioDevice,
    CallEnded,
    CallState,
    EngineError,
    LineAdded,
    OptionsResult,
    RecordingParts,
    RecordingStopped,
    VoicemailDropStarted,
)
from dialer_app.engine.demo_line import DEMO_ANSWER, DEMO_BEHAVIOURS, demo_behaviour
from dialer_app.engine.engine import SipEngine
from tests.lab.harness import Dialer, wav_rms


def describe(ended: CallEnded) -> CallEndDescription:
    return describe_call_end(
        ended.sip_status,
        ended.reason,
        connected=ended.connected,
        hung_up_by_rep=ended.hung_up_by_rep,
        was_ringing=ended.was_ringing,
        error_code=ended.error_code,
        voicemail_dropped=ended.voicemail_dropped,
    )


def write_tone(path: Path, seconds: float) -> None:
    """A small 8 kHz voicemail stand-in."""
    rate = 8000
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
        for i in range(int(rate * seconds))
    )
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames)


def test_behaviour_table_by_last_four_digits() -> None:
    assert demo_behaviour("+15551230486").final_status == 486
    assert demo_behaviour("+442071230408").final_status == 480
    assert demo_behaviour("+15551230199").name == "voicemail"
    assert demo_behaviour("+15551234567") is DEMO_ANSWER
    assert set(DEMO_BEHAVIOURS) == {"0486", "0408", "0199"}


def test_demo_line_is_announced(demo_line: str, dialer: Dialer) -> None:
    added = dialer.log.wait_for(LineAdded, line_name=demo_line)
    assert added.demo and added.host == "127.0.0.1" and added.transport == "udp"


def test_demo_prospect_answers_and_speaks(demo_line: str, dialer: Dialer, tmp_path: Path) -> None:
    call_id = dialer.dial(demo_line, "+15551234567")
    ringing = dialer.wait_state(call_id, CallState.RINGING)
    connected = dialer.wait_connected(call_id)
    assert connected.at - ringing.at >= 0.5  # it rings before answering
    wav = tmp_path / "demo.wav"
    dialer.engine.start_recording(call_id, RecordingParts(str(tmp_path / "rep.wav"), str(wav)))
    dialer.wait_audio(call_id, 0.5)
    dialer.engine.hangup(call_id)
    ended = dialer.wait_ended(call_id)
    dialer.log.wait_for(RecordingStopped, call_id=call_id)
    assert wav_rms(str(wav)) > 300
    assert describe(ended).outcome is Outcome.ANSWERED


def test_demo_busy(demo_line: str, dialer: Dialer) -> None:
    ended = dialer.wait_ended(dialer.dial(demo_line, "+15551230486"))
    assert ended.sip_status == 486
    assert describe(ended).suggested_disposition == "Busy"


def test_demo_no_answer_with_ring_timeout(demo_line: str, dialer: Dialer) -> None:
    ended = dialer.wait_ended(dialer.dial(demo_line, "+15551230408", ring_timeout_s=1.5))
    assert ended.ring_timeout and ended.sip_status == 487
    result = describe(ended)
    assert result.outcome is Outcome.NO_ANSWER and result.suggested_disposition == "No Answer"


def test_demo_voicemail_drop_leaves_voicemail(
    demo_line: str, dialer: Dialer, tmp_path: Path
) -> None:
    message = tmp_path / "voicemail.wav"
    write_tone(message, 0.6)
    call_id = dialer.dial(demo_line, "+15551230199")
    dialer.wait_connected(call_id, timeout=10)
    dialer.engine.drop_voicemail(call_id, str(message))
    dialer.log.wait_for(VoicemailDropStarted, call_id=call_id)
    ended = dialer.wait_ended(call_id)
    assert ended.voicemail_dropped and ended.connected
    assert ended.connected_duration_s is not None and ended.connected_duration_s >= 0.5
    result = describe(ended)
    assert (
        result.outcome is Outcome.LEFT_VOICEMAIL
        and result.suggested_disposition == "Left Voicemail"
    )


def test_voicemail_drop_needs_a_connected_call(
    demo_line: str, dialer: Dialer, tmp_path: Path
) -> None:
    message = tmp_path / "voicemail.wav"
    write_tone(message, 0.2)
    call_id = dialer.dial(demo_line, "+15551230408")
    dialer.wait_state(call_id, CallState.RINGING)
    dialer.engine.drop_voicemail(call_id, str(message))
    error = dialer.log.wait_for(EngineError, call_id=call_id)
    assert "connected" in error.detail


def test_demo_options_ping(demo_line: str, dialer: Dialer) -> None:
    since = dialer.log.mark()
    dialer.engine.ping_line(demo_line)
    result = dialer.log.wait_for(OptionsResult, since=since, line_name=demo_line)
    assert result.ok and result.status == 200 and not result.tls


def test_list_audio_devices_returns_plain_dataclasses(sip_engine: SipEngine) -> None:
    devices = sip_engine.list_audio_devices()
    assert all(isinstance(d, AudioDevice) for d in devices)


def test_invalid_dtmf_is_rejected_synchronously(sip_engine: SipEngine) -> None:
    with pytest.raises(ValueError):
        sip_engine.send_dtmf("no-such-call", "12x")
