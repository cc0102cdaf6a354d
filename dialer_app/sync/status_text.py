"""What the sync indicator and the calls list say, in words (no Qt: the widgets only show it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the window imports this at start-up: keep SQLAlchemy off that path
    from dialer_app.sync.worker import SyncStatus

MANAGED_BY_SERVER = "Managed by your team server"

CALL_SYNC_WORDS = {"pending": "Waiting", "synced": "Synced", "error": "Refused"}
"""The calls list's Sync column, from ``calls.sync_state``."""

_PHASES = {
    "push": "sending",
    "pull": "receiving",
    "upload": "uploading recordings",
    "download": "downloading recordings",
}


@dataclass(frozen=True)
class IndicatorText:
    text: str
    tooltip: str
    retry: bool
    """Show the Retry button."""


def describe(status: SyncStatus) -> IndicatorText:
    if status.state == "syncing":
        progress = status.progress
        if progress is not None and progress.total:
            percent = min(100, int(progress.done * 100 / progress.total))
            phase = _PHASES.get(progress.phase, progress.phase)
            return IndicatorText(f"Syncing: {phase} {percent} %", "", False)
        items = f"{status.pending} item{'s' if status.pending != 1 else ''}"
        return IndicatorText(f"Syncing {items}…" if status.pending else "Syncing…", "", False)
    if status.state == "offline":
        since = status.since.astimezone().strftime("%H:%M") if status.since else "now"
        return IndicatorText(f"Offline since {since}", status.reason, True)
    if status.state == "error":
        return IndicatorText("Sync error", status.reason, True)
    if status.reason:  # synced, but the server refused some records
        return IndicatorText("Synced (some changes refused)", status.reason, False)
    return IndicatorText("Synced", "", False)
