from __future__ import annotations

import codecs

import pytest

from dialer_app.domain.csv_import import (
    PROBLEM_COLUMN,
    UNCLOSED_QUOTE,
    CsvError,
    ImportedPerson,
    RowProblem,
    Target,
    guess_mapping,
    parse_row,
    parse_table,
    read_csv,
    split_full_name,
)

# ----------------------------------------------------------------------------- reading


def test_utf8_with_bom() -> None:
    table = read_csv(codecs.BOM_UTF8 + "Name,Email\nZoë Müller,z@x.com\n".encode())
    assert table.headers == ("Name", "Email")  # no "\ufeffName"
    assert table.rows == (("Zoë Müller", "z@x.com"),)
    assert table.encoding == "utf-8-sig"


def test_utf8_without_bom() -> None:
    table = read_csv("Name,Email\nZoë,z@x.com\n".encode())
    assert table.rows[0][0] == "Zoë"
    assert table.encoding == "utf-8"


def test_windows_1252_fallback() -> None:
    data = "Last Name;Company\nMüller;Café Rouge\n".encode("cp1252")
    table = read_csv(data)
    assert table.encoding == "cp1252"
    assert table.delimiter == ";"
    assert table.rows == (("Müller", "Café Rouge"),)


def test_utf16_from_excel_unicode_text() -> None:
    table = read_csv("Name\tPhone\nAda\t+44 20 7183 8750\n".encode("utf-16"))
    assert table.delimiter == "\t"
    assert table.rows == (("Ada", "+44 20 7183 8750"),)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters(delimiter: str) -> None:
    lines = [
        ["First Name", "Last Name", "Phone"],
        ["Ada", "Lovelace", "(404) 555-0100"],
        ["Alan", "Turing", "+44 20 7183 8750"],
    ]
    text = "\n".join(delimiter.join(line) for line in lines) + "\n"
    table = read_csv(text.encode())
    assert table.delimiter == delimiter
    assert table.headers == tuple(lines[0])
    assert table.rows == tuple(tuple(line) for line in lines[1:])


def test_single_column_falls_back_to_comma() -> None:
    table = read_csv(b"Email\na@b.com\n")
    assert table.delimiter == ","
    assert table.rows == (("a@b.com",),)


def test_quoted_newline_and_row_numbers() -> None:
    text = 'Name,Notes,Phone\n"Ada","line one\nline two",4045550100\n\nAlan,x,4045550101\n'
    table = read_csv(text.encode())
    assert table.rows[0] == ("Ada", "line one\nline two", "4045550100")
    assert len(table.rows) == 2  # the blank line is dropped ...
    assert table.row_numbers == (2, 4)  # ... but still counts, as in a spreadsheet


def test_semicolons_with_commas_inside_values() -> None:
    text = "Name;Company;Phone\nAda;Acme, Inc.;4045550100\nAlan;Globex, Ltd;4045550101\n"
    table = read_csv(text.encode())
    assert table.delimiter == ";"
    assert table.rows[0] == ("Ada", "Acme, Inc.", "4045550100")


@pytest.mark.parametrize("data", [b"", b"\n\n  \n", b"\x00\x01\x02PK"])
def test_unreadable(data: bytes) -> None:
    with pytest.raises(CsvError):
        read_csv(data)


# ----------------------------------------------------------------------------- mapping


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("First Name", Target.FIRST_NAME),
        ("first_name", Target.FIRST_NAME),
        ("Given name", Target.FIRST_NAME),
        ("LAST NAME", Target.LAST_NAME),
        ("Surname", Target.LAST_NAME),
        ("Name", Target.FULL_NAME),
        ("Full Name", Target.FULL_NAME),
        ("Company", Target.ACCOUNT),
        ("Account Name", Target.ACCOUNT),
        ("Organization", Target.ACCOUNT),
        ("Work Phone", Target.PHONE),
        ("Phone", Target.PHONE),
        ("Business Phone", Target.PHONE),
        ("Phone (Work)", Target.PHONE),
        ("Mobile Phone", Target.MOBILE),
        ("Cell", Target.MOBILE),
        ("Cell #", Target.MOBILE),
        ("Home Phone", Target.HOME),
        ("Ext", Target.EXTENSION),
        ("Extension", Target.EXTENSION),
        ("Email Address", Target.EMAIL),
        ("E-mail", Target.EMAIL),
        ("Job Title", Target.TITLE),
        ("Salesforce ID", Target.CRM_ID),
        ("CRM Id", Target.CRM_ID),
        ("Time Zone", Target.TIME_ZONE),
        ("City", Target.CITY),
        ("Mailing State/Province", Target.STATE),
        ("Country", Target.COUNTRY),
        ("Favourite Colour", Target.CUSTOM),
    ],
)
def test_guess_one_header(header: str, target: Target) -> None:
    assert guess_mapping([header]) == {0: target}


def test_each_field_once_but_phones_repeat() -> None:
    mapping = guess_mapping(["Email", "Work Email", "Phone", "Phone 2", "Mobile"])
    assert mapping == {
        0: Target.EMAIL,
        1: Target.CUSTOM,
        2: Target.PHONE,
        3: Target.PHONE,
        4: Target.MOBILE,
    }


# ----------------------------------------------------------------------------- rows

HEADERS = ["First Name", "Last Name", "Email", "Company", "Phone", "Ext", "Mobile", "Colour"]
MAPPING = guess_mapping(HEADERS)


def person(*cells: str, region: str = "US") -> ImportedPerson:
    result = parse_row(list(cells), MAPPING, region, row_number=2, headers=HEADERS)
    assert isinstance(result, ImportedPerson), result
    return result


def test_full_row() -> None:
    ada = person("Ada", "Lovelace", "ada@acme.com", "Acme", "(404) 555-0100", "204", "", "blue")
    assert (ada.first_name, ada.last_name, ada.email, ada.account) == (
        "Ada",
        "Lovelace",
        "ada@acme.com",
        "Acme",
    )
    (phone,) = ada.phones
    assert (phone.kind, phone.e164, phone.extension, phone.original) == (
        "office",
        "+14045550100",
        "204",
        "(404) 555-0100",
    )
    assert ada.custom == {"Colour": "blue"}


def test_excel_trick_is_stripped() -> None:
    ada = person("Ada", "", "", "", '="+1 404 555 0100"', "", '="07911 123456"', "", region="GB")
    assert [(p.kind, p.e164, p.original) for p in ada.phones] == [
        ("office", "+14045550100", "+1 404 555 0100"),
        ("mobile", "+447911123456", "07911 123456"),
    ]


@pytest.mark.parametrize("number", ["404-555-0100 x123", "404 555 0100 ext. 123"])
def test_extension_inside_the_number(number: str) -> None:
    (phone,) = person("Ada", "", "", "", number, "", "", "").phones
    assert (phone.e164, phone.extension) == ("+14045550100", "123")


def test_same_number_twice_is_kept_once() -> None:
    ada = person("Ada", "", "", "", "4045550100", "", "+1 404 555 0100", "")
    assert len(ada.phones) == 1


def test_uk_region() -> None:
    (phone,) = person("Mia", "", "", "", "020 7183 8750", "", "", "", region="GB").phones
    assert phone.e164 == "+442071838750"


def test_bad_number_is_a_problem_with_the_row_number() -> None:
    result = parse_row(["Ada", "", "", "", "555", "", "", ""], MAPPING, "US", row_number=7)
    assert isinstance(result, RowProblem)
    assert str(result).startswith("row 7: “555” is too short")
    assert result.values[4] == "555"


@pytest.mark.parametrize(
    ("cells", "fragment"),
    [
        (["", "", "", "Acme", "4045550100", "", "", ""], "no name and no email"),
        (["Ada", "", "", "", "", "", "", ""], "no phone number and no email"),
        (["Ada", "", "not-an-email", "", "", "", "", ""], "not an email address"),
        (["Ada", "", "", "", "4045550100", "abc", "", ""], "not an extension"),
        (["Ada", "", "", "", "call me", "", "", ""], "not a phone number"),
    ],
)
def test_row_problems(cells: list[str], fragment: str) -> None:
    result = parse_row(cells, MAPPING, "US", row_number=3)
    assert isinstance(result, RowProblem)
    assert fragment in result.message


def test_email_alone_is_enough() -> None:
    ada = person("", "", "ada@acme.com", "", "", "", "", "")
    assert ada.phones == ()
    assert ada.email == "ada@acme.com"


def test_short_rows_are_padded() -> None:
    assert person("Ada", "", "ada@acme.com").email == "ada@acme.com"


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("Ada Lovelace", "Ada", "Lovelace"),
        ("Mary Ann  Evans", "Mary Ann", "Evans"),
        ("Lovelace, Ada", "Ada", "Lovelace"),
        ("Cher", "Cher", ""),
    ],
)
def test_split_full_name(name: str, first: str, last: str) -> None:
    assert split_full_name(name) == (first, last)


def test_parse_table_uses_spreadsheet_row_numbers() -> None:
    table = read_csv(b"Name,Phone\nAda,4045550100\n\nBob,555\n")
    results = parse_table(table, guess_mapping(table.headers), "US")
    assert isinstance(results[0], ImportedPerson)
    assert (results[0].first_name, results[0].row_number) == ("Ada", 2)
    assert isinstance(results[1], RowProblem)
    assert results[1].row_number == 4


def test_excel_trick_as_excel_writes_it_in_a_csv() -> None:
    table = read_csv(b'Name,Phone\r\nAda,"=""+1 404 555 0100"""\r\n')
    (result,) = parse_table(table, guess_mapping(table.headers), "US")
    assert isinstance(result, ImportedPerson)
    assert result.phones[0].e164 == "+14045550100"


def test_lazy_parsing_keeps_order_and_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    from dialer_app.domain import csv_import

    lines = ["Name,Email,Phone", '"Broken,b@example.com,(404) 555-0100']
    for index in range(40):
        phone = "555" if index % 7 == 0 else f"(404) 555-{index:04d}"  # every 7th is bad
        lines.append(f"Person {index},p{index}@example.com,{phone}")
    table = read_csv("\n".join(lines).encode())
    monkeypatch.setattr(csv_import, "CHUNK_ROWS", 6)
    mapping = guess_mapping(table.headers)
    lazily = list(csv_import.iter_parsed(table, mapping, "US"))
    assert lazily == parse_table(table, mapping, "US")
    assert [r.row_number for r in lazily] == list(range(2, 43))
    assert sum(isinstance(r, RowProblem) for r in lazily) == 7  # the unclosed quote too


def test_an_unclosed_quote_loses_only_its_own_row() -> None:
    table = read_csv(b'Name,Phone\n"Bob,4045550101\nCarl,4045550102\nDan,"4045550103\n')
    assert table.rows == (("Bob,4045550101",), ("Carl", "4045550102"), ("Dan", "4045550103\n"))
    assert table.malformed == frozenset({0})
    bob, carl, dan = parse_table(table, guess_mapping(table.headers), "US")
    assert bob == RowProblem(2, UNCLOSED_QUOTE, ("Bob,4045550101",))
    assert isinstance(carl, ImportedPerson)
    assert isinstance(dan, ImportedPerson)  # on the last line the quote swallowed nothing
    assert dan.phones[0].e164 == "+14045550103"


def test_a_problems_file_imports_again_without_its_problem_column() -> None:
    assert guess_mapping(["Name", "Phone", PROBLEM_COLUMN]) == {
        0: Target.FULL_NAME,
        1: Target.PHONE,
    }
    assert guess_mapping([PROBLEM_COLUMN, "Name"]) == {0: Target.CUSTOM, 1: Target.FULL_NAME}


def test_repeated_custom_headers_keep_every_value() -> None:
    table = read_csv(b"Name,Email,Notes,notes,,\nAda,ada@example.com,first,second,third,\n")
    (ada,) = parse_table(table, guess_mapping(table.headers), "US")
    assert isinstance(ada, ImportedPerson)
    assert ada.custom == {"Notes": "first", "notes (2)": "second", "column 5": "third"}


def test_an_extension_column_belongs_to_the_first_office_number() -> None:
    text = b"Name,Work Phone,Direct Phone,Ext\nAda,(404) 555-0100,(404) 555-0101,204\n"
    table = read_csv(text)
    mapping = guess_mapping(table.headers)
    (ada,) = parse_table(table, mapping, "US")
    assert isinstance(ada, ImportedPerson)
    assert [(p.e164, p.extension) for p in ada.phones] == [
        ("+14045550100", "204"),
        ("+14045550101", None),
    ]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["Vorname", "Nachname", "Firma", "Telefon", "Durchwahl", "Handy", "E-Mail", "Stadt"],
            [
                Target.FIRST_NAME,
                Target.LAST_NAME,
                Target.ACCOUNT,
                Target.PHONE,
                Target.EXTENSION,
                Target.MOBILE,
                Target.EMAIL,
                Target.CITY,
            ],
        ),
        (
            ["Prénom", "Nom", "Société", "Téléphone", "Portable", "Courriel", "Pays"],
            [
                Target.FIRST_NAME,
                Target.LAST_NAME,
                Target.ACCOUNT,
                Target.PHONE,
                Target.MOBILE,
                Target.EMAIL,
                Target.COUNTRY,
            ],
        ),
        (
            ["Nombre", "Apellidos", "Empresa", "Teléfono", "Móvil", "Correo electrónico"],
            [
                Target.FIRST_NAME,
                Target.LAST_NAME,
                Target.ACCOUNT,
                Target.PHONE,
                Target.MOBILE,
                Target.EMAIL,
            ],
        ),
    ],
)
def test_german_french_and_spanish_headers_are_guessed(
    headers: list[str], expected: list[Target]
) -> None:
    assert guess_mapping(headers) == dict(enumerate(expected))
