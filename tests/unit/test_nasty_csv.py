"""The importer over real-world exports: one file a case in tests/data/nasty_csv/.

Each file is read and parsed exactly as the wizard and ``dialer-app import`` do (guessed
mapping, the case's region) and the result is compared whole: every person, every number
(E.164 and the original text) and every problem row with its original cells.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dialer_app.domain.csv_import import (
    UNCLOSED_QUOTE,
    ImportedPerson,
    ImportedPhone,
    RowProblem,
    guess_mapping,
    parse_table,
    read_csv,
)

NASTY_CSV = Path(__file__).parents[1] / "data" / "nasty_csv"
REGIONS = {"numbers_gb.csv": "GB", "numbers_de.csv": "DE", "numbers_fr.csv": "FR"}
"""The rep's default region each file is imported with (US when not listed)."""


def region_for(name: str) -> str:
    return REGIONS.get(name, "US")


def parse_file(name: str) -> list[ImportedPerson | RowProblem]:
    table = read_csv((NASTY_CSV / name).read_bytes())
    return parse_table(table, guess_mapping(table.headers), region_for(name))


def office(original: str, e164: str, extension: str | None = None) -> ImportedPhone:
    return ImportedPhone("office", e164, extension, original)


def mobile(original: str, e164: str) -> ImportedPhone:
    return ImportedPhone("mobile", e164, None, original)


def numbers(*rows: tuple[str, ImportedPhone], start: int = 2) -> list[ImportedPerson]:
    """Rows of the numbers_*.csv files: a two-word "Name" and one number."""
    people = []
    for row_number, (name, phone) in enumerate(rows, start=start):
        first, last = name.rsplit(" ", 1)
        people.append(ImportedPerson(row_number, first, last, phones=(phone,)))
    return people


CASES: dict[str, tuple[str, str, list[ImportedPerson | RowProblem]]] = {
    "utf8_bom.csv": (
        "utf-8-sig",
        ",",
        [
            ImportedPerson(
                2,
                "Zoë",
                "Müller",
                "zoe.mueller@example.de",
                account="Café Zürich GmbH",
                phones=(office("+49 30 12345678", "+493012345678"),),
            ),
            ImportedPerson(
                3,
                "Łukasz",
                "Żółć",
                "lukasz@example.pl",
                account="Kraków Sp. z o.o.",
                phones=(office("+48 12 345 67 89", "+48123456789"),),
            ),
        ],
    ),
    "utf8_no_bom.csv": (
        "utf-8",
        ",",
        [
            ImportedPerson(
                2,
                "山田",
                "太郎",
                "taro.yamada@example.jp",
                account="株式会社サンプル",
                phones=(mobile("+81 90-1234-5678", "+819012345678"),),
            ),
            ImportedPerson(
                3,
                "Ángela",
                "Núñez",
                "angela@example.es",
                account="Compañía Ñandú",
                phones=(mobile("+34 612 34 56 78", "+34612345678"),),
            ),
        ],
    ),
    "windows_1252.csv": (
        "cp1252",
        ",",
        [
            ImportedPerson(
                2,
                "Zoë",
                "Müller",
                "zoe@example.de",
                account="Café Rouge",
                phones=(office("+49 30 12345670", "+493012345670"),),
                custom={"Deal Size": "€1.200"},
            ),
            ImportedPerson(
                3,
                "François",
                "Lefèvre",
                "francois@example.fr",
                account="Crème & Brûlée SARL",
                phones=(office("+33 1 42 68 53 10", "+33142685310"),),
                custom={"Deal Size": "€950"},
            ),
        ],
    ),
    "semicolon.csv": (
        "utf-8",
        ";",
        [
            ImportedPerson(
                2,
                "Ada",
                "Lovelace",
                account="Acme, Inc.",
                phones=(office("(404) 555-0111", "+14045550111"),),
                custom={"Score": "1,5"},
            ),
            ImportedPerson(
                3,
                "Alan",
                "Turing",
                account="Globex; Ltd",
                phones=(office("404.555.0112", "+14045550112"),),
                custom={"Score": "2,25"},
            ),
        ],
    ),
    "tab_separated.csv": (
        "utf-8",
        "\t",
        [
            ImportedPerson(
                2,
                "Grace",
                "Hopper",
                title="Rear Admiral, Navy",
                phones=(office("(212) 555-0121", "+12125550121"),),
            ),
            ImportedPerson(
                3,
                "Katherine",
                "Johnson",
                title="Mathematician\t(NASA)",
                phones=(office("212 555 0122", "+12125550122"),),
            ),
        ],
    ),
    "quoted_newlines.csv": (
        "utf-8",
        ",",
        [
            ImportedPerson(
                2,
                "Ada",
                "Lovelace",
                "ada@example.com",
                phones=(office("(404) 555-0131", "+14045550131"),),
                custom={"Notes": "Met at the fair.\nCall after 3pm, not Fridays."},
            ),
            ImportedPerson(
                3,
                "Alan",
                "Turing",
                "alan@example.com",
                phones=(office("(404) 555-0132", "+14045550132"),),
                custom={"Notes": 'Said: "send the deck"\nthen hung up'},
            ),
            ImportedPerson(
                4,
                "Grace",
                "Hopper",
                "grace@example.com",
                phones=(office("(404) 555-0133", "+14045550133"),),
                custom={"Notes": "one line"},
            ),
        ],
    ),
    "excel_formulas.csv": (
        "utf-8",
        ",",
        [
            ImportedPerson(
                2,
                "Ada",
                "Lovelace",
                crm_id="00123",
                phones=(
                    office("+14045550141", "+14045550141"),
                    mobile("+44 7911 123456", "+447911123456"),
                ),
            ),
            ImportedPerson(
                3,
                "Alan",
                "Turing",
                crm_id="00124",
                phones=(office("(404) 555-0142", "+14045550142"),),
            ),
        ],
    ),
    "numbers_us.csv": (
        "utf-8",
        ",",
        [
            *numbers(
                ("US parens", office("(212) 555-0142", "+12125550142")),
                ("US dots", office("212.555.0143", "+12125550143")),
                ("US leading one", office("1-212-555-0144", "+12125550144")),
                ("US international", office("+1 212 555 0145", "+12125550145")),
                ("US extension", office("212-555-0146 x12", "+12125550146", "12")),
                ("GB via 011", office("011 44 20 7946 0018", "+442079460018")),
                ("FR international", office("+33 1 42 68 53 00", "+33142685300")),
            )
        ],
    ),
    "numbers_gb.csv": (
        "utf-8",
        ",",
        [
            *numbers(
                ("GB national", office("020 7946 0018", "+442079460018")),
                ("GB parens", office("(020) 7946 0019", "+442079460019")),
                ("GB mobile", office("07911 123456", "+447911123456")),
                ("GB with (0)", office("+44 (0) 20 7946 0020", "+442079460020")),
                ("DE via 00", office("00 49 30 12345678", "+493012345678")),
                ("US international", office("+1 (404) 555-0100", "+14045550100")),
            )
        ],
    ),
    "numbers_de.csv": (
        "utf-8",
        ";",
        [
            ImportedPerson(
                2,
                "DE",
                "national",
                phones=(
                    office("030 12345678", "+493012345678"),
                    mobile("0171 1234567", "+491711234567"),
                ),
            ),
            *numbers(
                ("DE with (0)", office("+49 (0)30 12345679", "+493012345679")),
                ("AT via 00", office("0043 1 5321234", "+4315321234")),
                ("FR international", office("+33 6 12 34 56 78", "+33612345678")),
                start=3,
            ),
        ],
    ),
    "numbers_fr.csv": (
        "utf-8",
        ";",
        [
            ImportedPerson(
                2,
                "FR",
                "national",
                phones=(
                    office("01 42 68 53 00", "+33142685300"),
                    mobile("06 12 34 56 78", "+33612345678"),
                ),
            ),
            *numbers(
                ("FR with (0)", office("+33 (0)1 42 68 53 01", "+33142685301")),
                ("FR dots", office("01.42.68.53.02", "+33142685302")),
                ("GB international", office("+44 20 7946 0021", "+442079460021")),
                start=3,
            ),
        ],
    ),
    "duplicates.csv": (
        # Parsing keeps every row; the database import matches them (integration tests).
        "utf-8",
        ",",
        [
            ImportedPerson(
                2,
                "Dana",
                "Scully",
                "dana@fbi.example",
                title="Special Agent",
                phones=(office("(202) 555-0199", "+12025550199"),),
            ),
            ImportedPerson(
                3,
                "Dana",
                "Scully",
                "DANA@FBI.EXAMPLE",
                phones=(office("+1 202 555 0197", "+12025550197"),),
            ),
            ImportedPerson(
                4,
                "Fox",
                "Mulder",
                "fox@fbi.example",
                title="Special Agent",
                phones=(office("202-555-0198", "+12025550198"),),
            ),
            ImportedPerson(
                5, "Fox", "Mulder", phones=(office("+1 (202) 555-0198", "+12025550198"),)
            ),
            ImportedPerson(
                6,
                "Ava",
                "Thompson",
                title="Head of Operations",
                phones=(office("404.555.0100", "+14045550100"),),
            ),
        ],
    ),
    "bad_rows.csv": (
        "utf-8",
        ",",
        [
            ImportedPerson(
                2,
                "Ada",
                "Lovelace",
                "ada@example.com",
                account="Analytical Engines",
                phones=(office("+44 20 7946 0031", "+442079460031"),),
            ),
            RowProblem(
                3,
                "has no name and no email: add at least one of them.",
                ("", "", "", "Nameless Corp", "(404) 555-0151"),
            ),
            RowProblem(
                4,
                "has no phone number and no email: add at least one of them.",
                ("Grace", "Hopper", "", "Navy", ""),
            ),
            RowProblem(
                5,
                "“call me maybe” is not a phone number: use digits, for example +1 404 555 1234.",
                ("Alan", "Turing", "", "Bletchley Park", "call me maybe"),
            ),
            RowProblem(
                6,
                "“555” is too short for a number in the United States: check it, or add the "
                "country code (for example +44 for the UK).",
                ("Bob", "Builder", "", "", "555"),
            ),
            # The quote opened before "Sagan" never closes: the row is reported on its own
            # and the rows after it are still read (the csv module alone would swallow them).
            RowProblem(7, UNCLOSED_QUOTE, ("Carl", "Sagan,carl@example.com,Cosmos,(404) 555-0152")),
            RowProblem(
                8,
                "“eve@@example” is not an email address.",
                ("Eve", "Polastri", "eve@@example", "MI6", ""),
            ),
            ImportedPerson(
                9,
                "Dan",
                "Druff",
                "dan@example.com",
                account="Acme",
                phones=(office("(404) 555-0153", "+14045550153"),),
            ),
        ],
    ),
    "extra_columns.csv": (
        "utf-8",
        ",",
        [
            ImportedPerson(
                2,
                "Ada",
                "Lovelace",
                "ada@example.com",
                phones=(office("(404) 555-0161", "+14045550161"),),
                custom={
                    "Lead Source": "Trade show",
                    "Favourite Colour": "teal",
                    "Work Email": "ada@work.example",  # a second email column
                    "column 8": "orphan",  # a column with no header
                },
            ),
            ImportedPerson(
                3,
                "Alan",
                "Turing",
                "alan@example.com",
                phones=(office("(404) 555-0162", "+14045550162"),),
                custom={"Lead Source": "Referral"},  # empty cells are not kept
            ),
        ],
    ),
}


def test_every_file_has_a_case() -> None:
    assert {path.name for path in NASTY_CSV.glob("*.csv")} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_nasty_file(name: str) -> None:
    encoding, delimiter, expected = CASES[name]
    table = read_csv((NASTY_CSV / name).read_bytes())
    assert (table.encoding, table.delimiter) == (encoding, delimiter)
    assert parse_file(name) == expected
