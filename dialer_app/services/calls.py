"""The call session: from the Dial button to the engine and back, as Qt signals.

The engine runs pjsua2 on its own thread and reports frozen events from there;
this service re-emits them on the GUI thread (a queued signal), keeps the one
active call's state, writes the call row, and turns every ending into words
(:func:`describe_call_end`). Widgets only observe its signals.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal

from dialer_app.domain.call_outcomes import CallEndDescription
from dialer_app.domain.call_quality import quality_warnings
from dialer_app.domain.line_status import NO_LINE, LineState, LineStatus
from dialer_app.domain.phone import PhoneNumber, PhoneNumberError, parse_number
from dialer_app.engine.config import EngineConfig, LineConfig
from dialer_app.engine.events import (
    AudioDevice,
    CallEnded,
    CallMediaChanged,
    CallQuality,
    CallState,
    CallStateChanged,
    EngineError,
    EngineEvent,
    EngineStopped,
    LineAdded,
    LineRemoved,
    OptionsResult,
    RecordingFailed,
    RecordingParts,
    RecordingStarted,
    RecordingStopped,
)
from dialer_app.services.call_end import describe_ended

log = logging.getLogger(__name__)

DEMO_LINE_NAME = "Demo line"
DTMF_KEYS = frozenset("0123456789*#ABCD")


class EngineLike(Protocol):
    """What the service needs from :class:`dialer_app.engine.SipEngine` (fakes in GUI tests)."""

    def start(self, timeout: float = ...) -> None: ...
    def shutdown(self, timeout: float = ...) -> None: ...
    def add_line(self, line: LineConfig, password: str) -> None: ...
    def remove_line(self, name: str) -> None: ...
    def add_demo_line(
        self, name: str = ..., *, prompt_wav: str | None = ..., beep_wav: str | None = ...
    ) -> None: ...
    def dial(
        self, call_id: str, line_name: str, e164: str, *, ring_timeout_s: float | None = ...
    ) -> None: ...
    def hangup(self, call_id: str) -> None: ...
    def set_mute(self, call_id: str, muted: bool) -> None: ...
    def hold(self, call_id: str) -> None: ...
    def resume(self, call_id: str) -> None: ...
    def send_dtmf(self, call_id: str, digits: str) -> None: ...
    def drop_voicemail(self, call_id: str, wav_path: str) -> None: ...
    def ping_line(self, line_name: str) -> None: ...
    def list_audio_devices(self, timeout: float = ...) -> list[AudioDevice]: ...
    def set_audio_devices(self, capture_id: int, playback_id: int) -> None: ...
    def capture_level(self) -> float: ...
    def set_ringback(self, enabled: bool) -> None: ...
    def start_greeting_recording(self, wav_path: str) -> None: ...
    def stop_greeting_recording(self) -> None: ...
    def play_to_speaker(self, wav_path: str) -> None: ...
    def start_recording(self, call_id: str, parts: RecordingParts) -> None: ...
    def pause_recording(self, call_id: str) -> None: ...
    def resume_recording(self, call_id: str) -> None: ...
    def stop_recording(self, call_id: str) -> None: ...


EngineFactory = Callable[[EngineConfig, Callable[[EngineEvent], None]], EngineLike]


class CallRecorderStore(Protocol):
    """Where call rows go (db.call_store.CallStore)."""

    def started(self, start: Any) -> None: ...
    def finished(self, finish: Any) -> None: ...


@dataclass(frozen=True)
class DemoMedia:
    """Sounds of the built-in demo line, and the greeting it may drop as voicemail."""

    prompt: Path
    beep: Path
    greeting: Path


@dataclass(frozen=True)
class LineSetup:
    """A trunk line plus its password (from the keyring), ready for the engine."""

    config: LineConfig
    password: str


@dataclass(frozen=True)
class ActiveCall:
    """The call in progress, as the dial pad shows it."""

    call_id: str
    number: PhoneNumber
    person_id: int | None
    person_name: str
    line_name: str
    state: CallState
    started: float
    connected: float | None = None
    muted: bool = False
    on_hold: bool = False
    srtp: bool = False
    codec: str = ""
    ringing: bool = False
    voicemail_dropping: bool = False
    extension_sent: bool = False

    @property
    def talk_seconds(self) -> float:
        return 0.0 if self.connected is None else time.monotonic() - self.connected

    @property
    def has_extension(self) -> bool:
        return bool(self.number.extension)


@dataclass(frozen=True)
class FinishedCall:
    call: ActiveCall
    end: CallEndDescription
    sip_status: int
    duration_s: float | None
    quality: CallQuality | None


@dataclass(frozen=True)
class QualitySample:
    stats: CallQuality
    warnings: tuple[str, ...]


class CallService(QObject):
    """Owns the engine, the line status and the active call."""

    line_status_changed = Signal(object)  # LineStatus
    dial_refused = Signal(str)  # a message for the rep; nothing was dialled
    dial_started = Signal(object)  # ActiveCall
    call_changed = Signal(object)  # ActiveCall
    call_finished = Signal(object)  # FinishedCall
    quality_changed = Signal(object)  # QualitySample
    line_tested = Signal(object)  # OptionsResult
    notice = Signal(str)  # engine problems worth showing
    recording_event = Signal(object)  # RecordingStarted | RecordingStopped | RecordingFailed
    _engine_event = Signal(object)  # emitted on the engine thread, delivered queued

    def __init__(
        self,
        region: str,
        *,
        engine_factory: EngineFactory | None = None,
        engine_config: EngineConfig | None = None,
        store: CallRecorderStore | None = None,
        voicemail_greeting: Path | None = None,
        demo_media: DemoMedia | None = None,
        ring_timeout_s: float = 45.0,
        is_do_not_contact: Callable[[int], bool] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._is_do_not_contact = is_do_not_contact
        self._region = region
        self._engine_factory = engine_factory
        self._engine_config = engine_config or EngineConfig()
        self._store = store
        self._voicemail_greeting = voicemail_greeting
        self._demo_media = demo_media
        self._ring_timeout_s = ring_timeout_s
        self._status: LineStatus = NO_LINE
        self._engine: EngineLike | None = None
        self._lines: dict[str, LineSetup] = {}
        self._ready_lines: set[str] = set()
        self._default_line = DEMO_LINE_NAME
        self._active: ActiveCall | None = None
        self._last_quality: CallQuality | None = None
        self._engine_ringback = True
        self._boot_thread: threading.Thread | None = None
        self._engine_event.connect(self._on_engine_event)

    # -- configuration -------------------------------------------------------------------
    @property
    def line_status(self) -> LineStatus:
        return self._status

    @property
    def active_call(self) -> ActiveCall | None:
        return self._active

    @property
    def default_line(self) -> str:
        return self._default_line

    @property
    def voicemail_greeting(self) -> Path | None:
        """The rep's greeting; on the demo line a sample stands in until they record one."""
        greeting = self._voicemail_greeting
        if greeting is not None and greeting.is_file():
            return greeting
        if self._default_line == DEMO_LINE_NAME and self._demo_media is not None:
            return self._demo_media.greeting
        return None

    @property
    def greeting_file(self) -> Path | None:
        """Where the rep's own greeting is (or will be) stored."""
        return self._voicemail_greeting

    def set_region(self, region: str) -> None:
        self._region = region

    def set_ring_timeout(self, seconds: float) -> None:
        self._ring_timeout_s = seconds

    def set_line_status(self, status: LineStatus) -> None:
        self._status = status
        self.line_status_changed.emit(status)

    def start(self, lines: list[LineSetup], default_line: str = "") -> None:
        """Start the engine off the GUI thread, then add the demo line and the trunks."""
        if self._engine_factory is None:
            return
        self._lines = {setup.config.name: setup for setup in lines}
        self._default_line = default_line if default_line in self._lines else DEMO_LINE_NAME
        self.set_line_status(
            LineStatus(LineState.CONNECTING, self._default_line, "Starting the phone…")
        )
        factory = self._engine_factory

        def boot() -> None:
            # Importing pjsua2 and starting the endpoint happen here, never on the GUI thread.
            try:
                engine = factory(self._engine_config, self._engine_event.emit)
                engine.start()
            except Exception as exc:
                log.exception("engine failed to start")
                self._engine_event.emit(
                    EngineError(f"The phone engine did not start: {exc}", detail=repr(exc))
                )
                return
            self._engine = engine
            if not self._engine_ringback:
                engine.set_ringback(False)
            media = self._demo_media
            engine.add_demo_line(
                DEMO_LINE_NAME,
                prompt_wav=str(media.prompt) if media else None,
                beep_wav=str(media.beep) if media else None,
            )
            for setup in list(self._lines.values()):
                engine.add_line(setup.config, setup.password)

        self._boot_thread = threading.Thread(target=boot, name="engine-boot", daemon=True)
        self._boot_thread.start()

    def reconfigure(self, lines: list[LineSetup], default_line: str) -> None:
        """Apply edited lines from Settings without restarting the engine."""
        engine = self._engine
        new = {setup.config.name: setup for setup in lines}
        if engine is not None:
            for name in set(self._lines) - set(new):
                engine.remove_line(name)
                self._ready_lines.discard(name)
            for setup in new.values():
                engine.add_line(setup.config, setup.password)
        self._lines = new
        self._default_line = default_line if default_line in new else DEMO_LINE_NAME
        self._update_line_status()

    def shutdown(self) -> None:
        boot = self._boot_thread
        if boot is not None and boot.is_alive():
            boot.join(timeout=15)  # quitting while the engine boots: let it finish, then stop it
        engine, self._engine = self._engine, None
        if engine is not None:
            engine.shutdown()

    # -- actions ---------------------------------------------------------------------------
    def validate(self, text: str) -> PhoneNumber:
        """Parse what the rep typed; raises PhoneNumberError with a human message."""
        return parse_number(text, self._region)

    def dial(
        self,
        text: str,
        extension: str | None = None,
        *,
        person_id: int | None = None,
        person_name: str = "",
    ) -> None:
        if self._active is not None:
            self.dial_refused.emit("Finish the current call before dialling another number.")
            return
        refusal = self._do_not_contact_refusal(person_id, person_name)
        if refusal:
            self.dial_refused.emit(refusal)
            return
        try:
            number = self.validate(text)
        except PhoneNumberError as exc:
            self.dial_refused.emit(str(exc))
            return
        if extension and not number.extension:
            number = replace(number, extension=extension)
        if self._engine is None or not self._status.can_dial:
            self.dial_refused.emit(f"Cannot call {number.international}: {self._status.message}")
            return
        call = ActiveCall(
            call_id=str(uuid.uuid4()),
            number=number,
            person_id=person_id,
            person_name=person_name,
            line_name=self._default_line,
            state=CallState.CALLING,
            started=time.monotonic(),
        )
        self._active = call
        self._last_quality = None
        self._engine.dial(
            call.call_id, call.line_name, number.e164, ring_timeout_s=self._ring_timeout_s
        )
        if self._store is not None:
            from dialer_app.db.call_store import CallStart

            self._store.started(
                CallStart(call.call_id, person_id, number.e164, number.extension, call.line_name)
            )
        self._update_line_status()
        self.dial_started.emit(call)
        self.call_changed.emit(call)

    def _do_not_contact_refusal(self, person_id: int | None, person_name: str) -> str:
        """Why a flagged person must not be dialled (every path passes here), else ""."""
        lookup = self._is_do_not_contact
        if person_id is None or lookup is None:
            return ""
        who = person_name or "This person"
        try:
            flagged = lookup(person_id)
        except Exception:  # cannot tell: do not risk calling someone who opted out
            log.exception("could not read the do-not-contact flag of person %s", person_id)
            return f"Could not check whether {who} may be called; try again."
        if not flagged:
            return ""
        return (
            f"{who} is marked do not contact: dialling is blocked. "
            "Clear the flag on their profile to call."
        )

    def hangup(self) -> None:
        if self._active is not None and self._engine is not None:
            self._engine.hangup(self._active.call_id)

    def toggle_mute(self) -> None:
        call = self._active
        if call is None or self._engine is None or call.connected is None:
            return
        self._engine.set_mute(call.call_id, not call.muted)
        self._set_active(replace(call, muted=not call.muted))

    def toggle_hold(self) -> None:
        call = self._active
        if call is None or self._engine is None or call.connected is None:
            return
        if call.on_hold:
            self._engine.resume(call.call_id)
        else:
            self._engine.hold(call.call_id)

    def send_dtmf(self, digits: str) -> None:
        call = self._active
        digits = "".join(d for d in digits.upper() if d in DTMF_KEYS)
        if call is None or self._engine is None or call.connected is None or not digits:
            return
        self._engine.send_dtmf(call.call_id, digits)

    def dial_extension(self) -> None:
        """Send the number's extension as DTMF (seed 002: the office extension field)."""
        call = self._active
        if call is not None and call.number.extension:
            self.send_dtmf(call.number.extension)
            if call.connected is not None and self._engine is not None:
                self._set_active(replace(call, extension_sent=True))

    def drop_voicemail(self) -> None:
        call = self._active
        greeting = self.voicemail_greeting
        if call is None or self._engine is None or call.connected is None:
            return
        if greeting is None:
            self.notice.emit("Record or import a voicemail greeting in Settings first.")
            return
        self._engine.drop_voicemail(call.call_id, str(greeting))
        self._set_active(replace(call, voicemail_dropping=True))

    def test_line_config(self, setup: LineSetup) -> None:
        """Apply a line (maybe not saved yet) to the engine and ping its trunk with OPTIONS."""
        engine = self._engine
        if engine is None:
            self.notice.emit("The phone engine is not running.")
            return
        if not self._engine_config.loopback or _is_loopback_host(setup.config.host):
            engine.add_line(setup.config, setup.password)
            engine.ping_line(setup.config.name)
            return
        self.line_tested.emit(
            OptionsResult(
                setup.config.name,
                False,
                0,
                "this session is demo-only (loopback): restart the app to reach the trunk",
                None,
                False,
            )
        )

    # -- audio devices and the greeting ------------------------------------------------------
    def audio_devices(self) -> list[AudioDevice]:
        """Sound devices the engine can use (empty when there are none, or no engine)."""
        if self._engine is None:
            return []
        try:
            return self._engine.list_audio_devices()
        except Exception:  # a slow or failing device scan must not break Settings
            log.exception("could not list audio devices")
            return []

    def use_audio_devices(self, microphone: str, speaker: str) -> None:
        """Switch devices by name ("" = system default); works during a call."""
        if self._engine is None:
            return
        devices = self.audio_devices()
        capture = next((d.id for d in devices if d.name == microphone and d.input_count), -1)
        playback = next((d.id for d in devices if d.name == speaker and d.output_count), -2)
        self._engine.set_audio_devices(capture, playback)

    def use_engine_ringback(self, enabled: bool) -> None:
        """The engine's tone on the speaker, or (False) silence while the ringer plays it."""
        self._engine_ringback = enabled
        if self._engine is not None:
            self._engine.set_ringback(enabled)

    def microphone_level(self) -> float:
        """0..1, for the Test microphone meter."""
        return self._engine.capture_level() if self._engine is not None else 0.0

    def start_greeting_recording(self, path: Path) -> None:
        if self._engine is not None:
            self._engine.start_greeting_recording(str(path))

    def stop_greeting_recording(self) -> None:
        if self._engine is not None:
            self._engine.stop_greeting_recording()

    def play_to_speaker(self, path: Path) -> None:
        if self._engine is not None:
            self._engine.play_to_speaker(str(path))

    # -- call recording (issue 7: services/recordings.py decides when) ----------------------
    def start_recording(self, call_id: str, parts: RecordingParts) -> bool:
        """Ask the engine to record; False when there is no engine (nothing will follow)."""
        if self._engine is None:
            return False
        self._engine.start_recording(call_id, parts)
        return True

    def pause_recording(self, call_id: str) -> None:
        if self._engine is not None:
            self._engine.pause_recording(call_id)

    def resume_recording(self, call_id: str) -> None:
        if self._engine is not None:
            self._engine.resume_recording(call_id)

    def stop_recording(self, call_id: str) -> None:
        if self._engine is not None:
            self._engine.stop_recording(call_id)

    # -- engine events (GUI thread) ----------------------------------------------------------
    def _on_engine_event(self, event: EngineEvent) -> None:
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event)

    def _set_active(self, call: ActiveCall) -> None:
        self._active = call
        self.call_changed.emit(call)

    def _mine(self, call_id: str) -> ActiveCall | None:
        call = self._active
        return call if call is not None and call.call_id == call_id else None

    def _on_state(self, event: CallStateChanged) -> None:
        call = self._mine(event.call_id)
        if call is None or event.state is CallState.DISCONNECTED:
            return
        changes: dict[str, Any] = {"state": event.state}
        if event.state is CallState.RINGING:
            changes["ringing"] = True
        if event.state is CallState.CONNECTED and call.connected is None:
            changes["connected"] = time.monotonic()
        self._set_active(replace(call, **changes))

    def _on_media(self, event: CallMediaChanged) -> None:
        call = self._mine(event.call_id)
        if call is None:
            return
        state = call.state
        if call.connected is not None:
            state = CallState.ON_HOLD if event.on_hold else CallState.CONNECTED
        self._set_active(
            replace(
                call,
                on_hold=event.on_hold,
                srtp=event.srtp,
                codec=event.codec,
                muted=event.muted,
                state=state,
            )
        )

    def _on_quality(self, event: CallQuality) -> None:
        if self._mine(event.call_id) is None:
            return
        self._last_quality = event
        warnings = quality_warnings(event.mos, event.jitter_ms, event.loss_pct)
        self.quality_changed.emit(QualitySample(event, tuple(warnings)))

    def _on_ended(self, event: CallEnded) -> None:
        call = self._mine(event.call_id)
        if call is None:
            return
        end = describe_ended(event, rang=call.ringing)
        quality = event.stats or self._last_quality
        finished = FinishedCall(
            replace(call, state=CallState.DISCONNECTED),
            end,
            event.sip_status,
            event.connected_duration_s,
            quality,
        )
        self._active = None
        self._record_finish(finished, event)
        self._update_line_status()
        self.call_finished.emit(finished)

    def _record_finish(self, finished: FinishedCall, event: CallEnded) -> None:
        if self._store is None:
            return
        from dialer_app.db.call_store import CallFinish

        ended = datetime.fromtimestamp(event.at, UTC)
        duration = finished.duration_s
        answered = None if duration is None else datetime.fromtimestamp(event.at - duration, UTC)
        stats = finished.quality
        try:
            self._store.finished(
                CallFinish(
                    uuid=finished.call.call_id,
                    answered_at=answered,
                    ended_at=ended,
                    duration_s=duration,
                    sip_status=event.sip_status,
                    sip_reason=event.reason,
                    outcome=finished.end.outcome.value,
                    outcome_message=finished.end.message,
                    suggested_disposition=finished.end.suggested_disposition,
                    voicemail_dropped=event.voicemail_dropped,
                    codec=stats.codec if stats else None,
                    srtp=stats.srtp if stats else None,
                    jitter_ms=stats.jitter_ms if stats else None,
                    loss_pct=stats.loss_pct if stats else None,
                    rtt_ms=stats.rtt_ms if stats else None,
                    mos=stats.mos if stats else None,
                )
            )
        except Exception:  # the rep's call already ended; never lose the session over a write
            log.exception("could not save the end of call %s", finished.call.call_id)
            self.notice.emit("The call ended but could not be saved to the database (see the log).")

    def _on_line_added(self, event: LineAdded) -> None:
        self._ready_lines.add(event.line_name)
        self._update_line_status()

    def _on_line_removed(self, event: LineRemoved) -> None:
        self._ready_lines.discard(event.line_name)
        self._update_line_status()

    def _on_options(self, event: OptionsResult) -> None:
        self.line_tested.emit(event)

    def _on_error(self, event: EngineError) -> None:
        if (
            event.call_id is None
            and event.line_name is None
            and self._status.state is LineState.CONNECTING
        ):
            self.set_line_status(LineStatus(LineState.ERROR, "", event.message))
        self.notice.emit(event.message)

    def _on_recording(self, event: RecordingStarted | RecordingStopped | RecordingFailed) -> None:
        """Recording events are for the recording service, even after the call ended."""
        self.recording_event.emit(event)

    def _on_stopped(self, _event: EngineStopped) -> None:
        self._ready_lines.clear()
        self.set_line_status(LineStatus(LineState.ERROR, "", "The phone engine stopped."))

    def _update_line_status(self) -> None:
        name = self._default_line
        if self._active is not None:
            status = LineStatus(LineState.IN_CALL, name, f"In a call on {name}.")
        elif name not in self._ready_lines:
            status = LineStatus(LineState.CONNECTING, name, f"Connecting {name}…")
        elif name == DEMO_LINE_NAME:
            status = LineStatus(
                LineState.DEMO,
                name,
                "Demo line: calls stay inside this computer. "
                "Add your Twilio trunk in Settings → Lines.",
            )
        else:
            status = LineStatus(LineState.READY, name, f"{name} is ready.")
        self.set_line_status(status)


def _is_loopback_host(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1")


_HANDLERS: dict[type, Callable[[CallService, Any], None]] = {
    CallStateChanged: CallService._on_state,
    CallMediaChanged: CallService._on_media,
    CallQuality: CallService._on_quality,
    CallEnded: CallService._on_ended,
    LineAdded: CallService._on_line_added,
    LineRemoved: CallService._on_line_removed,
    OptionsResult: CallService._on_options,
    EngineError: CallService._on_error,
    EngineStopped: CallService._on_stopped,
    RecordingStarted: CallService._on_recording,
    RecordingStopped: CallService._on_recording,
    RecordingFailed: CallService._on_recording,
}
