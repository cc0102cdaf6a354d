"""List the sound devices pjsua2 can use, in a short-lived endpoint (for `dialer-app doctor`).

Only for a process that is not running the SIP engine: pjsua2 allows one endpoint per process.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AudioDevice:
    index: int
    name: str
    driver: str
    inputs: int
    outputs: int


def probe_audio_devices() -> list[AudioDevice]:
    from dialer_app.engine.endpoint import quiet_stdout

    with quiet_stdout():
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
