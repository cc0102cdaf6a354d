"""A RecordingService on the demo database with the fake engine and a hand-turned clock,
shared by the recording service tests."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pytestqt.qtbot import QtBot

from dialer_app.app import AppContext, create_call_service
from dialer_app.db.recording_governance_store import RecordingGovernanceStore
from dialer_app.db.recording_store import RecordingInfo, RecordingStore, SavedFile
from dialer_app.domain.line_status import LineState
from dialer_app.domain.recording_defaults import DEFAULT_RULES
from dialer_app.domain.recording_rules import GovernanceSettings
from dialer_app.engine.events import CallEnded, CallState, CallStateChanged
from dialer_app.recordings.storage import RecordingFiles
from dialer_app.services.calls import CallService
from dialer_app.services.recordings import RecordingService
from tests.gui.fake_engine import FakeEngine

ATLANTA_PERSON = "+14045550101"  # a demo person's mobile; Georgia has no rule
SAN_FRANCISCO_PERSON = "+14155550120"  # a demo person; California is One-Sided by default
UNKNOWN = "+14045550177"  # nobody's number
BERLIN = "+493012345678"  # Germany: Do Not Record by default


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Rig:
    calls: CallService
    engine: FakeEngine
    service: RecordingService
    store: RecordingStore
    governance: RecordingGovernanceStore
    files: RecordingFiles
    clock: Clock
    notices: list[str] = field(default_factory=list)

    def set_rules(self, **changes: object) -> None:
        settings = GovernanceSettings(record_by_default=True, rules=DEFAULT_RULES)
        self.governance.save(GovernanceSettings(**{**vars(settings), **changes}))  # type: ignore[arg-type]
        self.service.reload_governance()

    def dial(self, number: str = ATLANTA_PERSON) -> str:
        self.calls.dial(number)
        call = self.calls.active_call
        assert call is not None, self.notices
        return call.call_id

    def connect(self, qtbot: QtBot, call_id: str) -> None:
        self.engine.on_event(CallStateChanged(call_id, CallState.CONNECTED, 200, "OK"))
        qtbot.waitUntil(
            lambda: (c := self.calls.active_call) is not None and c.connected is not None
        )

    def end_call(self, qtbot: QtBot, call_id: str, talk_s: float = 3.0) -> None:
        """The far end hangs up: CallEnded, then (like SipEngine) the parts close."""
        self.engine.on_event(CallEnded(call_id, 200, "BYE", talk_s, True, False))
        qtbot.waitUntil(lambda: self.calls.active_call is None)
        if call_id in self.engine.recorders:
            with qtbot.waitSignal(self.service.recordings_changed, timeout=5000):
                self.engine.finish_recording(call_id)

    def row(self, call_id: str) -> RecordingInfo:
        info = self.store.get(call_id)
        assert info is not None
        return info


def rig_for(qtbot: QtBot, context: AppContext) -> Iterator[Rig]:
    """The body of each test module's ``rig`` fixture (``yield from rig_for(...)``)."""
    FakeEngine.instances.clear()
    calls = create_call_service(context)
    calls._engine_factory = FakeEngine  # type: ignore[assignment]
    calls.start([], "")
    qtbot.waitUntil(lambda: calls.line_status.state is LineState.DEMO)
    sessions = context.database.sessions
    governance = RecordingGovernanceStore(sessions)
    governance.save(GovernanceSettings(record_by_default=True, rules=DEFAULT_RULES))
    reader = context.database.people_reader()
    store = RecordingStore(sessions)
    files = RecordingFiles(context.paths.recordings_dir)
    clock = Clock()
    service = RecordingService(
        calls,
        governance=governance,
        store=store,
        files=files,
        owns_number=lambda e164: bool(reader.people_with_number(e164)),
        clock=clock,
    )
    rig = Rig(calls, FakeEngine.instances[0], service, store, governance, files, clock)
    service.notice.connect(rig.notices.append)
    service.reload_governance()
    yield rig
    active = calls.active_call
    if active is not None:
        rig.engine.on_event(CallEnded(active.call_id, 487, "Terminated", None, False, True))
        qtbot.waitUntil(lambda: calls.active_call is None)
    assert service.wait_for_background()
    service.shutdown()
    calls.shutdown()
    FakeEngine.instances.clear()
    qtbot.wait(10)  # deliver the last queued signals before the objects go
    service.deleteLater()
    calls.deleteLater()
    qtbot.wait(10)


def saved_recording(rig: Rig, context: AppContext, *, audio: bytes = b"RIFF-fake") -> str:
    """A finished call with a READY recording whose file is ``audio`` (no WAV code used)."""
    from dialer_app.db.call_store import CallStart, CallStore

    call_id = str(__import__("uuid").uuid4())
    CallStore(context.database.sessions).started(
        CallStart(call_id, None, ATLANTA_PERSON, None, "Demo line")
    )
    rig.files.ensure()
    final = rig.files.final(call_id)
    final.write_bytes(audio)
    rig.store.started(call_id, one_sided=False, call_offset_s=0.0)
    rig.store.finished(call_id, SavedFile(final.name, 1.0, len(audio), "00" * 32))
    return call_id


def half_written_wav(path: Path, samples: list[int], rate: int = 8000) -> None:
    """A mono PCM16 WAV as a crash leaves it: the audio is there, the sizes say zero."""
    data = struct.pack(f"<{len(samples)}h", *samples)
    header = (
        b"RIFF"
        + struct.pack("<I", 36)  # should be 36 + len(data): never updated
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
        + b"data"
        + struct.pack("<I", 0)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + data)
