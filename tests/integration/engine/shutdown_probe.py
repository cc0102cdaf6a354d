"""Run by test_engine_shutdown.py in a fresh process: connect a call, then end the
process while it is up. The process must exit with code 0 (pjsua aborts if a
Call outlives libDestroy).

    shutdown_probe.py MODE LINE [PORT CA_FILE]

MODE: ``explicit`` calls ``shutdown()``; ``atexit`` just returns from main and
relies on the engine's atexit hook. LINE: ``demo`` or ``tls`` (the lab).
Prints one event per line so the test can check the order.
"""

from __future__ import annotations

import queue
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from dialer_app.engine import (
    CallEnded,
    CallState,
    CallStateChanged,
    EngineConfig,
    EngineEvent,
    LineConfig,
)
from dialer_app.engine.engine import SipEngine


def main() -> int:
    mode, line_kind = sys.argv[1], sys.argv[2]
    events: queue.Queue[EngineEvent] = queue.Queue()

    def on_event(event: EngineEvent) -> None:
        print(
            type(event).__name__,
            getattr(event, "state", ""),
            getattr(event, "sip_status", ""),
            flush=True,
        )
        events.put(event)

    engine = SipEngine(EngineConfig(null_audio=True, log_level=0), on_event)
    engine.start()
    if line_kind == "demo":
        engine.add_demo_line("demo")
    else:
        engine.add_line(
            LineConfig(
                name="demo",
                domain="127.0.0.1",
                username="trunkuser",
                caller_id="+15550001111",
                transport="tls",
                port=int(sys.argv[3]),
                secure_media=True,
                ca_file=sys.argv[4],
            ),
            "trunkpass",
        )
    engine.dial("call-1", "demo", "+15551230000")
    while True:
        event = events.get(timeout=10)
        if isinstance(event, CallStateChanged) and event.state is CallState.CONNECTED:
            break
        if isinstance(event, CallEnded):
            print("call ended before it connected", flush=True)
            return 3
    print("CONNECTED-READY", flush=True)
    if mode == "explicit":
        engine.shutdown(timeout=5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
