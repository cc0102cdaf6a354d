"""One outbound call: pjsua2 ``Call`` callbacks turned into frozen events.

The engine keeps each ``OutboundCall`` in a dict until its DISCONNECTED state
has been handled (pjproject #3856: a collected Call hangs up), then drops it
promptly because pjsua reuses call ids. Everything here runs on the engine
thread except ``onDtmfDigit``/player end-of-file, which only ``post``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import pjsua2 as pj

from dialer_app.engine.context import EngineContext
from dialer_app.engine.errors import error_code_from_reason
from dialer_app.engine.events import (
    CallEnded,
    CallMediaChanged,
    CallQuality,
    CallState,
    CallStateChanged,
    DtmfReceived,
    RecordingParts,
    VoicemailDropStarted,
)
from dialer_app.engine.guard import guarded
from dialer_app.engine.media import CallRecorder, FilePlayer, connect, disconnect
from dialer_app.engine.quality import estimate_mos

log = logging.getLogger("dialer_app.engine")

_STATES: dict[int, CallState] = {
    pj.PJSIP_INV_STATE_CALLING: CallState.CALLING,
    pj.PJSIP_INV_STATE_EARLY: CallState.RINGING,
    pj.PJSIP_INV_STATE_CONNECTING: CallState.CONNECTING,
    pj.PJSIP_INV_STATE_CONFIRMED: CallState.CONNECTED,
    pj.PJSIP_INV_STATE_DISCONNECTED: CallState.DISCONNECTED,
}


class OutboundCall(pj.Call):  # type: ignore[misc]
    """A rep's call on one line, identified by the caller-chosen ``call_id``."""

    def __init__(
        self,
        account: Any,
        ctx: EngineContext,
        call_id: str,
        line_name: str,
        on_finished: Callable[[OutboundCall], None],
    ) -> None:
        super().__init__(account)
        self.account = account  # the account must outlive its calls
        self.call_id = call_id
        self.line_name = line_name
        self._ctx = ctx
        self._on_finished = on_finished
        self.serial = 0  # set by the engine; timers refer to calls by serial, never by object
        self.started = time.monotonic()
        self.connected_at: float | None = None
        self.disconnected_at: float | None = None
        self.state: CallState | None = None  # nothing reported yet
        self.finished = False
        self.was_ringing = False
        self.hung_up_by_rep = False
        self.ring_timed_out = False
        self.voicemail_dropped = False
        self.muted = False
        self.error_code: int | None = None
        self.last_quality: CallQuality | None = None
        self._status = 0
        self._reason = ""
        self._audio: Any = None
        self._audio_index = -1
        self._media_active = False
        self._on_hold = False
        self._srtp = False
        self._codec = ""
        self.recorder: CallRecorder | None = None
        self._voicemail: FilePlayer | None = None

    # ----- pjsua2 callbacks (engine thread) -------------------------------------------
    @guarded
    def onCallState(self, prm: Any) -> None:
        info = self.getInfo()
        self._status, self._reason = int(info.lastStatusCode), str(info.lastReason)
        inv = info.state
        if inv == pj.PJSIP_INV_STATE_EARLY:
            self.was_ringing = True
            # early media (183 with SDP) plays the far end's ringback instead of ours
            self._ctx.set_ringing(self.call_id, not self._media_active)
        elif inv in (
            pj.PJSIP_INV_STATE_CONNECTING,
            pj.PJSIP_INV_STATE_CONFIRMED,
            pj.PJSIP_INV_STATE_DISCONNECTED,
        ):
            self._ctx.set_ringing(self.call_id, False)
        if inv == pj.PJSIP_INV_STATE_CONFIRMED and self.connected_at is None:
            self.connected_at = time.monotonic()
        state = _STATES.get(inv)
        if state is None or (state == self.state and state != CallState.RINGING):
            return
        self.state = state
        self._ctx.emit(CallStateChanged(self.call_id, state, self._status, self._reason))
        if state == CallState.DISCONNECTED:
            self.disconnected_at = time.monotonic()
            if self.error_code is None:
                self.error_code = error_code_from_reason(self._reason)
            self._ctx.later(lambda: self._on_finished(self))

    @guarded
    def onCallMediaState(self, prm: Any) -> None:
        info = self.getInfo()
        for media in info.media:
            if media.type != pj.PJMEDIA_TYPE_AUDIO:
                continue
            status = media.status
            self._audio_index = int(media.index)
            self._audio = None
            if status in (
                pj.PJSUA_CALL_MEDIA_ACTIVE,
                pj.PJSUA_CALL_MEDIA_REMOTE_HOLD,
                pj.PJSUA_CALL_MEDIA_LOCAL_HOLD,
            ):
                try:
                    self._audio = self.getAudioMedia(self._audio_index)
                except pj.Error as exc:
                    log.debug("no conference port for %s: %s", self.call_id, exc.info())
                self._read_stream_info()
            self._media_active = status in (
                pj.PJSUA_CALL_MEDIA_ACTIVE,
                pj.PJSUA_CALL_MEDIA_REMOTE_HOLD,
            )
            if self._media_active and self.state == CallState.RINGING:
                self._ctx.set_ringing(self.call_id, False)  # 183 early media replaces ringback
            self._wire()
            held = status == pj.PJSUA_CALL_MEDIA_LOCAL_HOLD
            hold_changed = held != self._on_hold
            self._on_hold = held
            self._emit_media()
            if hold_changed and self.state in (CallState.CONNECTED, CallState.ON_HOLD):
                self.state = CallState.ON_HOLD if held else CallState.CONNECTED
                self._ctx.emit(
                    CallStateChanged(self.call_id, self.state, self._status, self._reason)
                )
            return

    @guarded
    def onDtmfDigit(self, prm: Any) -> None:
        event = DtmfReceived(self.call_id, str(prm.digit))
        self._ctx.post(lambda: self._ctx.emit(event))

    @guarded
    def onStreamDestroyed(self, prm: Any) -> None:
        self.sample_quality()  # the stream's final figures; a re-INVITE may start a new one

    # ----- commands (engine thread) ---------------------------------------------------
    def hangup_by_rep(self) -> None:
        """Hang up (CANCEL while ringing, BYE once connected)."""
        self.hung_up_by_rep = True
        self._hangup()

    def hangup_ring_timeout(self) -> None:
        """Give up on an unanswered call (the far end sees CANCEL, we get 487)."""
        if self.connected_at is None and not self.finished:
            self.ring_timed_out = True
            self._hangup()

    def _hangup(self) -> None:
        if self.finished or self.disconnected_at is not None:
            return
        try:
            self.hangup(pj.CallOpParam())
        except pj.Error as exc:
            log.debug("hangup %s: %s", self.call_id, exc.info())

    def set_mute(self, muted: bool) -> None:
        """Stop (or restart) sending the rep's microphone into the call, and into its
        recording (silence of the same length on the rep's side while muted)."""
        self.muted = muted
        self._wire()
        if self.recorder is not None:
            self.recorder.set_muted(muted)
        self._emit_media()

    def hold(self) -> None:
        """Put the far end on hold (re-INVITE a=sendonly)."""
        self.setHold(pj.CallOpParam(True))

    def resume(self) -> None:
        """Take the call off hold (re-INVITE with PJSUA_CALL_UNHOLD)."""
        prm = pj.CallOpParam(True)
        prm.opt.flag = pj.PJSUA_CALL_UNHOLD
        self.reinvite(prm)

    def send_dtmf(self, digits: str) -> None:
        """RFC 4733 telephone-events."""
        self.dialDtmf(digits)

    def start_recording(self, parts: RecordingParts) -> None:
        """Record the rep's mic and (unless one-sided) the far end, each to its mono WAV.

        Raises pj.Error when a recorder cannot be created (e.g. an unwritable folder).
        """
        if self.recorder is not None:
            raise RuntimeError("this call is already being recorded")
        self.recorder = CallRecorder(parts)
        self.recorder.start(self._ctx.capture_media())
        if self.muted:
            self.recorder.set_muted(True)
        if self._audio is not None:
            self.recorder.attach(self._audio)

    def stop_recording(self) -> RecordingParts | None:
        """Close the recorders; returns their parts (the WAVs complete a tick later)."""
        rec, self.recorder = self.recorder, None
        if rec is None:
            return None
        return rec.close(self._audio, self._ctx.capture_media())

    def drop_voicemail(self, wav_path: str) -> None:
        """Play ``wav_path`` once into the call, muting the rep; hang up at its end."""
        if self._audio is None or self.connected_at is None:
            raise RuntimeError("voicemail drop needs a connected call with audio")
        if self._voicemail is not None:
            raise RuntimeError("a voicemail is already playing")
        self._voicemail = FilePlayer(
            wav_path, loop=False, post=self._ctx.post, on_eof=self._voicemail_finished
        )
        self._wire()
        self._ctx.emit(VoicemailDropStarted(self.call_id, wav_path))

    def _voicemail_finished(self) -> None:
        if self.finished:
            return
        self.voicemail_dropped = True
        self._release_voicemail()
        self._hangup()

    def release_media(self) -> RecordingParts | None:
        """Disconnect every port this call owns; returns recording parts to finalise."""
        self._release_voicemail()
        self._audio = None
        return self.stop_recording()

    def _release_voicemail(self) -> None:
        player, self._voicemail = self._voicemail, None
        if player is not None and self._audio is not None:
            disconnect(player, self._audio)

    # ----- media wiring ---------------------------------------------------------------
    def _wire(self) -> None:
        """(Re)connect the call's port on the bridge; pjsua makes a new port per re-INVITE."""
        audio = self._audio
        if audio is None:
            return
        mic = self._ctx.capture_media()
        connect(audio, self._ctx.playback_media())
        if self.muted or self._voicemail is not None:
            disconnect(mic, audio)
        else:
            connect(mic, audio)
        if self._voicemail is not None:
            connect(self._voicemail, audio)
        if self.recorder is not None:
            self.recorder.attach(audio)

    def _read_stream_info(self) -> None:
        try:
            si = self.getStreamInfo(self._audio_index)
        except pj.Error:
            return
        self._codec = str(si.codecName)
        self._srtp = bool(int(si.proto) & int(pj.PJMEDIA_TP_PROFILE_SRTP))

    def _emit_media(self) -> None:
        self._ctx.emit(
            CallMediaChanged(
                self.call_id, self._media_active, self._on_hold, self._srtp, self._codec, self.muted
            )
        )

    # ----- reporting --------------------------------------------------------------------
    def sample_quality(self) -> CallQuality | None:
        """Receive-side stats of the audio stream, or None when there is no stream."""
        if self._audio_index < 0:
            return None
        try:
            stat = self.getStreamStat(self._audio_index)
        except pj.Error:
            return None
        rx = stat.rtcp.rxStat
        received, lost = int(rx.pkt), int(rx.loss)
        loss_pct = 100.0 * lost / (received + lost) if received + lost else 0.0
        jitter_ms = rx.jitterUsec.mean / 1000.0 if rx.jitterUsec.n > 0 else 0.0
        rtt = stat.rtcp.rttUsec
        rtt_ms = rtt.last / 1000.0 if rtt.n > 0 else None
        jb_ms = float(stat.jbuf.avgDelayMsec)
        quality = CallQuality(
            call_id=self.call_id,
            codec=self._codec,
            srtp=self._srtp,
            jitter_ms=round(jitter_ms, 2),
            loss_pct=round(loss_pct, 2),
            rtt_ms=rtt_ms,
            mos=estimate_mos(self._codec, loss_pct, jitter_ms, rtt_ms, jb_ms),
            rx_packets=received,
            tx_packets=int(stat.rtcp.txStat.pkt),
        )
        if received or self.last_quality is None:  # a fresh re-INVITE stream says little
            self.last_quality = quality
        return quality

    def ended_event(self) -> CallEnded:
        """The final event, built once DISCONNECTED has been seen."""
        duration = None
        if self.connected_at is not None:
            end = self.disconnected_at or time.monotonic()
            duration = round(end - self.connected_at, 3)
        return CallEnded(
            call_id=self.call_id,
            sip_status=self._status,
            reason=self._reason,
            connected_duration_s=duration,
            was_ringing=self.was_ringing,
            hung_up_by_rep=self.hung_up_by_rep,
            error_code=self.error_code,
            stats=self.last_quality,
            voicemail_dropped=self.voicemail_dropped,
            ring_timeout=self.ring_timed_out,
            line_name=self.line_name,
        )
