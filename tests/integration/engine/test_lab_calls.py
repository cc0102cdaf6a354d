"""Real calls through kamailio (the trunk stand-in) to baresip prospects.

UDP, TCP and TLS with certificate verification and mandatory SRTP; every
wait is on a specific engine (or baresip ctrl_tcp) event.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dialer_app.domain.call_outcomes import Outcome, describe_call_end
from dialer_app.engine import (
    CallEnded,
    CallMediaChanged,
    CallQuality,
    CallState,
    CallStateChanged,
    DtmfReceived,
    EngineError,
    EngineStarted,
    LineAdded,
    LineRemoved,
    OptionsResult,
    RecordingParts,
    RecordingStopped,
)
from dialer_app.engine.engine import SipEngine
from dialer_app.engine.errors import PJSIP_ESESSIONINSECURE, PJSIP_TLS_ECERTVERIF
from tests.lab.harness import (
    Dialer,
    EventLog,
    LabLines,
    TempLine,
    lab_line,
    wav_rms,
    wav_seconds,
)
from tests.lab.sip_lab import PASSWORD, SipLab

pytestmark = pytest.mark.lab

ANSWERS = "+15551230000"
BUSY = "+15551230486"
NO_ANSWER = "+15551230408"


def outcome(ended: CallEnded) -> Outcome:
    return describe_call_end(
        ended.sip_status,
        ended.reason,
        connected=ended.connected,
        hung_up_by_rep=ended.hung_up_by_rep,
        was_ringing=ended.was_ringing,
        error_code=ended.error_code,
        voicemail_dropped=ended.voicemail_dropped,
    ).outcome


@pytest.mark.parametrize("line_attr", ["udp", "tcp", "tls"])
def test_answered_call_receives_prospect_audio(
    lab_lines: LabLines, dialer: Dialer, tmp_path: Path, line_attr: str
) -> None:
    line = getattr(lab_lines, line_attr)
    call_id = dialer.dial(line, ANSWERS)
    dialer.wait_connected(call_id)
    media = dialer.log.wait_for(CallMediaChanged, call_id=call_id, active=True)
    assert media.codec in ("PCMU", "PCMA")
    assert media.srtp is (line_attr == "tls")

    wav = tmp_path / "received.wav"
    since = dialer.log.mark()
    dialer.engine.start_recording(call_id, RecordingParts(str(tmp_path / "rep.wav"), str(wav)))
    dialer.wait_audio(call_id, 0.5)
    quality = dialer.log.wait_for(CallQuality, since=since, call_id=call_id)
    assert quality.srtp is media.srtp and 1.0 <= quality.mos <= 4.5 and quality.loss_pct == 0.0
    dialer.engine.stop_recording(call_id)
    dialer.log.wait_for(RecordingStopped, call_id=call_id)
    assert wav_rms(str(wav)) > 300, "the prospect's voice prompt should be audible in the recording"

    dialer.engine.hangup(call_id)
    ended = dialer.wait_ended(call_id)
    assert ended.connected and ended.hung_up_by_rep, ended  # (180 before 200 is optional)
    assert ended.stats is not None and ended.line_name == line
    assert outcome(ended) is Outcome.ANSWERED
    states = dialer.log.states(call_id)
    assert states[0] is CallState.CALLING and states[-1] is CallState.DISCONNECTED
    assert CallState.CONNECTED in states


def test_paused_recording_keeps_the_timeline(
    lab_lines: LabLines, dialer: Dialer, tmp_path: Path
) -> None:
    """Pause writes silence (the file keeps the call's timeline) instead of cutting the span."""
    call_id = dialer.dial(lab_lines.udp, ANSWERS)
    dialer.wait_connected(call_id)
    wav = tmp_path / "paused.wav"
    started = time.monotonic()
    dialer.engine.start_recording(call_id, RecordingParts(str(tmp_path / "rep.wav"), str(wav)))
    dialer.wait_audio(call_id, 0.5)
    dialer.engine.pause_recording(call_id)
    paused = time.monotonic() - started
    dialer.wait_audio(call_id, 1.0)
    dialer.engine.resume_recording(call_id)
    resumed = time.monotonic() - started
    dialer.wait_audio(call_id, 0.5)
    dialer.engine.stop_recording(call_id)
    stopped = time.monotonic() - started
    dialer.log.wait_for(RecordingStopped, call_id=call_id)

    assert wav_seconds(str(wav)) == pytest.approx(stopped, abs=0.25)
    margin = 0.15
    assert wav_rms(str(wav), paused + margin, resumed - margin) == 0.0
    assert wav_rms(str(wav), 0.0, paused) > 0 or wav_rms(str(wav), resumed, stopped) > 0


def test_dtmf_reaches_the_far_end(lab_lines: LabLines, sip_lab: SipLab, dialer: Dialer) -> None:
    with sip_lab.ctrl("answer") as ctrl:
        call_id = dialer.dial(lab_lines.tls, ANSWERS)
        dialer.wait_connected(call_id)
        ctrl.wait_for("CALL_ESTABLISHED")
        dialer.engine.send_dtmf(call_id, "19#")
        for digit in "19#":
            ctrl.wait_for("CALL_DTMF_START", param=digit)


def test_dtmf_from_the_far_end_is_reported(
    lab_lines: LabLines, sip_lab: SipLab, dialer: Dialer
) -> None:
    with sip_lab.ctrl("answer") as ctrl:
        call_id = dialer.dial(lab_lines.udp, ANSWERS)
        dialer.wait_connected(call_id)
        ctrl.wait_for("CALL_ESTABLISHED")
        ctrl.command("sndcode", "7")
        dialer.log.wait_for(DtmfReceived, call_id=call_id, digit="7")


def test_hold_and_resume(lab_lines: LabLines, dialer: Dialer) -> None:
    call_id = dialer.dial(lab_lines.tls, ANSWERS)
    dialer.wait_connected(call_id)
    since = dialer.log.mark()
    dialer.engine.hold(call_id)
    dialer.wait_state(call_id, CallState.ON_HOLD)
    held = dialer.log.wait_for(CallMediaChanged, since=since, call_id=call_id, on_hold=True)
    assert not held.active

    since = dialer.log.mark()
    dialer.engine.resume(call_id)
    dialer.log.wait_for(CallStateChanged, since=since, call_id=call_id, state=CallState.CONNECTED)
    resumed = dialer.log.wait_for(CallMediaChanged, since=since, call_id=call_id, active=True)
    assert not resumed.on_hold and resumed.srtp
    dialer.log.wait_for(CallQuality, since=since, call_id=call_id, where=lambda q: q.rx_packets > 0)


def test_mute_is_reported(lab_lines: LabLines, dialer: Dialer) -> None:
    call_id = dialer.dial(lab_lines.udp, ANSWERS)
    dialer.wait_connected(call_id)
    since = dialer.log.mark()
    dialer.engine.set_mute(call_id, True)
    dialer.log.wait_for(CallMediaChanged, since=since, call_id=call_id, muted=True)
    dialer.engine.set_mute(call_id, False)
    dialer.log.wait_for(CallMediaChanged, since=since, call_id=call_id, muted=False)


def test_busy_prospect(lab_lines: LabLines, dialer: Dialer) -> None:
    ended = dialer.wait_ended(dialer.dial(lab_lines.tls, BUSY))
    assert ended.sip_status == 486 and not ended.connected
    description = describe_call_end(
        ended.sip_status,
        ended.reason,
        connected=False,
        hung_up_by_rep=ended.hung_up_by_rep,
        was_ringing=ended.was_ringing,
        error_code=ended.error_code,
    )
    assert description.outcome is Outcome.BUSY and description.suggested_disposition == "Busy"


def test_ring_timeout_is_no_answer(lab_lines: LabLines, dialer: Dialer) -> None:
    call_id = dialer.dial(lab_lines.udp, NO_ANSWER, ring_timeout_s=2.0)
    dialer.wait_state(call_id, CallState.RINGING)
    ended = dialer.wait_ended(call_id)
    assert ended.ring_timeout and ended.was_ringing and ended.sip_status == 487
    assert outcome(ended) is Outcome.NO_ANSWER


def test_rep_hangs_up_while_ringing(lab_lines: LabLines, dialer: Dialer) -> None:
    call_id = dialer.dial(lab_lines.tls, NO_ANSWER)
    dialer.wait_state(call_id, CallState.RINGING)
    dialer.engine.hangup(call_id)
    ended = dialer.wait_ended(call_id)
    assert ended.hung_up_by_rep and ended.sip_status == 487 and not ended.ring_timeout
    assert outcome(ended) is Outcome.NO_ANSWER


@pytest.mark.parametrize(
    "number", ["5551234", "+0123456789", "+1 555 123 4567", "sip:+15551234567@evil"]
)
def test_non_e164_is_refused_without_dialling(
    lab_lines: LabLines, dialer: Dialer, number: str
) -> None:
    call_id = dialer.dial(lab_lines.udp, number)
    ended = dialer.wait_ended(call_id)
    assert ended.sip_status == 484 and "nothing was dialled" in ended.reason
    assert CallState.CALLING not in dialer.log.states(call_id)  # no INVITE was ever sent
    assert outcome(ended) is Outcome.INVALID_NUMBER


def test_wrong_password_gives_the_credentials_message(temp_line: TempLine, dialer: Dialer) -> None:
    line = temp_line("lab-bad-password", "udp", password="not-the-password")
    ended = dialer.wait_ended(dialer.dial(line, ANSWERS))
    assert ended.sip_status == 407
    description = describe_call_end(
        ended.sip_status,
        ended.reason,
        connected=False,
        hung_up_by_rep=False,
        was_ringing=ended.was_ringing,
        error_code=ended.error_code,
    )
    assert description.outcome is Outcome.REJECTED_AUTH
    assert "username and password" in description.message


@pytest.mark.parametrize("line_attr", ["tls_no_ca", "tls_wrong_ca"])
def test_untrusted_certificate_gives_the_tls_message(
    lab_lines: LabLines, dialer: Dialer, line_attr: str
) -> None:
    ended = dialer.wait_ended(dialer.dial(getattr(lab_lines, line_attr), ANSWERS))
    assert ended.sip_status == 503 and ended.error_code == PJSIP_TLS_ECERTVERIF
    description = describe_call_end(
        ended.sip_status,
        ended.reason,
        connected=False,
        hung_up_by_rep=False,
        was_ringing=False,
        error_code=ended.error_code,
    )
    assert description.outcome is Outcome.TLS_UNTRUSTED
    assert "certificate is not trusted" in description.message


def test_secure_media_over_udp_is_refused_locally(temp_line: TempLine, dialer: Dialer) -> None:
    line = temp_line("lab-udp-srtp", "udp", secure_media=True)
    ended = dialer.wait_ended(dialer.dial(line, ANSWERS))
    assert ended.error_code == PJSIP_ESESSIONINSECURE and not ended.was_ringing
    assert outcome(ended) is Outcome.MEDIA_MISMATCH


def test_options_ping_over_verified_tls(lab_lines: LabLines, dialer: Dialer) -> None:
    since = dialer.log.mark()
    dialer.engine.ping_line(lab_lines.tls)
    result = dialer.log.wait_for(OptionsResult, since=since, line_name=lab_lines.tls)
    assert result.ok and result.status == 200 and result.tls
    assert result.tls_verified is True and result.tls_cipher
    assert result.rtt_ms is not None and result.rtt_ms > 0


def test_options_ping_to_untrusted_tls_fails(lab_lines: LabLines, dialer: Dialer) -> None:
    since = dialer.log.mark()
    dialer.engine.ping_line(lab_lines.tls_no_ca)
    result = dialer.log.wait_for(OptionsResult, since=since, line_name=lab_lines.tls_no_ca)
    assert (
        not result.ok and result.tls_verified is False and result.error_code == PJSIP_TLS_ECERTVERIF
    )


def test_options_ping_over_udp(lab_lines: LabLines, dialer: Dialer) -> None:
    since = dialer.log.mark()
    dialer.engine.ping_line(lab_lines.udp)
    result = dialer.log.wait_for(OptionsResult, since=since, line_name=lab_lines.udp)
    assert result.ok and not result.tls and result.tls_cipher is None


def _about_line(name: str) -> Callable[[object], bool]:
    return lambda e: isinstance(e, (LineAdded, EngineError)) and e.line_name == name


def test_too_many_lines_is_an_error_not_an_abort(
    sip_lab: SipLab, lab_lines: LabLines, sip_engine: SipEngine, engine_log: EventLog
) -> None:
    """pjsua asserts (aborts) past 8 accounts; the engine refuses the extra line instead."""
    added: list[str] = []
    try:
        for i in range(9):
            name = f"extra-{i}"
            since = engine_log.mark()
            sip_engine.add_line(lab_line(sip_lab, name, "udp"), PASSWORD)
            event: object = engine_log.wait_for(object, since=since, where=_about_line(name))
            if isinstance(event, EngineError):
                assert "Too many lines" in event.message
                break
            added.append(name)
        else:
            pytest.fail("the engine accepted more lines than pjsua allows")
    finally:
        for name in added:
            since = engine_log.mark()
            sip_engine.remove_line(name)
            engine_log.wait_for(LineRemoved, since=since, line_name=name)


@pytest.mark.parametrize("target", ["demo", "udp"])
def test_inbound_calls_are_declined(
    lab_lines: LabLines,
    demo_line: str,
    sip_lab: SipLab,
    sip_engine: SipEngine,
    engine_log: EventLog,
    target: str,
) -> None:
    """The app only dials out: an INVITE from outside, even to the demo port, gets 603."""
    if target == "demo":
        port = engine_log.wait_for(LineAdded, line_name=demo_line).port
    else:
        started = engine_log.wait_for(EngineStarted)
        port = int(dict(started.local_addresses)["udp"].rpartition(":")[2])
    since = engine_log.mark()
    with sip_lab.ctrl("answer") as ctrl:
        ctrl.command("dial", f"sip:+15551234567@127.0.0.1:{port}")
        closed = ctrl.wait_for("CALL_CLOSED")
    assert "603" in closed.get("param", "")
    assert not [e for e in engine_log.events[since:] if isinstance(e, CallStateChanged)]
