"""A real SIP lab on loopback: kamailio as a Twilio Elastic SIP Trunk stand-in,
plus three baresip "prospects" (answer / busy / no answer).

Numbers: ``+1...0486`` -> 486 busy, ``+1...0408`` -> rings forever (kamailio
408 after 15 s), any other E.164 -> answers and plays a voice prompt. Trunk
credentials ``trunkuser`` / ``trunkpass``. Every socket is on 127.0.0.1 and
every port is chosen free at start, so a lab can run next to anything else.

Usage::

    lab = SipLab(tmp_dir).start()
    ...  # dial lab.sip_port (udp/tcp) or lab.tls_port (tls, CA = lab.ca_file)
    lab.stop()

``python -m tests.lab.sip_lab`` starts one in the foreground (Ctrl-C stops it).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

HERE = Path(__file__).resolve().parent
USERNAME = "trunkuser"
PASSWORD = "trunkpass"
REALM = "siplab.test"
PROSPECTS = ("answer", "busy", "noanswer")
REQUIRED_BINARIES = ("kamailio", "baresip")
TOOL_BINARIES = ("openssl", "espeak-ng", "sox")
_PROMPT_TEXT = (
    "Hello, this is the prospect speaking. Thanks for calling. I am listening. Please go ahead."
)


def missing_binaries() -> list[str]:
    """Lab peers that are not installed (the integration tests skip on these)."""
    return [b for b in REQUIRED_BINARIES if shutil.which(b) is None]


class LabError(RuntimeError):
    """The lab could not start; the message names the log to read."""


@dataclass(frozen=True)
class LabPorts:
    """Every port the lab listens on (all 127.0.0.1)."""

    sip: int
    tls: int
    prospect: dict[str, int]
    ctrl: dict[str, int]
    rtp: dict[str, str]

    @classmethod
    def pick(cls) -> LabPorts:
        """A block of 11 consecutive free ports below the ephemeral range, RTP ranges beside it."""
        low, high = 15000, _ephemeral_low() - 200
        rng = random.Random()
        for _ in range(200):
            base = rng.randrange(low, high - 80)
            if all(_port_free(base + i) for i in range(11)):
                prospect = {
                    name: base + 2 + 2 * i for i, name in enumerate(PROSPECTS)
                }  # +1 is baresip's TLS
                ctrl = {name: base + 8 + i for i, name in enumerate(PROSPECTS)}
                rtp = {
                    name: f"{base + 12 + 20 * i}-{base + 31 + 20 * i}"
                    for i, name in enumerate(PROSPECTS)
                }
                return cls(base, base + 1, prospect, ctrl, rtp)
        raise LabError("no block of free ports found on 127.0.0.1")


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _port_free(port: int) -> bool:
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        with socket.socket(socket.AF_INET, kind) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def sip_options(port: int, timeout: float = 0.3) -> int | None:
    """Send OPTIONS over UDP to 127.0.0.1:port; the response status, or None on timeout."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        local = sock.getsockname()[1]
        branch = "z9hG4bK" + uuid.uuid4().hex
        msg = (
            f"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{local};branch={branch};rport\r\n"
            "Max-Forwards: 70\r\n"
            f"From: <sip:probe@127.0.0.1:{local}>;tag={uuid.uuid4().hex[:8]}\r\n"
            f"To: <sip:127.0.0.1:{port}>\r\n"
            f"Call-ID: {uuid.uuid4().hex}@127.0.0.1\r\n"
            "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        )
        sock.settimeout(timeout)
        sock.sendto(msg.encode(), ("127.0.0.1", port))
        try:
            data, _ = sock.recvfrom(65535)
        except OSError:
            return None
    parts = data.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def _tcp_ready(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3):
            return True
    except OSError:
        return False


class CtrlClient:
    """baresip ctrl_tcp events (netstring JSON) collected on a reader thread."""

    def __init__(self, port: int) -> None:
        self._sock = socket.create_connection(("127.0.0.1", port), timeout=2)
        self._sock.settimeout(None)
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self._thread = threading.Thread(target=self._read, name=f"ctrl-{port}", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = self._sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buf += chunk
            while b":" in buf:
                size, rest = buf.split(b":", 1)
                n = int(size)
                if len(rest) < n + 1:
                    break
                self.events.put(json.loads(rest[:n]))
                buf = rest[n + 1 :]

    def wait_for(
        self, event_type: str, timeout: float = 5.0, param: str | None = None
    ) -> dict[str, Any]:
        """The next event of ``event_type`` (and ``param``); raises TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no baresip {event_type} {param or ''} event")
            try:
                event = self.events.get(timeout=remaining)
            except queue.Empty:
                continue
            if event.get("type") == event_type and (param is None or event.get("param") == param):
                return event

    def command(self, command: str, params: str = "") -> None:
        """Send a baresip command (e.g. ``sndcode`` with a DTMF digit); the reply is an event."""
        data = json.dumps({"command": command, "params": params, "token": command}).encode()
        self._sock.sendall(b"%d:%s," % (len(data), data))

    def close(self) -> None:
        """Disconnect."""
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()

    def __enter__(self) -> CtrlClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SipLab:
    """Starts and stops the lab's processes; every path lives under ``workdir``."""

    def __init__(self, workdir: str | Path | None = None) -> None:
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="sip-lab-"))
        self.ports = LabPorts.pick()
        self._procs: dict[str, subprocess.Popen[bytes]] = {}
        self._logs: list[TextIO] = []

    # ---- public facts ------------------------------------------------------------------
    @property
    def sip_port(self) -> int:
        """kamailio UDP and TCP."""
        return self.ports.sip

    @property
    def tls_port(self) -> int:
        """kamailio TLS."""
        return self.ports.tls

    @property
    def ca_file(self) -> str:
        """The CA that signed kamailio's certificate."""
        return str(self.workdir / "certs" / "ca.crt")

    @property
    def other_ca_file(self) -> str:
        """A CA that did NOT sign kamailio's certificate (the 'wrong CA' case)."""
        return str(self.workdir / "certs" / "other-ca.crt")

    @property
    def prospect_wav(self) -> str:
        """What the answering prospect plays."""
        return str(self.workdir / "audio" / "prospect.wav")

    def ctrl(self, prospect: str = "answer") -> CtrlClient:
        """A ctrl_tcp event client for a prospect (DTMF, call events)."""
        return CtrlClient(self.ports.ctrl[prospect])

    def log_path(self, name: str) -> Path:
        """Where a peer's output goes."""
        return self.workdir / "logs" / f"{name}.log"

    # ---- lifecycle ---------------------------------------------------------------------
    def start(self, timeout: float = 20.0) -> SipLab:
        """Render configs, make certs and audio, start every peer, wait until each answers."""
        try:
            self._prepare()
            deadline = time.monotonic() + timeout
            self._spawn(
                "kamailio",
                [
                    "kamailio",
                    "-f",
                    str(self.workdir / "kamailio.cfg"),
                    "-DD",
                    "-E",
                    "-m",
                    "64",
                    "-M",
                    "8",
                    "-Y",
                    str(self.workdir / "run"),
                ],
            )
            for name in PROSPECTS:
                self._spawn(
                    f"baresip-{name}", ["baresip", "-f", str(self.workdir / f"baresip-{name}")]
                )
            self._wait(
                "kamailio",
                lambda: sip_options(self.ports.sip) == 200 and _tcp_ready(self.ports.tls),
                deadline,
            )
            for name in PROSPECTS:
                port, ctrl = self.ports.prospect[name], self.ports.ctrl[name]
                self._wait(
                    f"baresip-{name}",
                    lambda p=port, c=ctrl: sip_options(p) is not None and _tcp_ready(c),
                    deadline,
                )
            self._start_autoreject(deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """SIGTERM every process this lab started, SIGKILL what is left after 3 s."""
        for name, proc in reversed(list(self._procs.items())):
            if proc.poll() is None:
                _signal_group(proc, signal.SIGTERM)
                try:
                    proc.wait(3.0)
                except subprocess.TimeoutExpired:
                    _signal_group(proc, signal.SIGKILL)
                    proc.wait(3.0)
            if proc.stdout is not None:
                proc.stdout.close()
            del self._procs[name]
        for fh in self._logs:
            fh.close()
        self._logs.clear()

    def __enter__(self) -> SipLab:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- internals ---------------------------------------------------------------------
    def _subs(self) -> dict[str, str]:
        subs = {
            "@LAB@": str(self.workdir),
            "@SIP_PORT@": str(self.ports.sip),
            "@TLS_PORT@": str(self.ports.tls),
        }
        for name in PROSPECTS:
            up = name.upper()
            subs[f"@{up}_PORT@"] = str(self.ports.prospect[name])
            subs[f"@{up}_CTRL@"] = str(self.ports.ctrl[name])
            subs[f"@{up}_RTP@"] = self.ports.rtp[name]
        return subs

    def _render(self, src: Path, dst: Path) -> None:
        text = src.read_text()
        for key, value in self._subs().items():
            text = text.replace(key, value)
        unresolved = re.findall(r"@[A-Z_]+@", text)
        if unresolved:
            raise LabError(f"unrendered placeholders in {src.name}: {unresolved}")
        dst.write_text(text)

    def _prepare(self) -> None:
        missing = missing_binaries() + [b for b in TOOL_BINARIES if shutil.which(b) is None]
        if missing:
            raise LabError(f"missing programs: {', '.join(missing)}")
        for sub in ("run", "logs", "certs", "audio", *(f"rec/{n}" for n in PROSPECTS)):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        self._render(HERE / "kamailio.cfg", self.workdir / "kamailio.cfg")
        self._render(HERE / "tls.cfg", self.workdir / "tls.cfg")
        for name in PROSPECTS:
            target = self.workdir / f"baresip-{name}"
            target.mkdir(exist_ok=True)
            self._render(HERE / f"baresip-{name}" / "config", target / "config")
            self._render(HERE / f"baresip-{name}" / "accounts", target / "accounts")
        self._make_certs()
        self._make_audio()

    def _run(self, *cmd: str, cwd: Path | None = None) -> None:
        result = subprocess.run(cmd, cwd=cwd, capture_output=True, check=False)
        if result.returncode != 0:
            raise LabError(
                f"{' '.join(cmd)} failed: {result.stderr.decode(errors='replace')[-500:]}"
            )

    def _make_certs(self) -> None:
        certs = self.workdir / "certs"
        if (certs / "server.crt").exists():
            return
        self._run(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/CN=sip-lab CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            cwd=certs,
        )
        self._run(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/CN=unrelated CA",
            "-keyout",
            "other-ca.key",
            "-out",
            "other-ca.crt",
            cwd=certs,
        )
        self._run(
            "openssl",
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            cwd=certs,
        )
        (certs / "ext.cnf").write_text(
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
            "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
        )
        self._run(
            "openssl",
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "30",
            "-extfile",
            "ext.cnf",
            "-out",
            "server.crt",
            cwd=certs,
        )

    def _make_audio(self) -> None:
        audio = self.workdir / "audio"
        if (audio / "prospect.wav").exists():
            return
        self._run("espeak-ng", "-w", str(audio / "raw.wav"), _PROMPT_TEXT)
        self._run(
            "sox",
            str(audio / "raw.wav"),
            "-r",
            "8000",
            "-c",
            "1",
            "-b",
            "16",
            str(audio / "prospect.wav"),
            "repeat",
            "6",
        )

    def _spawn(self, name: str, cmd: list[str], capture: bool = False) -> subprocess.Popen[bytes]:
        log = self.log_path(name).open("w")  # closed in stop()
        self._logs.append(log)
        setpriv = shutil.which("setpriv")  # util-linux: the peer gets SIGTERM if we die (abort)
        if setpriv:
            cmd = [setpriv, "--pdeathsig", "TERM", "--", *cmd]
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture else log,
            stderr=log,
            start_new_session=True,
            cwd=self.workdir,
        )
        self._procs[name] = proc
        return proc

    def _wait(self, name: str, ready: Any, deadline: float) -> None:
        """Probe until ``ready()``; each probe blocks on a socket timeout, so no sleeps."""
        proc = self._procs[name]
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise LabError(f"{name} exited with {proc.returncode}; see {self.log_path(name)}")
            if ready():
                return
            threading.Event().wait(0.05)  # connection refused returns at once: pace the probe
        raise LabError(f"{name} not ready in time; see {self.log_path(name)}")

    def _start_autoreject(self, deadline: float) -> None:
        proc = self._spawn(
            "autoreject",
            [
                sys.executable,
                str(HERE / "autoreject.py"),
                "127.0.0.1",
                str(self.ports.ctrl["busy"]),
            ],
            capture=True,
        )
        assert proc.stdout is not None
        lines: queue.Queue[bytes] = queue.Queue()
        threading.Thread(
            target=lambda: lines.put(proc.stdout.readline() if proc.stdout else b""), daemon=True
        ).start()
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            raise LabError("autoreject.py did not connect to baresip-busy") from None
        if line.strip() != b"ready":
            raise LabError(f"autoreject.py: {line.decode(errors='replace').strip()}")


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)  # the peer's own process group (start_new_session)


if __name__ == "__main__":
    lab = SipLab(sys.argv[1] if len(sys.argv) > 1 else None).start()
    print(
        f"lab in {lab.workdir}: udp/tcp {lab.sip_port}, tls {lab.tls_port}, CA {lab.ca_file}",
        flush=True,
    )
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        lab.stop()
