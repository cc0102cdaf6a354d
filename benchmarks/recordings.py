"""Recordings: CPU cost of recording a call, opening the Recordings page with 10,000
recorded calls, and the waveform of a 30-minute recording.

* ``record_cpu_ratio``: the app process's CPU during a 30 s call with recording over the
  same call without (``recording_cpu.measure``, next to this file; skipped with --skip-cpu).
* ``recordings_page_ms``: an Alembic-migrated database with 10,000 people, calls and
  recordings; the time to build the Recordings page, read its first page and paint it
  once (offscreen), median of a few runs (each with a fresh reader, as on opening the tab).
* ``waveform_30min_ms``: a 30-minute stereo 8 kHz PCM16 WAV (~58 MB) with speech-like
  bursts; peaks computed with no cache (file in the page cache, as just after a call).
  The cached time is printed too.

Last line:
    record_cpu_ratio=<r> recordings_page_ms=<a> waveform_30min_ms=<b>
Usage: python benchmarks/recordings.py [--skip-cpu] [--recordings 10000] [--runs 5]
Targets: ratio <= 1.2, page <= 200 ms, waveform <= 300 ms.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

FIRST = "Ava Ben Mia Noah Emma Lukas Lena Hugo Chloe Finn Grace Henry Ivy Jack Zoe".split()  # noqa: SIM905
LAST = "Thompson Carter Hughes Schmidt Dubois Nguyen Patel Wright Evans Meyer Rossi".split()  # noqa: SIM905
RATE = 8000


def build_database(path: Path, recordings: int) -> None:
    """People, their calls and one recording per call, in bulk through the ORM's tables."""
    from sqlalchemy import insert, select

    from dialer_app.db.database import open_database
    from dialer_app.db.models import (
        Call,
        Disposition,
        Person,
        Recording,
        new_uuids,
    )

    database = open_database(path)
    rng = random.Random(7)
    start = datetime.now(UTC) - timedelta(days=400)
    with database.sessions.begin() as session:
        dispositions = list(session.scalars(select(Disposition.id)))
        people = [
            {"first_name": rng.choice(FIRST), "last_name": rng.choice(LAST), "uuid": u}
            for u in new_uuids(recordings // 3 + 1)
        ]
        session.execute(insert(Person), people)
        person_ids = list(session.scalars(select(Person.id)))
        calls = []
        for n, uuid in enumerate(new_uuids(recordings)):
            started = start + timedelta(minutes=n * 55)
            calls.append(
                {
                    "uuid": uuid,
                    "person_id": rng.choice(person_ids),
                    "number_e164": f"+1404555{n % 10000:04d}",
                    "line_name": "Team trunk",
                    "started_at": started,
                    "duration_s": rng.uniform(20, 900),
                    "outcome": "answered",
                    "notes": rng.choice(["", "Sent pricing", "Call back Tuesday", "Gatekeeper"]),
                    "disposition_id": rng.choice(dispositions),
                    "log_state": "logged",
                }
            )
        session.execute(insert(Call), calls)
        rows = session.execute(select(Call.id, Call.uuid, Call.started_at, Call.duration_s))
        session.execute(
            insert(Recording),
            [
                {
                    "uuid": recording_uuid,
                    "call_id": call_id,
                    "state": "ready",
                    "file_name": f"{call_uuid}.wav",
                    "started_at": started,
                    "call_offset_s": 0.0,
                    "duration_s": duration,
                    "size_bytes": int((duration or 0.0) * RATE * 4),
                    "segments": json.dumps(
                        [
                            {"event": "start", "call_s": 0.0, "file_s": 0.0},
                            {"event": "stop", "call_s": duration, "file_s": duration},
                        ]
                    ),
                }
                for (call_id, call_uuid, started, duration), recording_uuid in zip(
                    rows, new_uuids(recordings), strict=True
                )
            ],
        )
    database.close()


def time_page(path: Path, runs: int) -> tuple[float, float]:
    """(first, median of the next ``runs``) ms: reader opened, page built (count + first
    page), shown and painted once. The first also pays for Qt's style and fonts."""
    from PySide6.QtWidgets import QApplication

    from dialer_app.db.recordings_reader import RecordingsReader
    from dialer_app.ui.recordings_page import RecordingsPage

    app = QApplication.instance() or QApplication(sys.argv)
    times = []
    for _ in range(runs + 1):  # the first run pays for imports and Qt's style set-up
        started = time.perf_counter()
        reader = RecordingsReader(path)
        page = RecordingsPage(reader)
        page.resize(900, 600)
        page.show()
        page.repaint()
        app.processEvents()
        times.append((time.perf_counter() - started) * 1000)
        assert page.model.total == page.model.count_rows() > 0
        page.close()
        page.deleteLater()
        app.processEvents()
        reader.close()
    return times[0], statistics.median(times[1:])


def write_long_wav(path: Path, minutes: float) -> Path:
    """Stereo PCM16: bursts of noise (talk) and quiet on each side, like a call."""
    import wave

    import numpy as np

    frames = int(minutes * 60 * RATE)
    rng = np.random.default_rng(3)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(2)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        block = RATE * 60
        for first in range(0, frames, block):
            count = min(block, frames - first)
            seconds = np.arange(count) // RATE
            rep_talks = (seconds // 4) % 2 == 0
            audio = rng.normal(0, 3000, (count, 2))
            audio[:, 0] *= rep_talks
            audio[:, 1] *= ~rep_talks
            handle.writeframes(audio.clip(-32768, 32767).astype("<i2").tobytes())
    return path


def time_waveform(folder: Path, runs: int) -> tuple[float, float]:
    """(cold median ms, cached median ms) for 30 minutes of stereo audio."""
    from dialer_app.recordings import waveform

    wav = write_long_wav(folder / "long.wav", 30.0)
    cold, cached = [], []
    for _ in range(runs):
        cache = folder / "long.peaks"
        cache.unlink(missing_ok=True)
        started = time.perf_counter()
        first = waveform.load(wav, cache)
        cold.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        again = waveform.load(wav, cache)
        cached.append((time.perf_counter() - started) * 1000)
        assert (again.peaks == first.peaks).all() and first.duration_s == 1800.0
    return statistics.median(cold), statistics.median(cached)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-cpu", action="store_true", help="don't measure recording CPU")
    parser.add_argument("--recordings", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    ratio = "skipped"
    if not args.skip_cpu:
        sys.path.insert(0, str(HERE))
        recording_cpu = importlib.import_module("recording_cpu")  # benchmarks/recording_cpu.py

        idle, recording, measured = recording_cpu.measure()
        print(f"cpu without recording {idle:.3f} s, with {recording:.3f} s", flush=True)
        ratio = f"{measured:.2f}"

    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        database = folder / "dialer.sqlite3"
        started = time.perf_counter()
        build_database(database, args.recordings)
        print(f"built {args.recordings:,} recorded calls in {time.perf_counter() - started:.1f} s")
        first_ms, page_ms = time_page(database, args.runs)
        print(
            f"recordings page: {page_ms:.1f} ms (median of {args.runs}; first open in the "
            f"process {first_ms:.1f} ms)",
            flush=True,
        )
        cold_ms, cached_ms = time_waveform(folder, args.runs)
        print(f"waveform 30 min: cold {cold_ms:.1f} ms, cached {cached_ms:.2f} ms", flush=True)
    print(
        f"record_cpu_ratio={ratio} recordings_page_ms={page_ms:.1f} waveform_30min_ms={cold_ms:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
