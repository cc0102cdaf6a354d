"""List the sound devices pjsua2 can use, in a short-lived endpoint (for `dialer-app doctor`).

Only for a process that is not running the SIP engine: pjsua2 allows one endpoint per process.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class AudioDevice:
    index: int
    name: str
    driver: str
    inputs: int
    outputs: int


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """pjlib prints to fd 1 inside libCreate(), before any log level can be set."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def probe_audio_devices() -> list[AudioDevice]:
    with _quiet_stdout():
        return _probe()


def _probe() -> list[AudioDevice]:
    import pjsua2 as pj

    endpoint = pj.Endpoint()
    endpoint.libCreate()
    try:
        config = pj.EpConfig()
        config.uaConfig.threadCnt = 0
        config.uaConfig.mainThreadOnly = True
        config.logConfig.level = 0
        config.logConfig.consoleLevel = 0
        endpoint.libInit(config)
        return [
            AudioDevice(index, info.name, info.driver, info.inputCount, info.outputCount)
            for index, info in enumerate(endpoint.audDevManager().enumDev2())
        ]
    finally:
        endpoint.libDestroy()
