"""CPU cost of recording a call: the engine process's CPU during a lab call, without and with
recording, and the ratio (issue 7: target <= 1.2).

Starts the loopback SIP lab (kamailio + baresip, tests/lab), then runs one fresh process per
call, one after the other: plain, record, record, plain, and reports the means (pjsua
allows one endpoint per process, and a fresh process keeps the figures comparable). Each
process starts a SipEngine (null audio device), dials the answering prospect over UDP and
measures its own CPU (user + system, every thread: pjmedia's clock thread writes the
WAVs) from CONNECTED for ``seconds``:

* ``plain``: the call only;
* ``record``: the call recorded in two mono parts from CONNECTED on; its figure also
  includes stopping the recorders, waiting for the closed files and the stereo merge
  (``merge_to_stereo``) after those ``seconds``, which is what a recorded call costs.

``measure()`` is called by ``benchmarks/recordings.py``. Run as a script the last line is
``record_cpu_ratio=<r>``: ``.venv/bin/python benchmarks/recording_cpu.py [--seconds 30]``.
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
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NUMBER = "+15551230000"
CALL = "bench-call"


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker(variant: str, port: int, seconds: float, folder: Path) -> dict[str, float]:
    """One call in this process; returns the CPU seconds it cost (see the module doc)."""
    from dialer_app.engine import (
        CallState,
        CallStateChanged,
        EngineConfig,
        LineAdded,
        LineConfig,
        RecordingParts,
        RecordingStarted,
        RecordingStopped,
    )
    from dialer_app.engine.engine import SipEngine
    from dialer_app.recordings.wav_files import header_is_complete, merge_to_stereo, repair

    events: queue.Queue[Any] = queue.Queue()

    def wait(kind: type, where: Any = None) -> Any:
        while True:
            event = events.get(timeout=15)
            if isinstance(event, kind) and (where is None or where(event)):
                return event

    engine = SipEngine(EngineConfig(bind_address="127.0.0.1", null_audio=True), events.put)
    engine.start()
    line = LineConfig(
        name="lab",
        domain="127.0.0.1",
        username="trunkuser",
        caller_id="+15550001111",
        transport="udp",
        port=port,
    )
    engine.add_line(line, "trunkpass")
    wait(LineAdded)
    engine.dial(CALL, "lab", NUMBER)
    wait(CallStateChanged, lambda e: e.state is CallState.CONNECTED)
    parts = RecordingParts(str(folder / "rep.wav"), str(folder / "prospect.wav"))
    cpu0, wall0 = _cpu_s(), time.perf_counter()
    if variant == "record":
        engine.start_recording(CALL, parts)
        wait(RecordingStarted)
    time.sleep(seconds)  # the call just runs; nothing to wait for
    merge_s = 0.0
    if variant == "record":
        engine.stop_recording(CALL)
        wait(RecordingStopped)
        merge0 = time.perf_counter()
        for part in (parts.rep, parts.prospect):
            if part is not None and not header_is_complete(Path(part)):
                repair(Path(part))
        merged = merge_to_stereo(Path(parts.rep), Path(str(parts.prospect)), folder / "call.wav")
        merge_s = time.perf_counter() - merge0
        assert merged.duration_s > seconds - 1, merged
    cpu = _cpu_s() - cpu0
    wall = time.perf_counter() - wall0
    engine.hangup(CALL)
    engine.shutdown(timeout=5)
    return {"cpu_s": cpu, "wall_s": wall, "merge_s": merge_s}


def _run_worker(variant: str, port: int, seconds: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-rec-") as folder:
        cmd = [sys.executable, __file__, "--worker", variant, "--port", str(port)]
        cmd += ["--seconds", str(seconds), "--folder", folder]
        result = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    for line in reversed(result.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)  # type: ignore[no-any-return]
    output = f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    raise RuntimeError(f"{variant} worker failed ({result.returncode}):\n{output}")


def measure(seconds: float = 30.0) -> tuple[float, float, float]:
    """(cpu_seconds_without, cpu_seconds_with, ratio) for a ``seconds`` lab call; the
    "with" figure includes closing the parts and the stereo merge.

    Each variant runs twice in the order plain, record, record, plain and the figures are
    the means: a call costs ~1 % of a core, so a machine whose load drifts during the
    benchmark (other processes) would otherwise bias whichever variant ran second.
    """
    from tests.lab.sip_lab import SipLab

    cpu: dict[str, list[float]] = {"plain": [], "record": []}
    with tempfile.TemporaryDirectory(prefix="bench-lab-") as tmp, SipLab(tmp) as lab:
        for variant in ("plain", "record", "record", "plain"):
            cpu[variant].append(_run_worker(variant, lab.sip_port, seconds)["cpu_s"])
    without, with_ = statistics.mean(cpu["plain"]), statistics.mean(cpu["record"])
    return without, with_, with_ / without if without > 0 else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--worker", choices=["plain", "record"])
    parser.add_argument("--port", type=int)
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.worker:
        result = worker(args.worker, args.port, args.seconds, Path(args.folder))
        print(json.dumps(result), flush=True)
        return
    without, with_, ratio = measure(args.seconds)
    print(f"CPU during a {args.seconds:g} s call: {without:.3f} s without recording")
    print(f"{with_:.3f} s with recording (two parts, then the stereo merge)")
    print(f"record_cpu_ratio={ratio:.3f}")


if __name__ == "__main__":
    main()
