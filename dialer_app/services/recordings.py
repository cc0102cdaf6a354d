"""Call recordings in the app: governance before each call, the record icon, start/pause/
resume during a call, saving the stereo file, crash repair, retention and deletion.

Qt signals out, plain calls in; the file work (merge, hash, repair, retention) runs off the
GUI thread and reports back through a queued signal. The rules (who may record, what the
icon shows, the words) are in ``domain/``; this class only sequences them.

Choices where issue 7 is silent:

* The rep's "record next call" click is a preference for the session: it holds for every
  following call until clicked again (a click back to the team default forgets it, so a
  later change of the default applies). Governance still decides each call.
* One-Sided Recording is locked for the whole call: no pause, no stop (seed 001).
* A recording that fails during a call is not restarted for that call; what was written
  before the failure is kept (READY with the problem noted), else the row is FAILED.
* Retention runs at start-up and then once a day while the app is open.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from dialer_app.domain import recording_messages as words
from dialer_app.domain import recording_timeline
from dialer_app.domain.phone import PhoneNumberError
from dialer_app.domain.recording_indicator import (
    CallPhase,
    RecordingIndicator,
    RecordingPhase,
    decision_without_number,
    indicator_for,
)
from dialer_app.domain.recording_rules import (
    GovernanceSettings,
    RecordingDecision,
    RecordingMode,
    decide,
)
from dialer_app.domain.recording_timeline import SegmentEvent
from dialer_app.engine.events import (
    CallState,
    RecordingFailed,
    RecordingParts,
    RecordingStarted,
    RecordingStopped,
)
from dialer_app.recordings.storage import RecordingFiles

if TYPE_CHECKING:  # the stores import SQLAlchemy: not on the start-up path
    from dialer_app.db.recording_store import RecordingInfo, SavedFile
    from dialer_app.domain.recording_timeline import Segment
    from dialer_app.services.calls import ActiveCall, CallService, FinishedCall

log = logging.getLogger(__name__)

RETENTION_INTERVAL_MS = 24 * 60 * 60 * 1000
"""Retention runs at start-up and then daily; a day with nothing to delete is one query."""
_CONNECTED = (CallState.CONNECTED, CallState.ON_HOLD)


class GovernanceSource(Protocol):
    """db.recording_governance_store.RecordingGovernanceStore."""

    def load(self) -> GovernanceSettings: ...


class RecordingRows(Protocol):
    """db.recording_store.RecordingStore (deferred in app.py: it imports the ORM)."""

    def started(self, call_uuid: str, *, one_sided: bool, call_offset_s: float) -> None: ...
    def add_segment(self, call_uuid: str, segment: Segment) -> None: ...
    def finished(self, call_uuid: str, saved: SavedFile, *, problem: str = ...) -> None: ...
    def repaired(self, call_uuid: str, saved: SavedFile, problem: str) -> None: ...
    def failed(self, call_uuid: str, problem: str) -> None: ...
    def get(self, call_uuid: str) -> RecordingInfo | None: ...
    def interrupted(self) -> list[RecordingInfo]: ...
    def older_than(self, days: int) -> list[RecordingInfo]: ...
    def delete(self, call_uuid: str, reason: str) -> RecordingInfo: ...


@dataclass(frozen=True)
class HousekeepingReport:
    """What start-up (or the daily timer) did to the recordings on disk."""

    repaired: int = 0
    failed: int = 0
    deleted: int = 0


@dataclass(frozen=True)
class _Recording:
    """The recording of one call, from start until its file is saved."""

    call_id: str
    one_sided: bool
    offset_s: float
    parts: RecordingParts
    phase: RecordingPhase = RecordingPhase.RECORDING
    problem: str = ""
    stop_written: bool = False


class RecordingService(QObject):
    """Owns the rep's "record next call" choice and the active call's recording."""

    indicator_changed = Signal(object)  # RecordingIndicator
    notice = Signal(str)  # "Recording started", "Recording stopped: the disk is full", ...
    recordings_changed = Signal()  # a recording was saved, repaired or deleted
    housekeeping_done = Signal(object)  # HousekeepingReport (start-up and daily)
    _job_done = Signal(object, object)  # (callback, result) from a worker thread, queued

    def __init__(
        self,
        calls: CallService,
        *,
        governance: GovernanceSource,
        store: RecordingRows,
        files: RecordingFiles,
        owns_number: Callable[[str], bool],
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._calls = calls
        self._governance = governance
        self._store = store
        self._files = files
        self._owns_number = owns_number
        self._clock = clock
        self._settings: GovernanceSettings | None = None
        self._rep_wants: bool | None = None
        self._number_text = ""
        self._person_id: int | None = None
        self._owner_cache: tuple[str, bool] | None = None
        self._call: ActiveCall | None = None
        self._call_decision: RecordingDecision | None = None
        self._connected_at: float | None = None
        self._recordings: dict[str, _Recording] = {}
        """Open recordings by call id: the active call's, and ended calls' being saved."""
        self._failed: dict[str, str] = {}
        """Calls whose recording stopped on its own: call id -> the problem (this call)."""
        self._workers: list[threading.Thread] = []
        self._indicator = indicator_for(None, CallPhase.IDLE)
        self._retention_timer = QTimer(self)
        self._retention_timer.setInterval(RETENTION_INTERVAL_MS)
        self._retention_timer.timeout.connect(self._daily_retention)
        self._job_done.connect(self._on_job_done)
        calls.dial_started.connect(self._on_dial_started)
        calls.call_changed.connect(self._on_call_changed)
        calls.call_finished.connect(self._on_call_finished)
        calls.recording_event.connect(self._on_recording_event)

    # -- state -------------------------------------------------------------------------
    @property
    def indicator(self) -> RecordingIndicator:
        return self._indicator

    @property
    def governance(self) -> GovernanceSettings | None:
        """None until the team's rules are loaded (start() or reload_governance())."""
        return self._settings

    @property
    def rep_wants(self) -> bool | None:
        """The rep's own "record next call" choice this session; None: the team default."""
        return self._rep_wants

    # -- start-up and admin changes --------------------------------------------------------
    def start(self) -> None:
        """Off the GUI thread: load the rules, repair recordings a crash cut short, apply
        retention; then daily retention. ``housekeeping_done`` reports what was done."""

        began = datetime.now(UTC)  # a recording begun after this is this session's own

        def work() -> tuple[GovernanceSettings, HousekeepingReport]:
            settings = self._governance.load()
            repaired = failed = deleted = 0
            try:  # the rules must reach the icon even if the files can't be tidied
                repaired, failed = self.repair_interrupted(before=began)
                deleted = self.apply_retention(settings)
            except Exception:
                log.exception("recording housekeeping at start-up failed")
            return settings, HousekeepingReport(repaired, failed, deleted)

        self._in_background(work, self._on_started)
        self._retention_timer.start()

    def reload_governance(self) -> None:
        """The admin saved the rules: the next call (and a ringing one) follows them."""
        self._use_settings(self._governance.load())

    def _on_started(self, result: tuple[GovernanceSettings, HousekeepingReport]) -> None:
        settings, report = result
        self._use_settings(settings)
        self._report(report)

    def _use_settings(self, settings: GovernanceSettings) -> None:
        self._settings = settings
        self._owner_cache = None
        if self._call is not None and self._connected_at is None:
            self._call_decision = self._decide_for_call(self._call)
        self._refresh()

    def _report(self, report: HousekeepingReport) -> None:
        if report.repaired:
            self.notice.emit(words.repaired_notice(report.repaired))
        if report.repaired or report.failed or report.deleted:
            self.recordings_changed.emit()
        self.housekeeping_done.emit(report)

    # -- the dial pad and the icon ---------------------------------------------------------
    def preview(self, number_text: str, person_id: int | None) -> None:
        """The dial pad's number (and person) changed: recompute the next-call indicator."""
        self._number_text = number_text
        self._person_id = person_id
        self._refresh()

    def click(self) -> None:
        """The record icon was clicked: toggle the next call, or start/pause/resume."""
        if not self._indicator.clickable:
            return
        call = self._call
        if call is None or self._connected_at is None:
            self._toggle_next_call()
            return
        recording = self._recordings.get(call.call_id)
        if recording is None:
            self._start(call, self._talk_seconds())
        elif recording.phase is RecordingPhase.RECORDING:
            self._pause_or_resume(recording, "pause")
        elif recording.phase is RecordingPhase.PAUSED:
            self._pause_or_resume(recording, "resume")

    def _toggle_next_call(self) -> None:
        settings = self._settings
        decision = self._call_decision if self._call is not None else self._next_decision()
        if settings is None or decision is None or not decision.rep_can_change:
            return
        wants = not decision.will_record
        self._rep_wants = None if wants == settings.record_by_default else wants
        if self._call is not None:
            self._call_decision = self._decide_for_call(self._call)
        self._refresh()

    def _next_decision(self) -> RecordingDecision | None:
        settings = self._settings
        if settings is None:
            return None
        try:
            e164 = self._calls.validate(self._number_text).e164 if self._number_text else None
        except PhoneNumberError:
            e164 = None  # still typing: the team default until the number is whole
        if e164 is None:
            return decision_without_number(settings, self._rep_wants)
        belongs = self._person_id is not None or self._owned(e164)
        return decide(e164, settings, belongs_to_person=belongs, rep_wants=self._rep_wants)

    def _decide_for_call(self, call: ActiveCall) -> RecordingDecision | None:
        settings = self._settings
        if settings is None:
            return None  # rules not loaded yet: not recorded (the safe side)
        e164 = call.number.e164
        belongs = call.person_id is not None or self._owned(e164)
        return decide(e164, settings, belongs_to_person=belongs, rep_wants=self._rep_wants)

    def _owned(self, e164: str) -> bool:
        """Does the number belong to a Person (seed 001)? Looked up once per number."""
        cached = self._owner_cache
        if cached is not None and cached[0] == e164:
            return cached[1]
        try:
            owned = bool(self._owns_number(e164))
        except Exception:  # can't tell: not a person, so not recorded (the safe side)
            log.exception("could not look up who owns %s", e164)
            return False
        self._owner_cache = (e164, owned)
        return owned

    def _refresh(self) -> None:
        call = self._call
        if call is None:
            indicator = indicator_for(self._next_decision(), CallPhase.IDLE)
        elif self._connected_at is None:
            indicator = indicator_for(self._call_decision, CallPhase.DIALLING)
        else:
            recording = self._recordings.get(call.call_id)
            problem = self._failed.get(call.call_id)
            if problem is not None:
                phase, problem_text = RecordingPhase.FAILED, problem
            else:
                phase = recording.phase if recording is not None else RecordingPhase.NONE
                problem_text = ""
            indicator = indicator_for(
                self._call_decision, CallPhase.CONNECTED, phase, problem=problem_text
            )
        if indicator != self._indicator:
            self._indicator = indicator
            self.indicator_changed.emit(indicator)

    # -- the call ----------------------------------------------------------------------------
    def _on_dial_started(self, call: ActiveCall) -> None:
        self._call = call
        self._connected_at = None
        self._call_decision = self._decide_for_call(call)
        self._refresh()

    def _on_call_changed(self, call: ActiveCall) -> None:
        if self._call is None or call.call_id != self._call.call_id:
            return
        self._call = call
        if call.state in _CONNECTED and self._connected_at is None:
            self._connected_at = self._clock()
            decision = self._call_decision
            if decision is not None and decision.will_record:
                self._start(call, 0.0)
        self._refresh()

    def _on_call_finished(self, finished: FinishedCall) -> None:
        call_id = finished.call.call_id
        if self._call is None or self._call.call_id != call_id:
            return
        recording = self._recordings.get(call_id)
        if recording is not None and not recording.stop_written:
            self._write_segment(recording, "stop", self._talk_seconds())
        self._call = None
        self._call_decision = None
        self._connected_at = None
        self._failed.pop(call_id, None)
        self._refresh()

    def _talk_seconds(self) -> float:
        connected = self._connected_at
        return 0.0 if connected is None else max(0.0, self._clock() - connected)

    def _start(self, call: ActiveCall, offset_s: float) -> None:
        decision = self._call_decision
        one_sided = decision is not None and decision.mode is RecordingMode.ONE_SIDED
        call_id = call.call_id
        try:
            self._store.started(call_id, one_sided=one_sided, call_offset_s=offset_s)
        except Exception:  # no row, no recording: the file would be nobody's
            log.exception("could not write the recording row of call %s", call_id)
            self._stop_with(call_id, words.stopped("it couldn't be saved to the database"))
            return
        try:
            self._files.ensure()
        except OSError as exc:
            log.warning("recordings folder %s: %s", self._files.root, exc)
            self._fail_row(call_id, words.folder_failed(exc))
            return
        parts = self._files.parts(call_id, one_sided=one_sided)
        self._recordings[call_id] = _Recording(call_id, one_sided, offset_s, parts)
        if not self._calls.start_recording(call_id, parts):
            self._recordings.pop(call_id, None)
            self._fail_row(call_id, words.stopped("the phone engine is not running"))
            return
        self._refresh()

    def _pause_or_resume(self, recording: _Recording, event: SegmentEvent) -> None:
        call_id = recording.call_id
        if event == "pause":
            self._calls.pause_recording(call_id)
            phase, notice = RecordingPhase.PAUSED, words.PAUSED
        else:
            self._calls.resume_recording(call_id)
            phase, notice = RecordingPhase.RECORDING, words.RESUMED
        recording = self._write_segment(recording, event, self._talk_seconds())
        self._recordings[call_id] = replace(recording, phase=phase)
        self.notice.emit(notice)
        self._refresh()

    def _write_segment(
        self, recording: _Recording, event: SegmentEvent, talk_s: float
    ) -> _Recording:
        segment = recording_timeline.at(event, talk_s, recording.offset_s)
        try:
            self._store.add_segment(recording.call_id, segment)
        except Exception:  # the audio matters more than its timeline
            log.exception("could not save the %s of call %s's recording", event, recording.call_id)
        if event == "stop":
            recording = replace(recording, stop_written=True)
        if recording.call_id in self._recordings:
            self._recordings[recording.call_id] = recording
        return recording

    def _fail_row(self, call_id: str, problem: str) -> None:
        try:
            self._store.failed(call_id, problem)
        except Exception:
            log.exception("could not mark call %s's recording failed", call_id)
        self._stop_with(call_id, problem)

    def _stop_with(self, call_id: str, problem: str) -> None:
        """Recording of this call is over with ``problem``: say so; the call goes on."""
        if self._call is not None and self._call.call_id == call_id:
            self._failed[call_id] = problem
        self.notice.emit(problem)
        self._refresh()

    # -- engine events -------------------------------------------------------------------
    def _on_recording_event(self, event: object) -> None:
        if isinstance(event, RecordingStarted):
            if event.call_id in self._recordings:
                self.notice.emit(words.STARTED)
        elif isinstance(event, RecordingStopped):
            self._on_stopped(event.call_id, "")
        elif isinstance(event, RecordingFailed):
            log.warning(
                "recording of call %s failed: %s %s", event.call_id, event.message, event.detail
            )
            self._on_stopped(event.call_id, words.stopped(event.message))

    def _on_stopped(self, call_id: str, problem: str) -> None:
        """The parts are closed (or the engine gave up on them): save what was written."""
        recording = self._recordings.get(call_id)
        if recording is None:
            if problem:
                self.notice.emit(problem)
            return
        if not recording.stop_written:
            recording = self._write_segment(recording, "stop", self._talk_seconds())
        del self._recordings[call_id]
        if problem:
            self._stop_with(call_id, problem)
        elif self._call is not None and self._call.call_id == call_id:
            self._failed[call_id] = words.stopped("")  # one recording per call: no restart
        files = self._files
        self._in_background(lambda: self._save(files, recording, problem), self._saved)
        self._refresh()

    def _save(self, files: RecordingFiles, recording: _Recording, problem: str) -> str:
        """Worker thread: merge the parts, hash, mark the row; returns a notice ("" none).
        When saving fails the parts stay on disk, so nothing written is thrown away."""
        call_id = recording.call_id
        try:
            saved = save_parts(files, call_id, recording.parts)
        except Exception as exc:
            log.exception("could not save the recording of call %s", call_id)
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            message = words.stopped(f"it couldn't be saved ({reason or type(exc).__name__})")
            self._store.failed(call_id, message)
            return message
        if saved is None:
            self._store.failed(call_id, problem or words.stopped("no audio was written"))
        else:
            self._store.finished(call_id, saved, problem=problem)
        return ""

    def _saved(self, message: str) -> None:
        if message:
            self.notice.emit(message)
        self.recordings_changed.emit()

    # -- crash repair and retention (any thread) --------------------------------------------
    def repair_interrupted(self, *, before: datetime | None = None) -> tuple[int, int]:
        """Rows still RECORDING that no open recording owns (and, with ``before``, begun
        before this session) were cut short by a crash: repair their parts, merge, mark
        REPAIRED; no usable audio -> FAILED. Returns (repaired, failed). A part that can't
        be written now (disk full) waits for the next start."""
        from dialer_app.recordings.wav_files import WavError

        repaired = failed = 0
        for info in self._store.interrupted():
            call_id = info.call_uuid
            if call_id in self._recordings or (before is not None and info.started_at >= before):
                continue
            parts = self._files.parts(call_id, one_sided=info.one_sided)
            try:
                saved = save_parts(self._files, call_id, parts, repair=True)
            except WavError as exc:
                log.warning("recording of call %s can't be repaired: %s", call_id, exc)
                saved = None
            except Exception:  # OSError (disk full, ...) or a bug: try again at the next start
                log.exception("could not repair the recording of call %s (will retry)", call_id)
                continue
            if saved is None:
                self._store.failed(call_id, words.NOT_RECOVERED)
                failed += 1
                continue
            end = info.call_offset_s + saved.duration_s
            if not info.segments or info.segments[-1].event != "stop":
                self._store.add_segment(
                    call_id, recording_timeline.at("stop", end, info.call_offset_s)
                )
            self._store.repaired(call_id, saved, words.REPAIRED)
            repaired += 1
        return repaired, failed

    def apply_retention(self, settings: GovernanceSettings | None = None) -> int:
        """Delete recordings older than the team's retention (file gone, the call's history
        says why). Returns how many; nothing to do costs one indexed query."""
        settings = settings or self._settings
        days = settings.retention_days if settings is not None else None
        if days is None:
            return 0
        deleted = 0
        for info in self._store.older_than(days):
            try:
                self._remove_files(info.call_uuid)
            except OSError:
                log.exception("retention could not delete the recording of %s", info.call_uuid)
                continue
            self._store.delete(info.call_uuid, words.deleted_by_retention(days))
            deleted += 1
        return deleted

    def _daily_retention(self) -> None:
        settings = self._settings
        self._in_background(
            lambda: HousekeepingReport(deleted=self.apply_retention(settings)), self._report
        )

    def _remove_files(self, call_id: str) -> None:
        self._files.final(call_id).unlink(missing_ok=True)
        self._files.waveform_cache(call_id).unlink(missing_ok=True)

    # -- the rep's recordings ----------------------------------------------------------------
    def delete_recording(self, call_uuid: str) -> None:
        """Delete the file (rep's choice); the call's history says so. Raises OSError with
        a message for the rep when the file can't be removed (the row is left as it was)."""
        if call_uuid in self._recordings:
            self.notice.emit(words.IN_PROGRESS)
            return
        info = self._store.get(call_uuid)
        if info is None or info.deleted_at is not None:
            return
        try:
            self._remove_files(call_uuid)
        except OSError as exc:
            raise OSError(f"Couldn't delete the recording: {words.os_error_words(exc)}") from exc
        self._store.delete(call_uuid, words.deleted_by_rep(datetime.now(UTC)))
        self.recordings_changed.emit()

    def export_recording(self, call_uuid: str, target: Path) -> None:
        """Copy the stereo WAV to ``target``; raises OSError with a human message."""
        info = self._store.get(call_uuid)
        source = self._files.final(call_uuid)
        if info is None or info.file_name is None or call_uuid in self._recordings:
            raise FileNotFoundError(words.NO_RECORDING)
        if not source.is_file():
            raise FileNotFoundError("Couldn't export: the recording's file is missing.")
        if target.exists() and target.resolve() == source.resolve():
            raise OSError("Couldn't export: that is the recording itself (choose another folder)")
        try:
            shutil.copyfile(source, target)
        except OSError as exc:
            raise OSError(words.export_failed(exc)) from exc

    # -- background work --------------------------------------------------------------------
    def _in_background(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        def run() -> None:
            try:
                result = work()
            except Exception:
                log.exception("recording housekeeping failed")
                return
            self._job_done.emit(done, result)

        worker = threading.Thread(target=run, name="recordings", daemon=True)
        self._workers = [w for w in self._workers if w.is_alive()]
        self._workers.append(worker)
        worker.start()

    def _on_job_done(self, done: Callable[[Any], None], result: object) -> None:
        done(result)

    def wait_for_background(self, timeout: float = 10.0) -> bool:
        """Join the file workers (quitting, tests); False if one is still running."""
        deadline = time.monotonic() + timeout
        for worker in list(self._workers):
            worker.join(max(0.0, deadline - time.monotonic()))
        return not any(w.is_alive() for w in self._workers)

    def shutdown(self) -> None:
        self._retention_timer.stop()
        self.wait_for_background()


def save_parts(
    files: RecordingFiles, call_id: str, parts: RecordingParts, *, repair: bool = False
) -> SavedFile | None:
    """Merge a call's mono parts into ``<call uuid>.wav`` (rep left, prospect right), hash
    it, then delete the parts. ``repair``: fix headers a crash left open first. None when
    no part holds any audio (the empty parts are removed). A finished file whose parts are
    already gone (the app quit between merge and database) is taken as it is."""
    from dialer_app.db.recording_store import SavedFile
    from dialer_app.recordings import wav_files

    target = files.final(call_id)
    paths = [Path(parts.rep), Path(parts.prospect) if parts.prospect else None]
    usable: list[Path | None] = []
    for path in paths:
        if path is None or not path.is_file():
            usable.append(None)
            continue
        if repair or not wav_files.header_is_complete(path):
            info = wav_files.repair(path)
        else:
            info = wav_files.read_info(path)
        usable.append(path if info.frames > 0 else None)
    rep, prospect = usable
    if rep is None and prospect is None:
        if not target.is_file() or not wav_files.header_is_complete(target):
            _unlink_parts(paths)
            return None
        merged = wav_files.read_info(target)
    else:
        merged = wav_files.merge_to_stereo(rep, prospect, target)
    saved = SavedFile(
        file_name=target.name,
        duration_s=round(merged.duration_s, 3),
        size_bytes=target.stat().st_size,
        sha256=wav_files.sha256_of(target),
    )
    _unlink_parts(paths)
    return saved


def _unlink_parts(paths: list[Path | None]) -> None:
    for path in paths:
        if path is not None:
            path.unlink(missing_ok=True)
