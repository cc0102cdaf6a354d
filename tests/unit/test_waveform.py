from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from dialer_app.recordings import waveform
from tests.recording_data import write_stereo_wav


@pytest.fixture
def loud_left(tmp_path: Path) -> Path:
    return write_stereo_wav(tmp_path / "call.wav", 4.0, left=0.8, right=0.0)


def test_peaks_follow_each_channel(loud_left: Path) -> None:
    shape = waveform.compute(loud_left, buckets=100)
    assert (shape.channels, shape.sample_rate, shape.frames) == (2, 8000, 32000)
    assert shape.duration_s == 4.0
    assert shape.peaks.shape == (2, 100)
    assert np.allclose(shape.peaks[0], 0.8, atol=0.01)  # 40 ms buckets: each holds a crest
    assert not shape.peaks[1].any()


def test_silent_span_and_remainder_bucket(tmp_path: Path) -> None:
    wav = write_stereo_wav(tmp_path / "p.wav", 3.0, left=0.5, right=0.5, silent_spans=((1, 2),))
    shape = waveform.compute(wav, buckets=7)  # 24,000 frames: 3,428 a bucket, the last more
    assert shape.peaks.shape == (2, 7)
    middle = shape.peaks[:, 3]  # frames 10,284-13,712: all inside the silent second
    assert not middle.any()
    assert (shape.peaks[:, -1] > 0.45).all()


def test_mono_and_tiny_files(tmp_path: Path) -> None:
    import wave

    path = tmp_path / "mono.wav"
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(8000)
        handle.writeframes(np.array([0, 16384, -32768], dtype="<i2").tobytes())
    shape = waveform.compute(path, buckets=2000)
    assert shape.peaks.shape == (1, 3)
    assert shape.peaks[0].tolist() == [0.0, 0.5, 1.0]


def test_a_header_left_open_by_a_crash_is_read_to_the_end_of_the_file(loud_left: Path) -> None:
    data = bytearray(loud_left.read_bytes())
    data[40:44] = b"\x00\x00\x00\x00"  # the data size the writer never filled in
    loud_left.write_bytes(bytes(data))
    assert waveform.compute(loud_left, buckets=10).frames == 32000


def test_not_a_wav(tmp_path: Path) -> None:
    path = tmp_path / "x.wav"
    path.write_bytes(b"not a wave file at all")
    with pytest.raises(waveform.WaveformError, match="not a WAV"):
        waveform.compute(path)


def test_cache_hit_returns_the_same_and_is_faster(tmp_path: Path) -> None:
    wav = write_stereo_wav(tmp_path / "long.wav", 2.0, left=0.3, right=0.6)
    big = tmp_path / "big.wav"  # ~10 minutes of the same: computing it takes a while
    raw = wav.read_bytes()
    header, body = raw[:44], raw[44:] * 300
    size = len(body)
    big.write_bytes(
        header[:4]
        + (36 + size).to_bytes(4, "little")
        + header[8:40]
        + size.to_bytes(4, "little")
        + body
    )
    cache = tmp_path / "waveforms" / "big.peaks"
    started = time.perf_counter()
    cold = waveform.load(big, cache)
    cold_s = time.perf_counter() - started
    assert cache.exists() and cache.stat().st_size < 20_000
    started = time.perf_counter()
    warm = waveform.load(big, cache)
    warm_s = time.perf_counter() - started
    assert np.array_equal(cold.peaks, warm.peaks)
    assert (warm.frames, warm.sample_rate, warm.channels) == (cold.frames, 8000, 2)
    assert warm_s < cold_s


def test_cache_is_read_again_when_the_wav_changes(tmp_path: Path) -> None:
    wav = write_stereo_wav(tmp_path / "a.wav", 1.0, left=0.3)
    cache = tmp_path / "a.peaks"
    first = waveform.load(wav, cache, buckets=50)
    write_stereo_wav(wav, 1.0, left=0.9)  # repaired or replaced
    stat = wav.stat()
    os.utime(wav, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = waveform.load(wav, cache, buckets=50)
    assert first.peaks[0].max() < 0.31
    assert second.peaks[0].max() > 0.89


def test_a_cache_that_cannot_be_written_is_only_slower(tmp_path: Path) -> None:
    wav = write_stereo_wav(tmp_path / "a.wav", 1.0)
    blocker = tmp_path / "file"
    blocker.write_text("")
    shape = waveform.load(wav, blocker / "sub" / "a.peaks", buckets=10)
    assert shape.frames == 8000
