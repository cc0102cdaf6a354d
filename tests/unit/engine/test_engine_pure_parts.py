"""The engine modules that need no endpoint: MOS estimate, error parsing, events."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from dialer_app.engine import errors, events
from dialer_app.engine.limits import LegBudget
from dialer_app.engine.quality import estimate_mos, mos_from_r, r_factor


def test_perfect_g711_scores_about_4_4() -> None:
    assert 4.3 <= estimate_mos("PCMU", 0.0, 0.0, None) <= 4.45


def test_mos_falls_with_loss_jitter_and_delay() -> None:
    clean = estimate_mos("PCMA", 0.0, 1.0, 20.0)
    assert estimate_mos("PCMA", 5.0, 1.0, 20.0) < clean
    assert estimate_mos("PCMA", 0.0, 60.0, 20.0) < clean
    assert estimate_mos("PCMA", 0.0, 1.0, 600.0) < clean


def test_mos_stays_in_range() -> None:
    assert estimate_mos("PCMU", 100.0, 500.0, 2000.0) >= 1.0
    assert mos_from_r(-5) == 1.0 and mos_from_r(120) == 4.5
    assert 0.0 <= r_factor("unknown-codec", 50.0, 300.0) <= 93.2


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("SSL certificate verification error (PJSIP_TLS_ECERTVERIF)", errors.PJSIP_TLS_ECERTVERIF),
        (
            "Require secure session/transport (PJSIP_ESESSIONINSECURE)",
            errors.PJSIP_ESESSIONINSECURE,
        ),
        ("Connection refused", None),
        ("Some future error (PJSIP_ENOTREALLY)", None),
        ("", None),
    ],
)
def test_error_code_from_reason(reason: str, code: int | None) -> None:
    assert errors.error_code_from_reason(reason) == code


def test_events_are_frozen() -> None:
    event = events.CallStateChanged("id", events.CallState.RINGING, 180, "Ringing")
    with pytest.raises(FrozenInstanceError):
        event.sip_status = 200  # type: ignore[misc]
    assert event.at > 0


def test_call_ended_connected_property() -> None:
    answered = events.CallEnded("id", 200, "OK", 12.5, True, True)
    missed = events.CallEnded("id", 487, "Request Terminated", None, True, True)
    assert answered.connected and not missed.connected


def test_config_and_events_import_without_pjsua2() -> None:
    """The UI and fakes can use the engine's types where the pjsua2 wheel is missing."""
    code = (
        "import sys; sys.modules['pjsua2'] = None\n"  # any import of pjsua2 now fails
        "import dialer_app.engine as e, dialer_app.domain.call_outcomes\n"
        "assert e.LineConfig and e.CallEnded and e.EngineConfig\n"
        "try:\n    e.SipEngine\nexcept ImportError:\n    print('lazy')\n"
    )
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "lazy"


def test_leg_budget_delays_bursts_instead_of_letting_pjlib_abort() -> None:
    budget = LegBudget(max_legs=4, window_s=0.5)
    assert [budget.delay(1, now=10.0) for _ in range(4)] == [0.0] * 4
    wait = budget.delay(1, now=10.1)
    assert wait == pytest.approx(0.4, abs=0.01)  # the oldest leg leaves the window at 10.5
    assert budget.delay(2, now=10.6) == 0.0  # window moved on: both legs of a demo call fit


def test_leg_budget_counts_demo_calls_as_two_legs() -> None:
    budget = LegBudget(max_legs=3, window_s=0.5)
    assert budget.delay(2, now=0.0) == 0.0
    assert budget.delay(2, now=0.1) > 0
    assert budget.delay(1, now=0.1) == 0.0
