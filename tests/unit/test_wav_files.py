"""WAV parts of a call recording: header checks, crash repair and the stereo merge."""

from __future__ import annotations

import array
import struct
import wave
from pathlib import Path

import pytest

from dialer_app.recordings.wav_files import (
    WavError,
    header_is_complete,
    merge_to_stereo,
    read_info,
    repair,
    sha256_of,
)

RATE = 8000


def write_wav(path: Path, samples: list[int], channels: int = 1, rate: int = RATE) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(array.array("h", samples).tobytes())
    return path


def open_header(path: Path, riff: int = 0, data: int = 0) -> None:
    """What a killed pjmedia writer leaves: the 44-byte header with stale sizes."""
    with path.open("r+b") as fh:
        fh.seek(4)
        fh.write(struct.pack("<I", riff))
        fh.seek(40)
        fh.write(struct.pack("<I", data))


def stereo_frames(path: Path) -> list[tuple[int, int]]:
    with wave.open(str(path), "rb") as wav:
        assert wav.getnchannels() == 2 and wav.getsampwidth() == 2
        samples = array.array("h", wav.readframes(wav.getnframes()))
    return list(zip(samples[0::2], samples[1::2], strict=True))


def test_read_info_of_a_closed_file(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "a.wav", list(range(800)))
    info = read_info(path)
    assert (info.channels, info.sample_rate, info.frames, info.data_offset) == (1, RATE, 800, 44)
    assert info.duration_s == pytest.approx(0.1)
    assert header_is_complete(path)


def test_pjmedia_open_header_reads_as_empty_and_incomplete(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "a.wav", [5] * 1000)
    open_header(path)
    assert read_info(path).frames == 0
    assert not header_is_complete(path)


def test_repair_fixes_zero_sizes_and_keeps_all_audio(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "a.wav", list(range(-500, 500)))
    open_header(path)
    info = repair(path)
    assert info.frames == 1000
    assert header_is_complete(path)
    with wave.open(str(path), "rb") as wav:
        assert array.array("h", wav.readframes(2000)).tolist() == list(range(-500, 500))


def test_repair_fixes_stale_sizes(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "a.wav", [7] * 1200)
    open_header(path, riff=36 + 400, data=400)  # an earlier, smaller length
    assert repair(path).frames == 1200


def test_repair_cuts_an_odd_trailing_byte_and_is_idempotent(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "a.wav", [3] * 100)
    open_header(path)
    with path.open("ab") as fh:
        fh.write(b"\x01")  # half a sample: the writer died mid-write
    first = repair(path)
    size = path.stat().st_size
    digest = sha256_of(path)
    second = repair(path)
    assert first == second and first.frames == 100
    assert path.stat().st_size == size == 44 + 200
    assert sha256_of(path) == digest
    assert header_is_complete(path)


def test_repair_keeps_chunks_around_the_data(tmp_path: Path) -> None:
    audio = array.array("h", [9] * 50).tobytes()
    body = (
        b"WAVE"
        + b"fmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, RATE, RATE * 2, 2, 16)
        + b"LIST"
        + struct.pack("<I", 4)
        + b"INFO"
        + b"data"
        + struct.pack("<I", len(audio))
        + audio
        + b"LIST"
        + struct.pack("<I", 4)
        + b"INFO"
    )
    path = tmp_path / "chunks.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", 0) + body)  # only the RIFF size is wrong
    assert not header_is_complete(path)
    info = repair(path)
    assert info.frames == 50 and info.data_offset == 12 + 24 + 12 + 8
    assert header_is_complete(path)
    assert path.stat().st_size == 8 + len(body)  # the trailing LIST chunk is kept
    with wave.open(str(path), "rb") as wav:
        assert wav.getnframes() == 50


def test_header_only_file_repairs_to_empty(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "a.wav", [])
    open_header(path)
    assert repair(path).frames == 0
    assert header_is_complete(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a WAV"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "no audio data"),
        (b"hello world, not audio at all", "not a WAV"),
    ],
)
def test_truncated_or_foreign_files_raise(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(WavError, match=message):
        repair(path)
    assert not header_is_complete(path)


def test_non_pcm16_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "u8.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(RATE)
        wav.writeframes(b"\x80" * 100)
    with pytest.raises(WavError, match="16-bit PCM"):
        read_info(path)


def test_merge_puts_rep_left_and_prospect_right(tmp_path: Path) -> None:
    rep = write_wav(tmp_path / "rep.wav", [1, 2, 3, 4])
    prospect = write_wav(tmp_path / "prospect.wav", [-1, -2, -3, -4])
    info = merge_to_stereo(rep, prospect, tmp_path / "call.wav")
    assert (info.channels, info.frames, info.sample_rate) == (2, 4, RATE)
    assert stereo_frames(tmp_path / "call.wav") == [(1, -1), (2, -2), (3, -3), (4, -4)]
    assert header_is_complete(tmp_path / "call.wav")


def test_merge_pads_the_shorter_part_with_silence(tmp_path: Path) -> None:
    rep = write_wav(tmp_path / "rep.wav", [5] * 3)
    prospect = write_wav(tmp_path / "prospect.wav", [7] * 5)
    merge_to_stereo(rep, prospect, tmp_path / "call.wav")
    assert stereo_frames(tmp_path / "call.wav") == [(5, 7)] * 3 + [(0, 7)] * 2
    merge_to_stereo(prospect, rep, tmp_path / "swapped.wav")
    assert stereo_frames(tmp_path / "swapped.wav") == [(7, 5)] * 3 + [(7, 0)] * 2


def test_one_sided_merge_has_a_silent_prospect(tmp_path: Path) -> None:
    rep = write_wav(tmp_path / "rep.wav", [100, -100] * 40_000)  # longer than one chunk
    info = merge_to_stereo(rep, None, tmp_path / "call.wav")
    assert info.frames == 80_000
    frames = stereo_frames(tmp_path / "call.wav")
    assert all(right == 0 for _, right in frames)
    assert [left for left, _ in frames[:4]] == [100, -100, 100, -100]
    missing = merge_to_stereo(rep, tmp_path / "never-written.wav", tmp_path / "call2.wav")
    assert missing.frames == 80_000


def test_merge_without_any_part_or_with_a_stereo_part_raises(tmp_path: Path) -> None:
    with pytest.raises(WavError, match="no recorded audio"):
        merge_to_stereo(None, None, tmp_path / "call.wav")
    stereo = write_wav(tmp_path / "stereo.wav", [1, 2], channels=2)
    with pytest.raises(WavError, match="mono"):
        merge_to_stereo(stereo, None, tmp_path / "call.wav")
    other_rate = write_wav(tmp_path / "16k.wav", [1], rate=16000)
    rep = write_wav(tmp_path / "rep.wav", [1])
    with pytest.raises(WavError, match="sample rates"):
        merge_to_stereo(rep, other_rate, tmp_path / "call.wav")
    assert not (tmp_path / "call.wav").exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_merge_replaces_the_target_atomically(tmp_path: Path) -> None:
    target = tmp_path / "call.wav"
    target.write_bytes(b"old")
    rep = write_wav(tmp_path / "rep.wav", [1])
    merge_to_stereo(rep, None, target)
    assert stereo_frames(target) == [(1, 0)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["call.wav", "rep.wav"]


def test_sha256_of_matches_hashlib(tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "x.bin"
    path.write_bytes(b"abc" * 100_000)
    assert sha256_of(path) == hashlib.sha256(b"abc" * 100_000).hexdigest()
