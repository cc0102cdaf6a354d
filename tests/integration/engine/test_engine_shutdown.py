"""Ending the process with a call up must never abort it (pjproject #4353)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.lab.sip_lab import SipLab

PROBE = Path(__file__).with_name("shutdown_probe.py")


def run_probe(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(PROBE), *args], capture_output=True, text=True, timeout=60, check=False
    )


def assert_clean_exit(result: subprocess.CompletedProcess[str]) -> list[str]:
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert result.returncode == 0, (
        f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    assert "CONNECTED-READY" in lines
    after = lines[lines.index("CONNECTED-READY") + 1 :]
    assert any(line.startswith("CallEnded") for line in after), result.stdout
    assert after[-1] == "EngineStopped", result.stdout
    return after


@pytest.mark.lab
def test_shutdown_during_tls_call_exits_cleanly(sip_lab: SipLab) -> None:
    assert_clean_exit(run_probe("explicit", "tls", str(sip_lab.tls_port), sip_lab.ca_file))


@pytest.mark.parametrize("mode", ["explicit", "atexit"])
def test_shutdown_during_demo_call_exits_cleanly(mode: str) -> None:
    assert_clean_exit(run_probe(mode, "demo"))
