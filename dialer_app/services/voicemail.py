"""The rep's voicemail greeting: import a WAV once, check it, keep it as mono 16-bit PCM.

pjsua2's WAV player wants uncompressed 16-bit PCM; stereo files are mixed down here so
any ordinary recording works. The stored file is named by the app, never by the user.
"""

from __future__ import annotations

import array
import shutil
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

MAX_GREETING_SECONDS = 90
MIN_GREETING_SECONDS = 1


class GreetingError(ValueError):
    """The file cannot be a greeting; the message says how to fix it."""


@dataclass(frozen=True)
class GreetingInfo:
    path: Path
    seconds: float
    sample_rate: int


def describe_greeting(path: Path) -> GreetingInfo:
    try:
        with wave.open(str(path), "rb") as wav:
            frames, rate = wav.getnframes(), wav.getframerate()
    except (wave.Error, EOFError, OSError) as exc:
        raise GreetingError(f"{path.name} is not a readable WAV file ({exc}).") from exc
    return GreetingInfo(path, frames / rate if rate else 0.0, rate)


def import_greeting(source: Path, destination: Path) -> GreetingInfo:
    """Validate ``source`` and store it at ``destination`` as mono 16-bit PCM WAV."""
    try:
        with wave.open(str(source), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise GreetingError(
            f"{source.name} is not a WAV recording (PCM): export it as WAV and try again."
        ) from exc
    except OSError as exc:
        raise GreetingError(f"Cannot read {source.name}: {exc.strerror or exc}.") from exc
    if width != 2:
        raise GreetingError(
            f"{source.name} uses {width * 8}-bit samples: export it as 16-bit PCM WAV."
        )
    if channels not in (1, 2):
        raise GreetingError(f"{source.name} has {channels} channels: export it as mono or stereo.")
    seconds = len(frames) / (width * channels * rate) if rate else 0.0
    if seconds < MIN_GREETING_SECONDS:
        raise GreetingError(f"{source.name} is too short to be a greeting.")
    if seconds > MAX_GREETING_SECONDS:
        raise GreetingError(
            f"{source.name} lasts {seconds:.0f} s; keep greetings under {MAX_GREETING_SECONDS} s."
        )
    samples = array.array("h")
    samples.frombytes(frames)
    if sys.byteorder == "big":
        samples.byteswap()
    if channels == 2:
        samples = array.array(
            "h", ((a + b) // 2 for a, b in zip(samples[::2], samples[1::2], strict=True))
        )
    if sys.byteorder == "big":
        samples.byteswap()
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=destination.parent, suffix=".wav", delete=False) as tmp:
        tmp_path = Path(tmp.name)
    try:
        with wave.open(str(tmp_path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(samples.tobytes())
        shutil.move(tmp_path, destination)
    finally:
        tmp_path.unlink(missing_ok=True)
    return GreetingInfo(destination, seconds, rate)
