"""`dialer-app import` as a separate process: progress, summary, a problems file, idempotent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CSV = (
    "First Name;Last Name;Company;Work Phone;Email\n"
    'Zoe;Adams;Acme Logistics;="+1 404 555 0177";zoe@acme-logistics.example\n'
    "Bad;Row;X;555;\n"
)


def _run(data_dir: Path, csv: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DIALER_APP_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "dialer_app", "import", str(csv), "--region", "US"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_import_prints_progress_and_keeps_bad_rows(isolated_dirs: Path, tmp_path: Path) -> None:
    csv = tmp_path / "leads.csv"
    csv.write_text(CSV, encoding="utf-8")
    first = _run(isolated_dirs, csv)
    assert first.returncode == 0, first.stderr
    assert "100% (2/2)" in first.stdout
    assert "Imported 1 person: 1 new, 0 updated, 0 skipped. 1 row had problems:" in first.stdout
    assert "row 3: “555” is too short" in first.stdout
    problems = (tmp_path / "leads-problems.csv").read_text(encoding="utf-8-sig")
    assert "Bad;Row;X;555" in problems and "problem" in problems.splitlines()[0]
    again = _run(isolated_dirs, csv)
    assert "0 new, 0 updated, 1 skipped" in again.stdout
