"""What the rep reads about recordings: notices, the call history's deletion note, and
file errors in words. Pure Python, so the wording is tested once and shared."""

from __future__ import annotations

import errno
from datetime import datetime

STARTED = "Recording started"
PAUSED = "Recording paused: silence is recorded until you resume"
RESUMED = "Recording resumed"
SAVED = "Recording saved"
REPAIRED = "Recovered after the app closed unexpectedly: the audio up to that moment was kept"
NOT_RECOVERED = "Not recorded: the app closed unexpectedly before any audio of this call was saved."
NO_RECORDING = "This call has no recording."
IN_PROGRESS = "Finish the call before deleting its recording."


def stopped(reason: str) -> str:
    """The notice when recording stops on its own; the call goes on."""
    reason = reason.strip().rstrip(".")
    if reason.lower().startswith("recording stopped"):
        return f"{reason}."
    return (
        f"Recording stopped: {reason[:1].lower()}{reason[1:]}." if reason else "Recording stopped."
    )


def deleted_by_rep(when: datetime) -> str:
    """The call history's note, in the rep's local date: "Deleted by you on 23 Nov 2026"."""
    local = when.astimezone()
    return f"Deleted by you on {local.day} {local:%b %Y}"


def deleted_by_retention(days: int) -> str:
    return f"Deleted after {days} days (team retention rule)"


def repaired_notice(count: int) -> str:
    noun = "recording" if count == 1 else "recordings"
    return f"Recovered {count} {noun} cut short when the app closed unexpectedly."


def os_error_words(exc: OSError) -> str:
    """An OSError as a rep would say it ("the disk is full"), not "[Errno 28] …"."""
    words = {
        errno.ENOSPC: "the disk is full",
        errno.EACCES: "you don't have permission to write there",
        errno.EPERM: "you don't have permission to write there",
        errno.EROFS: "that place is read-only",
        errno.ENOENT: "that folder doesn't exist",
        errno.EISDIR: "that is a folder, not a file name",
        errno.ENOTDIR: "part of that path is not a folder",
        errno.EDQUOT: "your disk quota is used up",
    }.get(exc.errno or 0)
    return words or (exc.strerror or str(exc) or "the file could not be written").lower()


def export_failed(exc: OSError) -> str:
    return f"Couldn't export: {os_error_words(exc)} (choose another folder)"


def folder_failed(exc: OSError) -> str:
    """The recordings folder can't be made or written: recording stops, the call goes on."""
    return stopped(f"the recordings folder can't be written ({os_error_words(exc)})")
