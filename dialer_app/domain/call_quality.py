"""When call quality deserves a warning (Twilio's own client thresholds)."""

from __future__ import annotations

MOS_WARNING_BELOW = 3.5
JITTER_WARNING_ABOVE_MS = 30.0
LOSS_WARNING_ABOVE_PCT = 3.0


def quality_warnings(mos: float, jitter_ms: float, loss_pct: float) -> list[str]:
    """Human warnings for a stats sample; empty when the call sounds fine."""
    warnings: list[str] = []
    if mos < MOS_WARNING_BELOW:
        warnings.append(f"Poor audio quality (MOS {mos:.1f})")
    if jitter_ms > JITTER_WARNING_ABOVE_MS:
        warnings.append(f"High jitter ({jitter_ms:.0f} ms): the network is uneven")
    if loss_pct > LOSS_WARNING_ABOVE_PCT:
        warnings.append(f"Packet loss {loss_pct:.1f}%: audio may break up")
    return warnings
