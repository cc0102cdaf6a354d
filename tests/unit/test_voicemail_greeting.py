from __future__ import annotations

import array
import math
import wave
from pathlib import Path

import pytest

from dialer_app.services.voicemail import GreetingError, describe_greeting, import_greeting


def _tone(
    path: Path, *, seconds: float, channels: int = 1, width: int = 2, rate: int = 8000
) -> Path:
    count = int(seconds * rate)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        if width == 2:
            samples = array.array("h")
            for n in range(count):
                value = int(8000 * math.sin(2 * math.pi * 440 * n / rate))
                samples.extend([value] * channels)
            wav.writeframes(samples.tobytes())
        else:
            wav.writeframes(bytes(count * channels * width))
    return path


def test_stereo_greeting_is_stored_as_mono(tmp_path: Path) -> None:
    source = _tone(tmp_path / "my greeting.wav", seconds=2, channels=2, rate=16000)
    info = import_greeting(source, tmp_path / "voicemail" / "greeting.wav")
    assert info.seconds == pytest.approx(2.0)
    with wave.open(str(info.path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16000)
        assert wav.getnframes() == 32000
    assert describe_greeting(info.path).seconds == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"ID3 mp3 data here"), "not a WAV recording"),
        (lambda p: _tone(p, seconds=2, width=1), "16-bit PCM"),
        (lambda p: _tone(p, seconds=0.2), "too short"),
        (lambda p: _tone(p, seconds=100, rate=800), "keep greetings under"),
    ],
)
def test_bad_files_are_refused_with_a_fix(tmp_path: Path, make: object, message: str) -> None:
    source = tmp_path / "in.wav"
    make(source)  # type: ignore[operator]
    destination = tmp_path / "voicemail" / "greeting.wav"
    with pytest.raises(GreetingError) as caught:
        import_greeting(source, destination)
    assert message in str(caught.value)
    assert not destination.exists()
