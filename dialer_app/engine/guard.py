"""Keep Python exceptions out of pjsua2's C++ callbacks.

An exception escaping a SWIG director method becomes a C++ exception inside
pjsip's event loop and can abort the process; every callback is wrapped so a
bug is logged instead.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

log = logging.getLogger("dialer_app.engine")

P = ParamSpec("P")
R = TypeVar("R")


def guarded(fn: Callable[P, R]) -> Callable[P, R | None]:
    """Run ``fn``; log and swallow any exception (returns None then)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return fn(*args, **kwargs)
        except Exception:
            log.exception("error in pjsua2 callback %s", fn.__qualname__)
            return None

    return wrapper
