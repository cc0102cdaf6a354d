"""Pause the cycle collector around bulk work (reading and importing large CSV files)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Bulk work allocates millions of small objects and frees them in order: the cycle
    collector's passes over them cost a quarter of the run and find nothing. (Process
    wide, as the collector is; reference counting still frees everything.)"""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
