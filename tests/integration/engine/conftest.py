"""Fixtures for the SIP engine's integration tests.

One engine runs for this package's tests (pjsua allows one endpoint per
process); each test uses fresh call ids and a ``dialer`` that hangs up
whatever it left behind. ``sip_lab`` starts kamailio + baresip on loopback and
is skipped only when those programs are not installed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dialer_app.engine import EngineConfig, LineAdded, LineRemoved
from dialer_app.engine.config import TransportName
from dialer_app.engine.engine import SipEngine
from tests.lab.harness import Dialer, EventLog, LabLines, TempLine, lab_line
from tests.lab.sip_lab import PASSWORD, SipLab, missing_binaries

DEMO_LINE = "Demo line"


@pytest.fixture(scope="package")
def sip_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SipLab]:
    """kamailio (trunk stand-in) + three baresip prospects on 127.0.0.1."""
    missing = missing_binaries()
    if missing:
        pytest.skip(
            f"SIP lab needs {' and '.join(missing)} "
            "(apt-get install kamailio kamailio-tls-modules baresip-core sox espeak-ng openssl)"
        )
    lab = SipLab(tmp_path_factory.mktemp("sip-lab"))
    lab.start()
    yield lab
    lab.stop()


@pytest.fixture(scope="package")
def engine_log() -> EventLog:
    """Every event of the session engine."""
    return EventLog()


@pytest.fixture(scope="package")
def sip_engine(
    engine_log: EventLog, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SipEngine]:
    """The session's engine: loopback only, null audio, pjsip log in the tmp dir."""
    log_file = tmp_path_factory.mktemp("pjsip") / "pjsip.log"
    engine = SipEngine(
        EngineConfig(
            bind_address="127.0.0.1",
            null_audio=True,
            log_level=4,
            log_file=str(log_file),
            quality_interval_s=0.25,  # tests wait on CallQuality to know audio has flowed
        ),
        engine_log,
    )
    engine.start()
    yield engine
    engine.shutdown()


@pytest.fixture
def dialer(sip_engine: SipEngine, engine_log: EventLog) -> Iterator[Dialer]:
    """Dial helper; hangs up every call it started when the test ends."""
    helper = Dialer(sip_engine, engine_log)
    yield helper
    helper.close()


@pytest.fixture(scope="package")
def lab_lines(sip_lab: SipLab, sip_engine: SipEngine, engine_log: EventLog) -> LabLines:
    """Lines for every lab scenario, ready to dial."""
    names = LabLines()
    since = engine_log.mark()
    sip_engine.add_line(lab_line(sip_lab, names.udp, "udp"), PASSWORD)
    sip_engine.add_line(lab_line(sip_lab, names.tcp, "tcp"), PASSWORD)
    sip_engine.add_line(
        lab_line(sip_lab, names.tls, "tls", secure_media=True, ca_file=sip_lab.ca_file), PASSWORD
    )
    sip_engine.add_line(lab_line(sip_lab, names.tls_no_ca, "tls", secure_media=True), PASSWORD)
    sip_engine.add_line(
        lab_line(sip_lab, names.tls_wrong_ca, "tls", ca_file=sip_lab.other_ca_file), PASSWORD
    )
    for name in vars(names).values():
        engine_log.wait_for(LineAdded, since=since, line_name=name)
    return names


@pytest.fixture
def temp_line(
    sip_lab: SipLab, lab_lines: LabLines, sip_engine: SipEngine, engine_log: EventLog
) -> Iterator[TempLine]:
    """Add a lab line for one test only (pjsua allows 8 accounts); removed afterwards."""
    added: list[str] = []

    def add(name: str, transport: TransportName, password: str = PASSWORD, **kw: object) -> str:
        since = engine_log.mark()
        sip_engine.add_line(lab_line(sip_lab, name, transport, **kw), password)
        engine_log.wait_for(LineAdded, since=since, line_name=name)
        added.append(name)
        return name

    yield add
    for name in added:
        since = engine_log.mark()
        sip_engine.remove_line(name)
        engine_log.wait_for(LineRemoved, since=since, line_name=name)


@pytest.fixture(scope="package")
def demo_line(sip_engine: SipEngine, engine_log: EventLog) -> str:
    """The built-in demo line (no lab needed)."""
    since = engine_log.mark()
    sip_engine.add_demo_line(DEMO_LINE)
    engine_log.wait_for(LineAdded, since=since, line_name=DEMO_LINE)
    return DEMO_LINE
