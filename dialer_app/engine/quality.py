"""Call quality: an ITU-T G.107 E-model MOS from receive-side RTP figures.

pjsua2's ``Call.getStreamStat()`` gives loss, jitter and RTT but no MOS; the
E-model turns them into the 1..4.5 score reps understand. The simplified form
(default G.107 values except delay and packet loss) is what most softphones use.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class _CodecImpairment:
    ie: float  # equipment impairment
    bpl: float  # packet-loss robustness (with PLC)
    delay_ms: float  # packetisation + algorithmic delay


_CODECS: dict[str, _CodecImpairment] = {
    "PCMU": _CodecImpairment(0.0, 25.1, 20.0),
    "PCMA": _CodecImpairment(0.0, 25.1, 20.0),
    "G722": _CodecImpairment(0.0, 25.1, 21.5),
    "opus": _CodecImpairment(0.0, 25.0, 26.5),
    "GSM": _CodecImpairment(20.0, 10.0, 20.0),
    "speex": _CodecImpairment(11.0, 10.0, 30.0),
    "iLBC": _CodecImpairment(11.0, 32.0, 30.0),
}
_DEFAULT = _CodecImpairment(10.0, 10.0, 30.0)


def r_factor(codec: str, loss_pct: float, one_way_delay_ms: float) -> float:
    """The transmission rating R (0..93.2) for a codec, loss and mouth-to-ear delay."""
    imp = _CODECS.get(codec, _DEFAULT)
    d = max(0.0, one_way_delay_ms) + imp.delay_ms
    idd = 0.024 * d + (0.11 * (d - 177.3) if d > 177.3 else 0.0)
    ppl = min(max(loss_pct, 0.0), 100.0)
    ie_eff = imp.ie + (95.0 - imp.ie) * ppl / (ppl + imp.bpl)
    return max(0.0, min(93.2, 93.2 - idd - ie_eff))


def mos_from_r(r: float) -> float:
    """G.107 Annex B mapping from R to a conversational MOS (1.0..4.5)."""
    if r <= 0:
        return 1.0
    if r >= 100:
        return 4.5
    return max(1.0, min(4.5, 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r)))


def estimate_mos(
    codec: str,
    loss_pct: float,
    jitter_ms: float,
    rtt_ms: float | None,
    jitter_buffer_ms: float = 0.0,
) -> float:
    """MOS for a stream; without RTCP RTT the delay is jitter buffer plus twice the jitter."""
    network = rtt_ms / 2.0 if rtt_ms is not None else 0.0
    delay = network + max(jitter_buffer_ms, 2.0 * jitter_ms)
    return round(mos_from_r(r_factor(codec, loss_pct, delay)), 2)
