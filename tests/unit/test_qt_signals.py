"""Guards against a Qt binding that corrupts reference counts when signals are emitted.

PySide6 6.12.0 released one reference to ``True`` per ``emit()``; on Python 3.11 ``True`` is
an ordinary object, so a long session (every call event is a signal) eventually freed it and
the app aborted with "Fatal Python error: bool_dealloc". pyproject.toml excludes that release.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    bare = Signal()
    carrying = Signal(object)


def test_emitting_signals_keeps_reference_counts(qapp: object) -> None:
    emitter = _Emitter()
    before = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None))
    for _ in range(200):
        emitter.bare.emit()
        emitter.carrying.emit(1)
    after = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None))
    assert [a - b for a, b in zip(after, before, strict=True)] == [0, 0, 0]
