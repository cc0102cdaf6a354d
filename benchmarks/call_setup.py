"""Call-setup latency of SipEngine vs a bare pjsua2 script, plus CPU and RSS during a call.

Starts the loopback SIP lab (kamailio + baresip, tests/lab), then in separate
processes (pjsua allows one endpoint per process):

* ``engine``: SipEngine.dial() -> CONNECTED (CONFIRMED), over TLS with a
  verified certificate and mandatory SRTP, ``--calls`` times; then one call held
  for ``--hold-s`` seconds while the process measures its own CPU and RSS.
* ``raw``: the same call with pjsua2 directly (same settings, no thread, no queue).
* ``app``: the whole app with its main window open (offscreen) holding one such call
  for ``--hold-s`` seconds; its CPU and RSS are the figures the last line reports.

Both are measured from the call request to CONFIRMED; warm-up calls are not
counted. The last line printed is::

    call_setup_ms=<a> raw_pjsua2_ms=<b> ratio=<a/b> call_cpu_pct=<c> rss_mb=<d>

Run: ``.venv/bin/python benchmarks/call_setup.py [--calls 30] [--hold-s 20]``.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NUMBER = "+15551230000"
APP_NUMBER = "+14045550123"
USER, PASSWORD, CALLER = "trunkuser", "trunkpass", "+15550001111"
WARMUP = 3
PACE_S = 0.06
"""Minimum time between call starts: pjlib reuses a closed media socket's ioqueue key
only after 500 ms and aborts past 64 keys, so back-to-back calls faster than ~30 per
half second crash a bare pjsua2 process (the engine queues such dials instead)."""


class Pacer:
    """Spaces iterations PACE_S apart (the gap is never inside a measurement)."""

    def __init__(self) -> None:
        self._next = 0.0

    def wait(self) -> None:
        delay = self._next - time.perf_counter()
        if delay > 0:
            threading.Event().wait(delay)
        self._next = time.perf_counter() + PACE_S


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --------------------------------------------------------------------------- engine worker
def _lab_line(port: int, ca_file: str) -> Any:
    """The lab trunk over TLS with a verified certificate and mandatory SRTP."""
    from dialer_app.engine import LineConfig

    return LineConfig(
        name="lab",
        domain="127.0.0.1",
        username=USER,
        caller_id=CALLER,
        transport="tls",
        port=port,
        secure_media=True,
        ca_file=ca_file,
    )


def engine_worker(
    port: int, ca_file: str, calls: int, hold_s: float, pump_ms: int
) -> dict[str, Any]:
    from dialer_app.engine import (
        CallEnded,
        CallState,
        CallStateChanged,
        EngineConfig,
        LineAdded,
    )
    from dialer_app.engine.engine import SipEngine

    events: queue.Queue[Any] = queue.Queue()
    connected_at: dict[str, float] = {}

    def on_event(event: Any) -> None:
        if isinstance(event, CallStateChanged) and event.state is CallState.CONNECTED:
            connected_at[event.call_id] = time.perf_counter()
        events.put(event)

    def wait(kind: type, call_id: str | None = None) -> Any:
        while True:
            event = events.get(timeout=10)
            if isinstance(event, kind) and (
                call_id is None or getattr(event, "call_id", None) == call_id
            ):
                return event

    engine = SipEngine(EngineConfig(null_audio=True, log_level=0, pump_ms=pump_ms), on_event)
    engine.start()
    engine.add_line(_lab_line(port, ca_file), PASSWORD)
    wait(LineAdded)
    setups: list[float] = []
    pacer = Pacer()
    for i in range(calls + WARMUP):
        pacer.wait()
        call_id = f"bench-{i}"
        start = time.perf_counter()
        engine.dial(call_id, "lab", NUMBER)
        while call_id not in connected_at:
            event = events.get(timeout=10)
            if isinstance(event, CallEnded) and event.call_id == call_id:
                raise RuntimeError(f"call failed: {event}")
        if i >= WARMUP:
            setups.append((connected_at[call_id] - start) * 1000.0)
        engine.hangup(call_id)
        wait(CallEnded, call_id)

    engine.dial("hold", "lab", NUMBER)
    while "hold" not in connected_at:
        events.get(timeout=10)
    cpu0, wall0 = _cpu_s(), time.perf_counter()
    threading.Event().wait(hold_s)
    cpu_pct = 100.0 * (_cpu_s() - cpu0) / (time.perf_counter() - wall0)
    rss = _rss_mb()
    engine.hangup("hold")
    wait(CallEnded, "hold")
    engine.shutdown()
    return {"setup_ms": setups, "cpu_pct": cpu_pct, "rss_mb": rss}


def app_worker(port: int, ca_file: str, hold_s: float) -> dict[str, Any]:
    """The whole app (main window open, offscreen) holding one TLS+SRTP call: CPU and RSS."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from dialer_app.app import create_call_service, create_main_window, open_context
    from dialer_app.engine import CallState
    from dialer_app.paths import AppPaths
    from dialer_app.services.calls import LineSetup
    from dialer_app.ui.event_wait import wait_until

    app = QApplication([])

    def run_until(condition: Any, timeout_s: float) -> None:
        if not wait_until(condition, int(timeout_s * 1000), poll_ms=5):
            raise RuntimeError("the app did not get there in time")

    with tempfile.TemporaryDirectory(prefix="bench-app-") as data_dir:
        # A rep's usual start: the database exists already (seeded by another process).
        subprocess.run(
            [sys.executable, "-m", "dialer_app", "--data-dir", data_dir, "seed-demo"],
            check=True,
            capture_output=True,
        )
        context = open_context(AppPaths.resolve(data_dir), demo=False)
        calls = create_call_service(context)
        window = create_main_window(context, calls)
        window.show()
        calls.start([LineSetup(_lab_line(port, ca_file), PASSWORD)], "lab")
        run_until(lambda: calls.line_status.can_dial, 15)
        ended: list[Any] = []
        calls.call_finished.connect(ended.append)
        calls.notice.connect(lambda text: print("notice:", text, file=sys.stderr))
        calls.dial(APP_NUMBER)  # the app validates numbers: 555 is no real US area code
        run_until(
            lambda: (
                bool(ended)
                or (
                    calls.active_call is not None and calls.active_call.state is CallState.CONNECTED
                )
            ),
            15,
        )
        if ended:
            raise RuntimeError(f"the app's call did not connect: {ended[0].end.message}")
        run_until(
            lambda: (
                calls.active_call is not None and calls.active_call.state is CallState.CONNECTED
            ),
            15,
        )
        cpu0, wall0 = _cpu_s(), time.perf_counter()
        idle = QEventLoop()
        QTimer.singleShot(int(hold_s * 1000), idle.quit)
        idle.exec()  # the GUI idles with the call panel's timer running, as for a rep
        cpu_pct = 100.0 * (_cpu_s() - cpu0) / (time.perf_counter() - wall0)
        rss = _rss_mb()
        calls.hangup()
        run_until(lambda: calls.active_call is None, 15)
        calls.shutdown()
        window.close()
        context.close()
    del app
    return {"cpu_pct": cpu_pct, "rss_mb": rss}


# --------------------------------------------------------------------------- raw pjsua2 worker
def _raw_nodelay(pj: Any) -> Any:
    params = pj.SockOptParams()
    opt = pj.SockOpt()
    opt.level, opt.optName = 6, 1  # IPPROTO_TCP, TCP_NODELAY
    opt.setOptValInt(1)
    params.sockOpts.append(opt)
    return params


def _raw_endpoint(pj: Any, ca_file: str) -> tuple[Any, int]:
    """The engine's settings, written out by hand: one thread, null audio, G.711, TLS."""
    ep = pj.Endpoint()
    ep.libCreate()
    cfg = pj.EpConfig()
    cfg.uaConfig.threadCnt = 0
    cfg.uaConfig.mainThreadOnly = True
    cfg.logConfig.level = 0
    cfg.logConfig.consoleLevel = 0
    cfg.medConfig.clockRate = 8000
    ep.libInit(cfg)
    ep.audDevManager().setNullDev()
    for info in ep.codecEnum2():
        codec = str(info.codecId)
        ep.codecSetPriority(codec, {"PCMU/8000/1": 255, "PCMA/8000/1": 254}.get(codec, 0))
    tcfg = pj.TransportConfig()
    tcfg.port = 0
    tcfg.boundAddress = tcfg.publicAddress = "127.0.0.1"
    tcfg.sockOptParams = _raw_nodelay(pj)
    tcfg.tlsConfig.method = pj.PJSIP_TLSV1_2_METHOD
    tcfg.tlsConfig.verifyServer = True
    tcfg.tlsConfig.CaListFile = ca_file
    tcfg.tlsConfig.sockOptParams = _raw_nodelay(pj)
    tid = ep.transportCreate(pj.PJSIP_TRANSPORT_TLS, tcfg)
    ep.libStart()
    return ep, tid


def _raw_account(pj: Any, tid: int) -> Any:
    acfg = pj.AccountConfig()
    acfg.idUri = f"sip:{CALLER}@127.0.0.1"
    acfg.regConfig.registrarUri = ""
    acfg.regConfig.registerOnAdd = False
    acfg.sipConfig.authCreds.append(pj.AuthCredInfo("digest", "*", USER, 0, PASSWORD))
    acfg.sipConfig.transportId = tid
    media = acfg.mediaConfig
    media.transportConfig.port = 0
    media.transportConfig.boundAddress = media.transportConfig.publicAddress = "127.0.0.1"
    media.lockCodecEnabled = False
    media.srtpUse = pj.PJMEDIA_SRTP_MANDATORY
    media.srtpSecureSignaling = 1
    acc = pj.Account()
    acc.create(acfg)
    return acc


def raw_worker(port: int, ca_file: str, calls: int, hold_s: float) -> dict[str, Any]:
    import pjsua2 as pj

    ep, tid = _raw_endpoint(pj, ca_file)
    acc = _raw_account(pj, tid)

    class Call(pj.Call):  # type: ignore[misc]
        confirmed: float | None = None
        done = False

        def onCallState(self, prm: Any) -> None:
            info = self.getInfo()
            if info.state == pj.PJSIP_INV_STATE_CONFIRMED:
                self.confirmed = time.perf_counter()
            elif info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
                self.done = True

    setups: list[float] = []
    uri = f"sip:{NUMBER}@127.0.0.1:{port};transport=tls"
    pacer = Pacer()
    for i in range(calls + WARMUP):
        pacer.wait()
        call = Call(acc)
        start = time.perf_counter()
        call.makeCall(uri, pj.CallOpParam(True))
        while call.confirmed is None and not call.done:
            ep.libHandleEvents(10)
        if call.confirmed is None:
            raise RuntimeError("raw call failed")
        if i >= WARMUP:
            setups.append((call.confirmed - start) * 1000.0)
        call.hangup(pj.CallOpParam())
        while not call.done:
            ep.libHandleEvents(10)
        del call

    call = Call(acc)  # the CPU floor: one call held while pumping every 10 ms
    call.makeCall(uri, pj.CallOpParam(True))
    while call.confirmed is None and not call.done:
        ep.libHandleEvents(10)
    cpu0, wall0 = _cpu_s(), time.perf_counter()
    while time.perf_counter() - wall0 < hold_s:
        ep.libHandleEvents(10)
    cpu_pct = 100.0 * (_cpu_s() - cpu0) / (time.perf_counter() - wall0)
    rss = _rss_mb()
    call.hangup(pj.CallOpParam())
    while not call.done:
        ep.libHandleEvents(10)
    del call
    acc.shutdown()
    del acc
    ep.libDestroy()
    return {"setup_ms": setups, "cpu_pct": cpu_pct, "rss_mb": rss}


# --------------------------------------------------------------------------- orchestration
def run_worker(kind: str, lab: Any, args: argparse.Namespace) -> dict[str, Any]:
    calls, hold_s = args.calls, args.hold_s
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        kind,
        "--port",
        str(lab.tls_port),
        "--ca",
        lab.ca_file,
        "--calls",
        str(calls),
        "--hold-s",
        str(hold_s),
        "--pump-ms",
        str(args.pump_ms),
    ]
    result = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=calls * 5 + hold_s + 60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    for line in reversed(result.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)  # type: ignore[no-any-return]
    output = f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    raise RuntimeError(f"{kind} worker failed ({result.returncode}):\n{output}")


def main() -> None:
    from dialer_app.engine.config import EngineConfig  # no pjsua2 import in this process

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--hold-s", type=float, default=20.0)
    parser.add_argument("--pump-ms", type=int, default=EngineConfig().pump_ms)
    parser.add_argument("--worker", choices=["engine", "raw", "app"])
    parser.add_argument("--port", type=int)
    parser.add_argument("--ca")
    args = parser.parse_args()
    if args.worker == "engine":
        result = engine_worker(args.port, args.ca, args.calls, args.hold_s, args.pump_ms)
        print(json.dumps(result), flush=True)
        return
    if args.worker == "app":
        print(json.dumps(app_worker(args.port, args.ca, args.hold_s)), flush=True)
        return
    if args.worker == "raw":
        print(json.dumps(raw_worker(args.port, args.ca, args.calls, args.hold_s)), flush=True)
        return

    from tests.lab.sip_lab import SipLab

    with tempfile.TemporaryDirectory(prefix="bench-lab-") as tmp, SipLab(tmp) as lab:
        raw = run_worker("raw", lab, args)
        eng = run_worker("engine", lab, args)
        app = run_worker("app", lab, args)
    a = statistics.median(eng["setup_ms"])
    b = statistics.median(raw["setup_ms"])
    print(f"engine: n={len(eng['setup_ms'])} median={a:.2f} ms  p90={_p90(eng['setup_ms']):.2f} ms")
    print(f"raw:    n={len(raw['setup_ms'])} median={b:.2f} ms  p90={_p90(raw['setup_ms']):.2f} ms")
    print(
        f"during a {args.hold_s:g} s call: engine {eng['cpu_pct']:.2f} % CPU, "
        f"{eng['rss_mb']:.1f} MB; bare pjsua2 {raw['cpu_pct']:.2f} % CPU, {raw['rss_mb']:.1f} MB"
    )
    print(f"whole app, main window open: {app['cpu_pct']:.2f} % CPU, {app['rss_mb']:.1f} MB")
    print(
        f"call_setup_ms={a:.2f} raw_pjsua2_ms={b:.2f} ratio={a / b:.2f} "
        f"call_cpu_pct={app['cpu_pct']:.2f} rss_mb={app['rss_mb']:.1f}"
    )


def _p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * (len(values) - 1))]


if __name__ == "__main__":
    main()
