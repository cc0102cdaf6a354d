"""Where a call's recording lives: named by the call's uuid, never by anything a user typed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dialer_app.engine.events import RecordingParts

_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class RecordingFiles:
    """The recordings folder: ``<uuid>.wav`` finished files, ``partial/`` parts being written,
    ``waveforms/`` cached peaks."""

    root: Path

    def final(self, call_uuid: str) -> Path:
        return self.root / final_name(call_uuid)

    def parts(self, call_uuid: str, *, one_sided: bool) -> RecordingParts:
        folder = self.root / "partial"
        name = _checked(call_uuid)
        prospect = None if one_sided else str(folder / f"{name}.prospect.wav")
        return RecordingParts(rep=str(folder / f"{name}.rep.wav"), prospect=prospect)

    def waveform_cache(self, call_uuid: str) -> Path:
        return self.root / "waveforms" / f"{_checked(call_uuid)}.peaks"

    def ensure(self) -> None:
        """Create the folders; raises OSError (unwritable place) for the caller to report."""
        for folder in (self.root, self.root / "partial", self.root / "waveforms"):
            folder.mkdir(parents=True, exist_ok=True)


def final_name(call_uuid: str) -> str:
    """A call's finished recording's file name (also what the sync names a download)."""
    return f"{_checked(call_uuid)}.wav"


def _checked(call_uuid: str) -> str:
    if not _UUID_RE.fullmatch(call_uuid):
        raise ValueError(f"not a call uuid: {call_uuid!r}")
    return call_uuid
