"""Call recordings with the real lab: the engine writes mono parts, ``merge_to_stereo`` makes
the file the rep keeps (rep left, prospect right), and every check is on that stereo file.

baresip answers and plays a known voice prompt, so the prospect (right) channel has speech.
The engine runs on pjmedia's null audio device here: the rep's microphone is digital silence,
so the rep (left) channel is all zeros in these tests; that is expected, not a bug.
"""

from __future__ import annotations

import array
import math
import os
import signal
import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest

from dialer_app.engine import (
    CallMediaChanged,
    CallQuality,
    CallState,
    RecordingFailed,
    RecordingParts,
    RecordingStarted,
    RecordingStopped,
)
from dialer_app.engine.media import WRITER_BUFFER_BYTES
from dialer_app.recordings.wav_files import header_is_complete, merge_to_stereo, repair
from tests.lab.harness import Dialer, LabLines
from tests.lab.sip_lab import SipLab

pytestmark = pytest.mark.lab

ANSWERS = "+15551230000"
DRIVER = Path(__file__).with_name("recording_driver.py")
SPEECH_RMS = 300  # the prompt's level is in the thousands; line noise is 0 on loopback
TOLERANCE_S = 0.3  # engine jobs run between 10 ms pumps; the bridge ticks every 20 ms


class Stereo:
    """A merged recording: per-channel loudness of any span."""

    def __init__(self, path: Path) -> None:
        with wave.open(str(path), "rb") as wav:
            assert (wav.getnchannels(), wav.getsampwidth()) == (2, 2)
            self.rate = wav.getframerate()
            self.samples = array.array("h", wav.readframes(wav.getnframes()))
        self.seconds = len(self.samples) / 2 / self.rate

    def rms(self, channel: int, start_s: float = 0.0, end_s: float | None = None) -> float:
        """Root mean square of channel 0 (rep) or 1 (prospect) between two times."""
        first = int(start_s * self.rate)
        last = len(self.samples) // 2 if end_s is None else int(end_s * self.rate)
        span = self.samples[2 * first + channel : 2 * last : 2]
        return math.sqrt(sum(s * s for s in span) / len(span)) if span else 0.0


def parts_in(folder: Path, *, one_sided: bool = False) -> RecordingParts:
    prospect = None if one_sided else str(folder / "prospect.wav")
    return RecordingParts(str(folder / "rep.wav"), prospect)


def connected_call(dialer: Dialer, lab_lines: LabLines) -> str:
    call_id = dialer.dial(lab_lines.udp, ANSWERS)
    dialer.wait_connected(call_id)
    dialer.log.wait_for(CallMediaChanged, call_id=call_id, active=True)
    return call_id


def start(dialer: Dialer, call_id: str, parts: RecordingParts) -> float:
    """Start recording; returns the monotonic time the engine reported it started."""
    since = dialer.log.mark()
    dialer.engine.start_recording(call_id, parts)
    dialer.log.wait_for(RecordingStarted, since=since, call_id=call_id, parts=parts)
    return time.monotonic()


def stop_and_merge(dialer: Dialer, call_id: str, parts: RecordingParts, target: Path) -> Stereo:
    since = dialer.log.mark()
    dialer.engine.stop_recording(call_id)
    dialer.log.wait_for(RecordingStopped, since=since, call_id=call_id, parts=parts)
    for part in (parts.rep, parts.prospect):
        assert part is None or header_is_complete(Path(part)), part
    prospect = None if parts.prospect is None else Path(parts.prospect)
    merge_to_stereo(Path(parts.rep), prospect, target)
    return Stereo(target)


def wait_seconds(dialer: Dialer, call_id: str, seconds: float) -> None:
    """Let ``seconds`` pass by the engine's own clock (CallQuality every 0.25 s), RTP or not."""
    until = time.time() + seconds
    dialer.log.wait_for(CallQuality, call_id=call_id, where=lambda q: q.at >= until)


def test_recorded_call_has_the_prospect_on_the_right_channel(
    lab_lines: LabLines, dialer: Dialer, tmp_path: Path
) -> None:
    call_id = connected_call(dialer, lab_lines)
    parts = parts_in(tmp_path)
    start(dialer, call_id, parts)
    dialer.wait_audio(call_id, 1.5)
    stereo = stop_and_merge(dialer, call_id, parts, tmp_path / "call.wav")
    assert stereo.rms(1) > SPEECH_RMS, "the prospect's prompt should be on the right"
    assert stereo.rms(0) == 0.0  # the null microphone: silence on the rep's side


def test_recording_started_part_way_is_as_long_as_the_recorded_span(
    lab_lines: LabLines, dialer: Dialer, tmp_path: Path
) -> None:
    call_id = connected_call(dialer, lab_lines)
    dialer.wait_audio(call_id, 1.5)  # the call runs a while unrecorded
    parts = parts_in(tmp_path)
    started = start(dialer, call_id, parts)
    dialer.wait_audio(call_id, 1.5)
    stopped = time.monotonic()
    stereo = stop_and_merge(dialer, call_id, parts, tmp_path / "call.wav")
    assert stereo.seconds == pytest.approx(stopped - started, abs=TOLERANCE_S)
    assert stereo.seconds < 2.2  # not the 3 s the call has lasted
    assert stereo.rms(1, 0.0, 1.0) > SPEECH_RMS  # the prospect from the first second on


def test_paused_span_is_silence_of_the_same_length(
    lab_lines: LabLines, dialer: Dialer, tmp_path: Path
) -> None:
    call_id = connected_call(dialer, lab_lines)
    parts = parts_in(tmp_path)
    started = start(dialer, call_id, parts)
    dialer.wait_audio(call_id, 1.0)
    dialer.engine.pause_recording(call_id)
    paused = time.monotonic() - started
    wait_seconds(dialer, call_id, 2.0)
    dialer.engine.resume_recording(call_id)
    resumed = time.monotonic() - started
    dialer.wait_audio(call_id, 1.0)
    stopped = time.monotonic() - started
    stereo = stop_and_merge(dialer, call_id, parts, tmp_path / "call.wav")

    unpaused = paused + (stopped - resumed)
    assert 2.0 <= resumed - paused < 2.5
    assert stereo.seconds - unpaused == pytest.approx(resumed - paused, abs=TOLERANCE_S)
    assert stereo.seconds == pytest.approx(stopped, abs=TOLERANCE_S)
    margin = 0.15
    for channel in (0, 1):
        assert stereo.rms(channel, paused + margin, resumed - margin) == 0.0
    assert stereo.rms(1, 0.0, paused) > SPEECH_RMS or stereo.rms(1, resumed) > SPEECH_RMS


def test_one_sided_recording_has_a_silent_prospect_channel(
    lab_lines: LabLines, dialer: Dialer, tmp_path: Path
) -> None:
    call_id = connected_call(dialer, lab_lines)
    parts = parts_in(tmp_path, one_sided=True)
    started = start(dialer, call_id, parts)
    dialer.wait_audio(call_id, 1.5)
    stopped = time.monotonic()
    stereo = stop_and_merge(dialer, call_id, parts, tmp_path / "call.wav")
    assert not (tmp_path / "prospect.wav").exists()
    assert stereo.seconds == pytest.approx(stopped - started, abs=TOLERANCE_S)
    assert stereo.rms(1) == 0.0  # the prospect's voice is never written
    assert stereo.rms(0) == 0.0  # and the null microphone is silent too


def test_hold_keeps_the_timeline(lab_lines: LabLines, dialer: Dialer, tmp_path: Path) -> None:
    """While on hold the prospect's side is recorded as silence: the file keeps going."""
    call_id = connected_call(dialer, lab_lines)
    parts = parts_in(tmp_path)
    started = start(dialer, call_id, parts)
    dialer.wait_audio(call_id, 1.0)
    dialer.engine.hold(call_id)
    dialer.wait_state(call_id, CallState.ON_HOLD)
    held = time.monotonic() - started
    wait_seconds(dialer, call_id, 1.5)
    since = dialer.log.mark()
    dialer.engine.resume(call_id)
    dialer.log.wait_for(CallMediaChanged, since=since, call_id=call_id, on_hold=False)
    unheld = time.monotonic() - started
    dialer.wait_audio(call_id, 1.0)
    stopped = time.monotonic() - started
    stereo = stop_and_merge(dialer, call_id, parts, tmp_path / "call.wav")
    assert stereo.seconds == pytest.approx(stopped, abs=TOLERANCE_S)
    assert stereo.rms(1, held + 0.3, unheld - 0.1) == 0.0
    assert stereo.rms(1, unheld + 0.2) > SPEECH_RMS


def test_unwritable_folder_fails_to_start_and_the_call_goes_on(
    lab_lines: LabLines, dialer: Dialer, tmp_path: Path
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("a file where the recordings folder should be")
    call_id = connected_call(dialer, lab_lines)
    since = dialer.log.mark()
    dialer.engine.start_recording(call_id, parts_in(not_a_folder))
    failed = dialer.log.wait_for(RecordingFailed, since=since, call_id=call_id)
    assert failed.message.startswith("Recording could not start: the recordings folder")
    assert str(not_a_folder) in failed.message and failed.detail
    dialer.wait_audio(call_id, 0.5)  # still talking
    assert not any(isinstance(e, RecordingStarted) for e in dialer.log.events[since:])
    retry = parts_in(tmp_path)  # a second try with a good folder works
    start(dialer, call_id, retry)
    dialer.wait_audio(call_id, 0.5)
    assert stop_and_merge(dialer, call_id, retry, tmp_path / "call.wav").rms(1) > SPEECH_RMS


def run_driver(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(DRIVER), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_kill_9_mid_recording_leaves_parts_that_repair_into_a_playable_file(
    sip_lab: SipLab, tmp_path: Path
) -> None:
    proc = run_driver("kill", str(sip_lab.sip_port), str(tmp_path))
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("AUDIO-FLOWED"), (line, proc.stderr.read() if proc.stderr else "")
        recorded_s = float(line.split()[1])
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.communicate()
    rep, prospect = tmp_path / "rep.wav", tmp_path / "prospect.wav"
    assert not header_is_complete(rep) and not header_is_complete(prospect)  # killed open
    repair(rep)
    repair(prospect)
    merge_to_stereo(rep, prospect, tmp_path / "call.wav")
    stereo = Stereo(tmp_path / "call.wav")  # Python's wave module reads it: playable
    # the kill loses what pjmedia (4,000 bytes) and stdio (4,096) still held: about 0.5 s
    lost_s = WRITER_BUFFER_BYTES / 16_000
    assert recorded_s - lost_s - TOLERANCE_S <= stereo.seconds <= recorded_s + TOLERANCE_S
    assert stereo.rms(1) > SPEECH_RMS


def test_write_failure_stops_the_recording_and_the_call_goes_on(
    sip_lab: SipLab, tmp_path: Path
) -> None:
    """RLIMIT_FSIZE makes pjmedia's write() fail with EFBIG (a real failed write, as on a
    full disk): the health check notices the parts stopped growing."""
    limit = 44 + 16_000 + 2_000  # about a second of one part
    proc = run_driver("fsize", str(sip_lab.sip_port), str(tmp_path), str(limit))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{out}\nstderr:\n{err}"
    lines = out.splitlines()
    failed = next(line for line in lines if line.startswith("RecordingFailed"))
    assert "Recording stopped: the disk is full. The call goes on" in failed
    assert "free some space" in failed and "stopped growing" in failed
    assert lines[lines.index(failed) + 1 :] == [
        "RecordingStopped",
        "STILL-CONNECTED",
        "CallEnded connected=True by_rep=True",
    ]
    rep, prospect = tmp_path / "rep.wav", tmp_path / "prospect.wav"
    for part in (rep, prospect):
        assert part.stat().st_size <= limit
        repair(part)  # after a failed write pjlib's stdio leaves the sizes at 0, even on close
    merge_to_stereo(rep, prospect, tmp_path / "call.wav")
    assert Stereo(tmp_path / "call.wav").seconds == pytest.approx(1.0, abs=0.2)


def _tone_wav(path: Path, seconds: float = 1.0, hz: int = 440, amplitude: int = 8000) -> Path:
    """A sine tone to stand in for the rep's voice (the lab has no microphone)."""
    rate = 8000
    samples = array.array(
        "h",
        (
            int(amplitude * math.sin(2 * math.pi * hz * i / rate))
            for i in range(int(rate * seconds))
        ),
    )
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())
    return path


def test_a_muted_rep_is_silence_of_the_same_length_on_the_rep_channel(
    sip_lab: SipLab, tmp_path: Path
) -> None:
    """What the rep says while muted never reaches the call, so it is not recorded either;
    the prospect is recorded throughout and the timeline is unchanged."""
    microphone = _tone_wav(tmp_path / "rep-voice.wav")
    proc = run_driver("mute", str(sip_lab.sip_port), str(tmp_path), str(microphone))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{out}\nstderr:\n{err}"
    times = dict(line.split() for line in out.splitlines() if line.startswith(("MUTED", "UNMUTED")))
    muted, unmuted = float(times["MUTED"]), float(times["UNMUTED"])
    merge_to_stereo(tmp_path / "rep.wav", tmp_path / "prospect.wav", tmp_path / "call.wav")
    stereo = Stereo(tmp_path / "call.wav")
    assert stereo.rms(0, 0.0, muted - TOLERANCE_S) > SPEECH_RMS  # the rep before muting
    assert stereo.rms(0, muted + TOLERANCE_S, unmuted - TOLERANCE_S) == 0.0
    assert stereo.rms(0, unmuted + TOLERANCE_S) > SPEECH_RMS  # and after
    assert stereo.seconds > unmuted + 0.5  # one timeline: the muted span is still there
    assert stereo.rms(1) > SPEECH_RMS
