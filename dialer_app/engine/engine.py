"""SipEngine: the one thread that owns pjsua2, and its thread-safe front door.

Public methods only enqueue a job and wake the loop; the engine thread pumps
``libHandleEvents``, runs queued jobs between pumps and reports everything as
frozen events through ``on_event`` (called on the engine thread; a Qt service
re-emits them as queued signals). Lifetimes follow pjproject's rules: calls and
accounts are strongly referenced until DISCONNECTED has been handled, and
shutdown hangs up, pumps, drops every pjsua2 object and only then destroys the
library.
"""

from __future__ import annotations

import atexit
import gc
import itertools
import logging
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pjsua2 as pj

from dialer_app.engine.account import TrunkAccount
from dialer_app.engine.call import OutboundCall
from dialer_app.engine.config import EngineConfig, LineConfig, is_e164
from dialer_app.engine.context import Job
from dialer_app.engine.endpoint import PjEndpoint, create_endpoint
from dialer_app.engine.events import (
    AudioDevice,
    CallEnded,
    CallState,
    CallStateChanged,
    EngineError,
    EngineEvent,
    EngineStarted,
    EngineStopped,
    RecordingFailed,
    RecordingParts,
    RecordingStarted,
    RecordingStopped,
)
from dialer_app.engine.limits import LegBudget
from dialer_app.engine.lines import LineBook
from dialer_app.engine.local_audio import LocalAudio
from dialer_app.engine.loop import JobLoop
from dialer_app.engine.media import (
    DISK_LOW_BYTES,
    FilePlayer,
    PendingRecordings,
    Ringback,
    free_bytes,
    list_devices,
)
from dialer_app.engine.transport import Transports, Waker

log = logging.getLogger("dialer_app.engine")

DTMF_RE = re.compile(r"^[0-9A-Da-d*#]{1,32}$")
HEALTH_INTERVAL_S = 1.0
"""How often recorded calls' parts are checked for growth and free disk space."""
DISK_FULL = (
    "Recording stopped: the disk is full. The call goes on; free some space to record again."
)
DISK_FULL_AT_START = (
    "Recording could not start: the disk is full. The call goes on; free some space to record."
)


class SipEngine:
    """Outbound SIP calling over Twilio-style trunks (and a built-in demo line).

    Every public method is thread-safe and returns at once; results arrive as
    events. ``call_id`` strings are chosen by the caller (UUIDs), never pjsua's.
    Only one engine can run per process (pjsua is a process-wide singleton).
    """

    _process_lock = threading.Lock()
    _running: SipEngine | None = None

    def __init__(self, config: EngineConfig, on_event: Callable[[EngineEvent], None]) -> None:
        self._config = config
        self._on_event = on_event
        self._loop = JobLoop(self._job_failed)
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._boot_error: BaseException | None = None
        self._accepting = False
        self._stopping = False
        self._stop_deadline = 0.0
        # engine-thread state
        self._ep: PjEndpoint | None = None
        self._transports: Transports | None = None
        self._lines: LineBook | None = None
        self._null_audio = False
        self._calls: dict[str, OutboundCall] = {}
        self._ringback: Ringback | None = None
        self._local_audio: LocalAudio | None = None
        self._microphone: FilePlayer | None = None
        self._legs = LegBudget()
        self._serials = itertools.count(1)
        self._recordings = PendingRecordings()
        self._health_scheduled = False
        self._next_quality = 0.0
        self._clean_exit = False

    # ------------------------------------------------------------------ lifecycle
    @property
    def running(self) -> bool:
        """True between a successful start() and shutdown()."""
        return self._accepting

    @property
    def null_audio(self) -> bool:
        """Whether the engine runs without a sound device."""
        return self._null_audio

    def start(self, timeout: float = 10.0) -> None:
        """Start the engine thread and wait until the endpoint is initialised.

        Raises RuntimeError if another engine runs in this process or pjsua2
        failed to start (the reason is chained).
        """
        with SipEngine._process_lock:
            if SipEngine._running is not None:
                raise RuntimeError("a SipEngine is already running in this process")
            if self._thread is not None:
                raise RuntimeError("a SipEngine can only be started once")
            SipEngine._running = self
        self._thread = threading.Thread(target=self._run, name="sip-engine", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            self._stopping = True  # the thread tears down (and frees the slot) once booted
            self._accepting = False
            raise RuntimeError(f"the SIP engine did not start within {timeout} s")
        if self._boot_error is not None:
            self._release_process_slot()
            raise RuntimeError("the SIP engine failed to start") from self._boot_error
        atexit.register(self.shutdown)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Hang up every call, destroy pjsua2 and stop the thread.

        Waits up to ``timeout`` for calls to end (plus the library teardown).
        Called from ``on_event`` (the engine thread) it only requests the stop.
        """
        thread = self._thread
        if thread is None or not self._accepting:
            return
        self._accepting = False
        atexit.unregister(self.shutdown)
        deadline = time.monotonic() + timeout
        self._submit(lambda: self._request_stop(deadline), force=True)
        if not self._loop.on_owner_thread():
            thread.join(timeout + 5.0)

    # ------------------------------------------------------------------ public API
    def add_line(self, line: LineConfig, password: str) -> None:
        """Add (or replace) a trunk line; ``password`` goes to pjsip only."""
        self._submit(lambda: self._book().add(line, password))

    def remove_line(self, name: str) -> None:
        """Stop dialling on a line; calls in progress on it finish normally."""
        self._submit(lambda: self._book().remove(name))

    def add_demo_line(
        self, name: str = "Demo line", *, prompt_wav: str | None = None, beep_wav: str | None = None
    ) -> None:
        """Add the loopback demo line (see ``demo_line.DEMO_BEHAVIOURS``)."""
        self._submit(lambda: self._book().add_demo(name, prompt_wav, beep_wav))

    def dial(
        self, call_id: str, line_name: str, e164: str, *, ring_timeout_s: float | None = None
    ) -> None:
        """Call ``e164`` on a line. Non-E.164 input ends the call (484) without dialling.

        ``ring_timeout_s`` hangs up an unanswered call after that many seconds
        (CallEnded then has ``ring_timeout=True``, status 487).
        """
        self._submit(lambda: self._do_dial(call_id, line_name, e164, ring_timeout_s))

    def hangup(self, call_id: str) -> None:
        """Hang up (cancel while ringing)."""
        self._on_call(call_id, lambda c: c.hangup_by_rep())

    def set_mute(self, call_id: str, muted: bool) -> None:
        """Stop or restart sending the microphone to the call."""
        self._on_call(call_id, lambda c: c.set_mute(muted))

    def hold(self, call_id: str) -> None:
        """Put the prospect on hold."""
        self._on_call(call_id, lambda c: c.hold())

    def resume(self, call_id: str) -> None:
        """Take the prospect off hold."""
        self._on_call(call_id, lambda c: c.resume())

    def send_dtmf(self, call_id: str, digits: str) -> None:
        """Send RFC 4733 DTMF; raises ValueError for anything but 0-9 A-D * #."""
        if not DTMF_RE.match(digits):
            raise ValueError(f"invalid DTMF digits: {digits!r}")
        self._on_call(call_id, lambda c: c.send_dtmf(digits))

    def drop_voicemail(self, call_id: str, wav_path: str) -> None:
        """Play a recorded voicemail into the connected call, then hang up."""
        self._on_call(call_id, lambda c: c.drop_voicemail(wav_path))

    def start_recording(self, call_id: str, parts: RecordingParts) -> None:
        """Record the rep's mic and (unless one-sided) the far end, each to its mono WAV.

        RecordingStarted follows, or RecordingFailed (the call goes on either way).
        """
        self._on_call(call_id, lambda c: self._start_recording(c, parts))

    def pause_recording(self, call_id: str) -> None:
        """Write silence until resumed (the recording keeps the call's timeline)."""
        self._on_call(call_id, lambda c: c.recorder.set_paused(True) if c.recorder else None)

    def resume_recording(self, call_id: str) -> None:
        """Record real audio again."""
        self._on_call(call_id, lambda c: c.recorder.set_paused(False) if c.recorder else None)

    def stop_recording(self, call_id: str) -> None:
        """Close the WAVs; RecordingStopped follows once every part is complete."""
        self._on_call(call_id, lambda c: self._finalise_recording(c.call_id, c.stop_recording()))

    def ping_line(self, line_name: str) -> None:
        """SIP OPTIONS to the line's trunk; an OptionsResult follows."""
        self._submit(lambda: self._do_ping(line_name))

    def list_audio_devices(self, timeout: float = 2.0) -> list[AudioDevice]:
        """Sound devices as plain dataclasses (asks the engine thread; no SIP involved)."""
        if self._loop.on_owner_thread():
            return list_devices(self._endpoint())
        future: Future[list[AudioDevice]] = Future()

        def job() -> None:
            try:
                future.set_result(list_devices(self._endpoint()))
            except Exception as exc:
                future.set_exception(exc)

        self._submit(job)
        return future.result(timeout)

    def set_audio_devices(self, capture_id: int, playback_id: int) -> None:
        """Switch microphone and speaker, also during a call."""
        self._submit(lambda: self._do_set_audio(capture_id, playback_id))

    def set_ringback(self, enabled: bool) -> None:
        """Play (or not) the local ringback tone on the speaker while calls ring."""

        def job() -> None:
            if self._ringback is not None:
                self._ringback.enable(enabled and not self._null_audio)

        self._submit(job)

    def capture_level(self, timeout: float = 0.5) -> float:
        """The microphone's level, 0..1, for a meter (0 with the null device)."""
        return self._ask(lambda audio: audio.microphone_level(), timeout, default=0.0)

    def start_greeting_recording(self, wav_path: str) -> None:
        """Record the microphone alone to ``wav_path`` (the voicemail greeting)."""
        self._with_local_audio(lambda audio: audio.start_recording(wav_path))

    def stop_greeting_recording(self) -> None:
        """Close the greeting WAV (complete a bridge tick later)."""
        self._with_local_audio(lambda audio: audio.stop_recording())

    def play_to_speaker(self, wav_path: str) -> None:
        """Play a WAV to the speaker only (to listen to the greeting)."""
        self._with_local_audio(lambda audio: audio.play(wav_path))

    def _with_local_audio(self, action: Callable[[LocalAudio], object]) -> None:
        def job() -> None:
            if self._local_audio is not None:
                action(self._local_audio)

        self._submit(job)

    def _ask(self, query: Callable[[LocalAudio], float], timeout: float, default: float) -> float:
        if not self._accepting:
            return default
        future: Future[float] = Future()

        def job() -> None:
            audio = self._local_audio
            future.set_result(default if audio is None else query(audio))

        self._submit(job)
        try:
            return future.result(timeout)
        except TimeoutError:
            return default

    # ------------------------------------------------------------------ context (engine thread)
    def emit(self, event: EngineEvent) -> None:
        """Hand an event to ``on_event`` on the engine thread."""
        if not self._loop.on_owner_thread():
            self.post(lambda: self.emit(event))
            return
        try:
            self._on_event(event)
        except Exception:
            log.exception("on_event raised for %r", event)

    def post(self, job: Job) -> None:
        """Queue ``job`` for the engine thread; safe from any thread."""
        self._loop.post(job)

    def later(self, job: Job) -> None:
        """Run ``job`` right after the current pjsua2 callback returns."""
        self._loop.later(job)

    def schedule(self, delay_s: float, job: Job) -> None:
        """Run ``job`` on the engine thread after ``delay_s`` seconds."""
        self._loop.schedule(delay_s, job)

    def capture_media(self) -> Any:
        """The microphone's bridge port (``microphone_wav``'s player when set)."""
        if self._microphone is not None:
            return self._microphone
        return self._endpoint().audDevManager().getCaptureDevMedia()

    def playback_media(self) -> Any:
        """The speaker's bridge port."""
        return self._endpoint().audDevManager().getPlaybackDevMedia()

    def set_ringing(self, call_id: str, ringing: bool) -> None:
        """Local ringback while a call rings without early media."""
        if self._ringback is not None:
            self._ringback.set(call_id, ringing)

    # ------------------------------------------------------------------ plumbing
    def _submit(self, job: Job, force: bool = False) -> None:
        if not (self._accepting or force):
            raise RuntimeError("the SIP engine is not running")
        self._loop.post(job)

    def _on_call(self, call_id: str, action: Callable[[OutboundCall], Any]) -> None:
        def job() -> None:
            call = self._calls.get(call_id)
            if call is None or call.finished:
                log.debug("no live call %s", call_id)
                return
            try:
                action(call)
            except (pj.Error, RuntimeError, OSError) as exc:
                detail = exc.info() if isinstance(exc, pj.Error) else str(exc)
                self.emit(
                    EngineError("The call could not do that right now", detail, call_id=call_id)
                )

        self._submit(job)

    def _job_failed(self, exc: Exception) -> None:
        detail = exc.info() if isinstance(exc, pj.Error) else repr(exc)
        self.emit(EngineError("The SIP engine could not complete an action", detail))

    def _endpoint(self) -> PjEndpoint:
        if self._ep is None:
            raise RuntimeError("the endpoint is not running")
        return self._ep

    def _book(self) -> LineBook:
        if self._lines is None:
            raise RuntimeError("the endpoint is not running")
        return self._lines

    def _release_process_slot(self) -> None:
        with SipEngine._process_lock:
            if SipEngine._running is self:
                SipEngine._running = None

    # ------------------------------------------------------------------ the loop
    def _run(self) -> None:
        try:
            self._boot()
        except BaseException as exc:
            self._boot_error = exc
            self._destroy()
            self._ready.set()
            return
        self._accepting = True  # before EngineStarted: its listener may add lines at once
        self._ready.set()
        transports = self._transports
        summary = transports.summary() if transports else ()
        self.emit(EngineStarted(self._config.user_agent, self._null_audio, summary))
        try:
            ep = self._endpoint()
            pump = self._config.pump_ms
            while not self._stopping:
                ep.libHandleEvents(pump)
                self._loop.run_pending()
                self._sample_quality()
            self._teardown()
        except BaseException:
            log.exception("SIP engine loop crashed")
        finally:
            self._destroy()
            self.emit(EngineStopped())
            self._release_process_slot()

    def _boot(self) -> None:
        self._ep, self._null_audio = create_endpoint(self._config)
        self._transports = Transports(self._ep, self._config)
        self._loop.bind(Waker(self._transports.local_address(self._transports.udp)))
        self._lines = LineBook(
            self._ep, self, self._transports, self._config.bind_address, self._account_in_use
        )
        self._ep.account_selector = self._lines.select_account
        self._ep.libStart()
        if self._config.microphone_wav:
            self._microphone = FilePlayer(self._config.microphone_wav, loop=True, post=self.post)
        self._ringback = Ringback(
            self._config.ringback and not self._null_audio, self.playback_media
        )
        self._local_audio = LocalAudio(self.capture_media, self.playback_media, self.post)

    def _sample_quality(self) -> None:
        now = time.monotonic()
        if now < self._next_quality:
            return
        self._next_quality = now + self._config.quality_interval_s
        for call in list(self._calls.values()):
            if call.state in (CallState.CONNECTED, CallState.ON_HOLD):
                quality = call.sample_quality()
                if quality is not None:
                    self.emit(quality)

    def _request_stop(self, deadline: float) -> None:
        self._stopping = True
        self._stop_deadline = deadline

    def _teardown(self) -> None:
        """Hang up, pump until DISCONNECTED (or the deadline), drop every call."""
        for call in list(self._calls.values()):
            call.hangup_by_rep()
        ep = self._endpoint()
        book = self._lines
        while (self._calls or (book and book.settling)) and time.monotonic() < self._stop_deadline:
            ep.libHandleEvents(10)
            self._loop.run_pending(timers=False)  # posted follow-ups only: no new commands
        self._clean_exit = not self._calls
        for call in list(self._calls.values()):  # did not end in time: pjsua hangs up on delete
            call.release_media()
            reason = "The engine shut down"
            self.emit(
                CallEnded(
                    call.call_id, 0, reason, None, call.was_ringing, True, line_name=call.line_name
                )
            )
        self._calls.clear()
        for call_id, parts in self._recordings.poll(flush=True):
            self.emit(RecordingStopped(call_id, parts))

    def _destroy(self) -> None:
        """Drop pjsua2 objects in the order pjproject requires, then libDestroy."""
        clean = self._clean_exit and not self._calls
        self._calls.clear()
        self._loop.clear()
        if self._ringback is not None:
            self._ringback.close()
            self._ringback = None
        if self._local_audio is not None:
            self._local_audio.close()
            self._local_audio = None
        self._microphone = None  # its port is destroyed with the player, before libDestroy
        gc.collect()
        if self._lines is not None:
            self._lines.close()
            self._lines = None
        gc.collect()
        if self._ep is not None:
            try:
                self._ep.libDestroy(pj.PJSUA_DESTROY_NO_RX_MSG if clean else 0)
            except pj.Error:
                log.exception("libDestroy failed")
            self._ep = None
            gc.collect()
        self._loop.close()

    # ------------------------------------------------------------------ calls
    def _account_in_use(self, account: TrunkAccount) -> bool:
        return any(call.account is account for call in self._calls.values())

    def _do_dial(
        self, call_id: str, line_name: str, e164: str, ring_timeout_s: float | None
    ) -> None:
        if call_id in self._calls:
            self.emit(EngineError("A call with this id is already in progress", call_id=call_id))
            return
        if not is_e164(e164):
            reason = f"Not an E.164 number ({e164!r}); nothing was dialled"
            self._refuse(call_id, line_name, 484, reason)
            return
        acc = self._book().get(line_name)
        if acc is None:
            self._refuse(call_id, line_name, 0, f"There is no line named {line_name!r}")
            return
        if len(self._calls) >= self._config.max_calls:
            self._refuse(call_id, line_name, 0, "Too many calls in progress")
            return
        delay = self._legs.delay(2 if acc.demo else 1)  # a demo call has both legs here
        if delay > 0:
            self.schedule(delay, lambda: self._do_dial(call_id, line_name, e164, ring_timeout_s))
            return
        call = OutboundCall(acc, self, call_id, line_name, self._call_finished)
        self._calls[call_id] = call
        try:
            call.makeCall(acc.line.target_uri(e164), pj.CallOpParam(True))
        except pj.Error as exc:
            if self._calls.get(call_id) is call and not call.finished:
                del self._calls[call_id]
                reason = str(exc.reason) or self._endpoint().utilStrError(exc.status)
                self._refuse(call_id, line_name, 0, reason, int(exc.status))
            return
        if ring_timeout_s is not None:
            # a serial, not the Call: a Call deleted late unlinks whatever call reuses its id
            serial = call.serial = next(self._serials)
            self.schedule(ring_timeout_s, lambda: self._ring_timeout(call_id, serial))

    def _refuse(
        self, call_id: str, line_name: str, status: int, reason: str, error_code: int | None = None
    ) -> None:
        self.emit(CallStateChanged(call_id, CallState.DISCONNECTED, status, reason))
        self.emit(
            CallEnded(call_id, status, reason, None, False, False, error_code, line_name=line_name)
        )

    def _ring_timeout(self, call_id: str, serial: int) -> None:
        call = self._calls.get(call_id)
        if call is not None and call.serial == serial:
            call.hangup_ring_timeout()

    def _call_finished(self, call: OutboundCall) -> None:
        """DISCONNECTED was handled: release media, report, and drop the Call right away."""
        if call.finished:
            return
        call.finished = True
        self.set_ringing(call.call_id, False)
        if self._calls.get(call.call_id) is call:
            del self._calls[call.call_id]
        parts = call.release_media()
        self.emit(call.ended_event())
        self._finalise_recording(call.call_id, parts)
        if self._lines is not None:
            self.later(self._lines.reap)

    # ------------------------------------------------------------------ recordings
    def _start_recording(self, call: OutboundCall, parts: RecordingParts) -> None:
        folder = Path(parts.rep).parent
        free = free_bytes(folder)
        if free is not None and free < DISK_LOW_BYTES:
            detail = f"only {free} bytes free for {folder}"
            self.emit(RecordingFailed(call.call_id, DISK_FULL_AT_START, detail))
            return
        try:
            call.start_recording(parts)
        except pj.Error as exc:
            call.recorder = None
            message = (
                f"Recording could not start: the recordings folder can't be written ({folder})."
            )
            self.emit(RecordingFailed(call.call_id, message, exc.info()))
            return
        self.emit(RecordingStarted(call.call_id, parts))
        if not self._health_scheduled:
            self._health_scheduled = True
            self.schedule(HEALTH_INTERVAL_S, self._check_recordings)

    def _check_recordings(self) -> None:
        """pjmedia drops failed writes silently: stop parts that stalled or lack disk space."""
        recording = [c for c in self._calls.values() if c.recorder is not None and not c.finished]
        for call in recording:
            problem = call.recorder.problem() if call.recorder is not None else None
            if problem is not None:
                log.warning("recording of %s stopped: %s", call.call_id, problem)
                self._finalise_recording(call.call_id, call.stop_recording())
                self.emit(RecordingFailed(call.call_id, DISK_FULL, problem))
        self._health_scheduled = any(c.recorder is not None for c in self._calls.values())
        if self._health_scheduled:
            self.schedule(HEALTH_INTERVAL_S, self._check_recordings)

    def _finalise_recording(self, call_id: str, parts: RecordingParts | None) -> None:
        if parts is not None:
            self._recordings.add(call_id, parts)
            self.schedule(0.02, self._poll_recordings)

    def _poll_recordings(self) -> None:
        for call_id, parts in self._recordings.poll():
            self.emit(RecordingStopped(call_id, parts))
        if self._recordings:
            self.schedule(0.02, self._poll_recordings)

    # ------------------------------------------------------------------ lines and devices
    def _do_ping(self, line_name: str) -> None:
        acc = self._book().get(line_name)
        if acc is None:
            self.emit(EngineError(f"There is no line named {line_name!r}", line_name=line_name))
            return
        acc.ping()

    def _do_set_audio(self, capture_id: int, playback_id: int) -> None:
        manager = self._endpoint().audDevManager()
        manager.setCaptureDev(capture_id)
        manager.setPlaybackDev(playback_id)
        self._null_audio = False
