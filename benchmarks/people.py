"""People at scale: CSV import throughput and search-as-you-type latency.

Builds a 100,000-row CSV (two numbers per person: 200,000 numbers, in US, UK, German and
French formats, national and international, a few with Excel's ``="..."`` wrapper),
imports it into a fresh database through the app's own import engine with progress
reporting on (timed from reading the file to the import's return, and checked to leave
the search index and every index complete: a bulk import rebuilds some as it ends),
then times 50 realistic as-you-type queries through the app's search (the people
model's reset on each keystroke: the first page, and the count when the page is full)
against a bare FTS5 query on the same file. Last line:
    import_rows_per_s=<n> search_p50_ms=<a> search_p90_ms=<b> bare_fts_p50_ms=<c>
Usage: python benchmarks/people.py [--rows 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

FIRST = (  # noqa: SIM905
    "James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Nancy Daniel Lisa "
    "Matthew Betty Anthony Margaret Mark Sandra Oliver Amelia George Isla Harry Ava Noah "
    "Mia Leo Ivy Lukas Emma Finn Hannah Paul Lea Jules Chloe Louis Camille Zoe Ines Hugo "
    "Manon Arthur Lena Elias Sofia Felix Clara Max Marie Anna Ben Grace Henry Emily Jack "
).split()
LAST = (  # noqa: SIM905
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
    "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell "
    "Carter Roberts Hughes Evans Bennett Wood Patel Khan Murphy Muller Schmidt Schneider "
    "Fischer Weber Meyer Wagner Becker Schulz Hoffmann Bernard Dubois Durand Lefebvre "
    "Moreau Laurent Simon Michel Garnier Fournier Rousseau Vincent Muller Leroy Roux "
).split()
COMPANY_WORDS = (  # noqa: SIM905
    "Acme Globex Initech Umbrella Stark Wayne Hooli Vandelay Wonka Cyberdyne Soylent Tyrell "
    "Oscorp Massive Dynamic Northwind Contoso Fabrikam Adventure Tailspin Litware Proseware "
    "Lucerne Margie Fourth Coffee Wingtip Blue Yonder Alpine Ski Humongous Trey Woodgrove "
    "Bellows Graphic Design Institute School Fine Arts Relecloud "
).split()
COMPANY_SUFFIX = (  # noqa: SIM905
    "Inc Ltd GmbH SA Logistics Labs Systems Partners Group Holdings "
).split()
TITLES = "VP Sales|Head of Ops|CFO|CTO|Buyer|Office Manager|Founder|Director IT|".split("|")  # noqa: SIM905
QUERIES = [
    # names typed one key at a time, then refined
    "j",
    "ja",
    "jam",
    "jame",
    "james",
    "james s",
    "james sm",
    "james smi",
    "o",
    "ol",
    "oli",
    "oliv",
    "oliver b",
    "oliver ben",
    "ma",
    "mar",
    "mari",
    "marie d",
    "schm",
    "schmidt",
    "hughes",
    "bennett e",
    # accounts and emails
    "acme",
    "acme lo",
    "globex",
    "wonka inc",
    "initech",
    "tyrell gmbh",
    "james.smith",
    "@wonka",
    "mia.hughes.1",
    "zoe.leroy",
    # digits of numbers, national and international
    "404",
    "4045",
    "404555",
    "5551234",
    "(212) 555",
    "+44 20 7946",
    "020 7946",
    "+49 30",
    "030 1234",
    "+33 1 42",
    "06 12",
    "7911",
    "2079460",
    # misses
    "zzzz",
    "nobody here",
    "qx",
    "emma w",
    "lefebvre",
]
assert len(QUERIES) == 50


def us_number(rng: random.Random) -> str:
    area = rng.choice((404, 212, 415, 312, 617, 646, 713, 305, 206, 512))
    exchange, line = rng.randint(201, 999), rng.randint(0, 9999)
    shape = rng.random()
    if shape < 0.5:
        return f"({area}) {exchange}-{line:04d}"
    if shape < 0.8:
        return f"+1 {area} {exchange} {line:04d}"
    if shape < 0.9:
        return f'="+1{area}{exchange}{line:04d}"'
    return f"{area}.{exchange}.{line:04d}"


def uk_number(rng: random.Random, mobile: bool) -> str:
    if mobile:
        return f"+44 7{rng.choice((400, 480, 500, 720, 800, 900))} {rng.randint(100000, 999999)}"
    return f"+44 20 7{rng.randint(100, 999)} {rng.randint(0, 9999):04d}"


def de_number(rng: random.Random, mobile: bool) -> str:
    if mobile:
        prefix = rng.choice((151, 152, 157, 160, 170, 171, 172, 175, 176))
        return f"+49 {prefix} {rng.randint(10000000, 99999999)}"
    return f"+49 30 {rng.randint(1000000, 9999999)}"


def fr_number(rng: random.Random, mobile: bool) -> str:
    pairs = " ".join(f"{rng.randint(10 if n == 0 else 0, 89):02d}" for n in range(4))
    return f"+33 {'6' if mobile else '1'} {pairs}"


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    companies = [f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_SUFFIX)}" for _ in range(5000)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["First Name", "Last Name", "Email", "Company", "Title", "Phone", "Mobile", "City"]
    )
    for index in range(rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company = rng.choice(companies)
        domain = company.split()[0].lower() + ".example"
        country = rng.random()
        if country < 0.55:
            phone, mobile, city = us_number(rng), us_number(rng), "Atlanta"
        elif country < 0.75:
            phone, mobile, city = uk_number(rng, False), uk_number(rng, True), "London"
        elif country < 0.9:
            phone, mobile, city = de_number(rng, False), de_number(rng, True), "Berlin"
        else:
            phone, mobile, city = fr_number(rng, False), fr_number(rng, True), "Paris"
        email = f"{first}.{last}.{index}@{domain}".lower()
        writer.writerow([first, last, email, company, rng.choice(TITLES), phone, mobile, city])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def import_file(csv_path: Path, database_path: Path) -> tuple[float, int, int]:
    """Seconds, people created and problem rows, through the app's import engine."""
    from dialer_app.db.database import open_database
    from dialer_app.db.people_import import import_table
    from dialer_app.domain.csv_import import (
        guess_mapping,
        read_csv,
    )

    database = open_database(database_path)
    _ = database.sessions  # schema upgrade and ORM set-up are not import work
    progress_calls = 0

    def progress(done: int, total: int) -> bool:
        nonlocal progress_calls
        progress_calls += 1
        return True

    started = time.perf_counter()
    table = read_csv(csv_path.read_bytes())
    report = import_table(
        database.sessions, table, guess_mapping(table.headers), "US", progress=progress
    )
    elapsed = time.perf_counter() - started
    database.close()
    assert progress_calls >= len(table.rows), "progress must be reported for every row"
    assert_complete(database_path)
    return elapsed, report.created, len(report.problems)


def assert_complete(database_path: Path) -> None:
    """The timed import must leave nothing for later: every row in the search index, every
    index (a bulk import drops some while it runs) back in place."""
    from dialer_app.db.bulk_load import BULK_INDEXES

    with sqlite3.connect(database_path) as check:

        def count(table: str) -> int:
            return int(check.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

        assert count("people_search") == count("people_search_words") == count("people")
        assert count("people_search_numbers") == count("phone_numbers")
        indexes = {row[0] for row in check.execute("SELECT name FROM sqlite_master")}
        assert indexes >= {*BULK_INDEXES, "people_search_by_name"}, "an index is missing"
    check.close()


def time_queries(run: object, queries: list[str], repeats: int = 3) -> list[float]:
    """Milliseconds per query (best of ``repeats``, as a rep types each one once)."""
    assert callable(run)
    timings = []
    for query in queries:
        best = float("inf")
        for _ in range(repeats):
            started = time.perf_counter()
            run(query)
            best = min(best, time.perf_counter() - started)
        timings.append(best * 1000)
    return timings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep the files")
    args = parser.parse_args()

    from dialer_app.db.people_reader import PeopleReader
    from dialer_app.services.people import PeopleService
    from dialer_app.ui.paged_model import PAGE_SIZE
    from dialer_app.ui.people_model import PeopleTableModel

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        csv_path, database_path = folder / "people.csv", folder / "people.sqlite3"
        database_path.unlink(missing_ok=True)
        write_csv(csv_path, args.rows)
        seconds, created, problems = import_file(csv_path, database_path)
        rows_per_s = args.rows / seconds
        print(
            f"import: {args.rows} rows in {seconds:.2f} s ({created} people, {problems} problems)"
        )

        model = PeopleTableModel(PeopleService(PeopleReader(database_path)), "US")

        def app_search(query: str) -> None:
            model.set_query(query)  # what the people list does on each keystroke

        bare = sqlite3.connect(database_path)

        def bare_fts(query: str) -> None:
            bare.execute(
                "SELECT rowid FROM people_search WHERE people_search MATCH ? LIMIT ?",
                ['"' + query.replace('"', '""') + '"', PAGE_SIZE],
            ).fetchall()

        app_search("warm up")
        app_ms = time_queries(app_search, QUERIES)
        bare_ms = time_queries(bare_fts, QUERIES)
        slowest = sorted(zip(app_ms, QUERIES, strict=True), reverse=True)[:5]
        print("slowest app queries:", ", ".join(f"{q!r} {ms:.1f} ms" for ms, q in slowest))
        bare.close()
        print(
            f"import_rows_per_s={rows_per_s:.0f} "
            f"search_p50_ms={percentile(app_ms, 0.5):.2f} "
            f"search_p90_ms={percentile(app_ms, 0.9):.2f} "
            f"bare_fts_p50_ms={percentile(bare_ms, 0.5):.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
