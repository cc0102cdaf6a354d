"""`dialer-app import people.csv`: import people from a CRM or spreadsheet export.

Prints progress and a summary, and writes the rows that could not be imported to
``<name>-problems.csv`` next to the file (original columns plus a "problem" column),
so the rep can fix them and import that file again. Exit code 0, 1 if every row
failed, 2 if the file or the database cannot be read.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import phonenumbers

from dialer_app.db.people_import import ImportReport, OnDuplicate, import_table
from dialer_app.domain.csv_import import (
    PROBLEM_COLUMN,
    USEFUL_TARGETS,
    CsvError,
    CsvTable,
    RowProblem,
    Target,
    guess_mapping,
    read_csv,
)
from dialer_app.paths import AppPaths

EXIT_OK, EXIT_ALL_FAILED, EXIT_UNREADABLE = 0, 1, 2

Out = Callable[[str], object]


class _ProgressBar:
    """One line redrawn with ``\\r`` on a terminal; otherwise a line every 10 %."""

    def __init__(self, out: Out, tty: bool) -> None:
        self.out, self.tty, self.last_step = out, tty, -1

    def __call__(self, done: int, total: int) -> bool:
        fraction = done / total if total else 1.0
        if self.tty:
            step = int(fraction * 1000)  # redraw at most a thousand times
            if step == self.last_step:
                return True
            self.last_step = step
            filled = int(fraction * 30)
            sys.stdout.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
            if done >= total:
                sys.stdout.write("\n")
            sys.stdout.flush()
        else:
            step = int(fraction * 10)
            if step > self.last_step:
                self.last_step = step
                self.out(f"{step * 10:3d}% ({done}/{total})")
        return True


def run_import(
    paths: AppPaths,
    csv_path: Path,
    *,
    region: str | None = None,
    on_duplicate: OnDuplicate = "skip",
    out: Out = print,
) -> int:
    """Import ``csv_path`` into the database at ``paths.database``; returns the exit code."""
    table = _load_table(csv_path, out)
    if table is None:
        return EXIT_UNREADABLE
    if not table.rows:
        out(f"{csv_path.name} has headers but no rows: nothing to import.")
        return EXIT_ALL_FAILED
    mapping = guess_mapping(table.headers)
    if region is None:
        from dialer_app.settings import load_settings

        region = load_settings(paths.settings_file).default_region
    region = region.upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        out(f"dialer-app import: “{region}” is not a country code: use one like US, GB or DE.")
        return EXIT_UNREADABLE
    out(f"Reading {csv_path.name} ({table.encoding}, {delimiter_name(table.delimiter)}):")
    for column, target in sorted(mapping.items()):
        if target is not Target.CUSTOM:
            out(f"  {table.headers[column]!r} -> {target.value}")

    from dialer_app.db.database import open_database
    from dialer_app.db.errors import DatabaseProblem

    try:
        database = open_database(paths.database)
    except DatabaseProblem as exc:
        out(f"dialer-app import: {exc}")
        return EXIT_UNREADABLE
    try:
        tty = out is print and sys.stdout.isatty()
        report = import_table(
            database.sessions,
            table,
            mapping,
            region,
            on_duplicate=on_duplicate,
            progress=_ProgressBar(out, tty),
        )
    finally:
        database.close()
    _print_summary(report, out)
    if report.problems:
        _save_problems(csv_path, table, report.problems, out)
    if report.problems and report.imported == 0:
        return EXIT_ALL_FAILED
    return EXIT_OK


def _load_table(csv_path: Path, out: Out) -> CsvTable | None:
    """The parsed file, or None after saying why it cannot be used."""
    try:
        table = read_csv(csv_path.read_bytes())
    except OSError as exc:
        out(f"dialer-app import: cannot read {csv_path}: {exc.strerror or exc}.")
        return None
    except CsvError as exc:
        out(f"dialer-app import: cannot read {csv_path}: {exc}")
        return None
    if not USEFUL_TARGETS & set(guess_mapping(table.headers).values()):
        out(
            f"dialer-app import: {csv_path.name} has no column for names, emails or phone "
            f"numbers (its columns are: {', '.join(table.headers) or 'none'})."
        )
        return None
    return table


def _save_problems(
    csv_path: Path, table: CsvTable, problems: Sequence[RowProblem], out: Out
) -> None:
    path = problems_file(csv_path)
    try:
        write_problems(path, table, problems)
    except OSError as exc:
        out(f"Could not write the problem rows to {path}: {exc.strerror or exc}.")
    else:
        out(f"The rows with problems are in {path}: fix them and import that file again.")


def delimiter_name(delimiter: str) -> str:
    return {",": "commas", ";": "semicolons", "\t": "tabs"}.get(delimiter, repr(delimiter))


def _print_summary(report: ImportReport, out: Out) -> None:
    people = "person" if report.imported == 1 else "people"
    line = (
        f"Imported {report.imported} {people}: {report.created} new, "
        f"{report.updated} updated, {report.skipped} skipped."
    )
    if report.cancelled:
        line = "Cancelled. " + line
    if report.problems:
        rows = "row" if len(report.problems) == 1 else "rows"
        line += f" {len(report.problems)} {rows} had problems:"
    out(line)
    for problem in report.problems:
        out(f"  {problem}")


def problems_file(csv_path: Path) -> Path:
    return csv_path.with_name(f"{csv_path.stem}-problems.csv")


def write_problems(path: Path, table: CsvTable, problems: Sequence[RowProblem]) -> None:
    """Original columns plus "problem"; UTF-8 with BOM so Excel opens accents correctly."""
    width = len(table.headers)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=table.delimiter)
        writer.writerow([*table.headers, PROBLEM_COLUMN])
        for problem in problems:
            cells = list(problem.values[:width]) + [""] * (width - len(problem.values))
            writer.writerow([*cells, f"row {problem.row_number}: {problem.message}"])
