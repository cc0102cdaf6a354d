"""Read a people CSV from any CRM or spreadsheet export and turn rows into people to import.

Pure Python (no database): the GUI wizard and ``dialer-app import`` share it. Exports
differ in encoding (UTF-8 with or without BOM, Excel's Windows-1252), separator (``,``
``;`` or tab) and header names, so each is guessed here; a bad row becomes a
:class:`RowProblem` the rep can fix, never an exception.
"""

from __future__ import annotations

import codecs
import csv
import enum
import functools
import io
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from dialer_app.domain.gc_pause import no_cyclic_gc
from dialer_app.domain.phone import PhoneNumberError, clean_pasted_text, digits_only, to_e164

_DELIMITERS = (",", ";", "\t")
_SNIFF_BYTES = 64 * 1024
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CsvError(ValueError):
    """The file cannot be read as a table; ``str(error)`` says why, for the rep."""


@dataclass(frozen=True)
class CsvTable:
    """The decoded file: headers, data rows (blank ones dropped) and what was guessed."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    encoding: str
    delimiter: str
    row_numbers: tuple[int, ...] = ()
    """Spreadsheet row number of each row (the header is row 1), as the rep sees it."""
    malformed: frozenset[int] = frozenset()
    """Indexes of rows with a quote never closed: split up to the line end, never imported."""

    def row_number(self, index: int) -> int:
        return self.row_numbers[index] if self.row_numbers else index + 2


class Target(enum.StrEnum):
    """What a column holds; CUSTOM keeps any other column as a named value."""

    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    FULL_NAME = "full_name"
    TITLE = "title"
    EMAIL = "email"
    ACCOUNT = "account"
    PHONE = "phone"
    MOBILE = "mobile"
    HOME = "home"
    EXTENSION = "extension"
    TIME_ZONE = "time_zone"
    CITY = "city"
    STATE = "state"
    COUNTRY = "country"
    CRM_ID = "crm_id"
    CUSTOM = "custom"


PHONE_TARGETS = frozenset({Target.PHONE, Target.MOBILE, Target.HOME})
"""Targets a file may have several columns of (Phone, Phone 2, ...)."""
USEFUL_TARGETS = PHONE_TARGETS | {
    Target.FIRST_NAME,
    Target.LAST_NAME,
    Target.FULL_NAME,
    Target.EMAIL,
}
"""A file needs a column for one of these (names, emails, phones), or no row can import."""
PROBLEM_COLUMN = "problem"
"""The last column of a problems file (why the row failed): not imported when re-imported."""
UNCLOSED_QUOTE = (
    'has a quote (") that is never closed, so its columns could not be told apart: '
    "fix the quotes and import it again."
)


@dataclass(frozen=True, slots=True)  # slots: made 200,000 times by a 100k-row import
class ImportedPhone:
    kind: str
    """``office``, ``mobile`` or ``home`` (the values of db.models.PhoneKind)."""
    e164: str
    extension: str | None
    original: str


@dataclass(frozen=True, slots=True)
class ImportedPerson:
    """One valid row, normalised; empty optional fields are None."""

    row_number: int
    first_name: str
    last_name: str
    email: str | None = None
    title: str | None = None
    account: str | None = None
    phones: tuple[ImportedPhone, ...] = ()
    time_zone: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    crm_id: str | None = None
    custom: dict[str, str] = field(default_factory=dict)
    """Columns with no place in the database yet, by header."""


@dataclass(frozen=True)
class RowProblem:
    """A row that cannot be imported; ``values`` are its original cells, to write back."""

    row_number: int
    message: str
    values: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.message}"


# ----------------------------------------------------------------------------- reading


def read_csv(data: bytes) -> CsvTable:
    """Decode and split a CSV export; raise CsvError when it is empty or not text."""
    with no_cyclic_gc():  # a row is a list, then a tuple: 200,000 objects per 100,000 rows
        return _read_csv(data)


def _read_csv(data: bytes) -> CsvTable:
    text, encoding = _decode(data)
    if "\x00" in text:
        raise CsvError("This is not a CSV file (it contains binary data).")
    if not text.strip():
        raise CsvError("The file is empty.")
    delimiter = _guess_delimiter(text[:_SNIFF_BYTES])
    try:
        records = _split_records(text, delimiter)
    except csv.Error as exc:
        raise CsvError(f"The file is not a valid CSV table: {exc}.") from exc
    header, rows, numbers, malformed = _number_rows(records)
    if header is None:
        raise CsvError("The file is empty.")
    return CsvTable(
        headers=tuple(cell.strip() for cell in header),
        rows=tuple(rows),
        encoding=encoding,
        delimiter=delimiter,
        row_numbers=tuple(numbers),
        malformed=frozenset(malformed),
    )


def _number_rows(
    records: list[tuple[list[str], bool]],
) -> tuple[list[str] | None, list[tuple[str, ...]], list[int], list[int]]:
    """The header, the data rows, their spreadsheet row numbers and the indexes of the
    malformed ones, blank records dropped: one pass (a 100,000-row file took four)."""
    header: list[str] | None = None
    rows: list[tuple[str, ...]] = []
    numbers: list[int] = []
    malformed: list[int] = []
    for number, (cells, broken) in enumerate(records, start=1):
        if not "".join(cells).strip():  # every cell blank (one C call, not one per cell)
            continue
        if header is None:
            header = cells
            continue
        if broken:
            malformed.append(len(rows))
        rows.append(tuple(cells))
        numbers.append(number)
    return header, rows, numbers, malformed


def _split_records(text: str, delimiter: str) -> list[tuple[list[str], bool]]:
    """CSV records, each flagged True when it is a line with a quote never closed.

    The csv module lets such a quote swallow every following line into one cell (the
    rest of the file would be lost). A record that spans several lines but has not as
    many cells as the header is taken for that: its first line alone becomes the record,
    flagged, and reading starts again on the next line. A file where no record spans
    lines (most) is read in one pass of the csv module.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    whole = list(reader)
    if reader.line_num == len(whole):  # one line per record: no quote left open
        return [(cells, False) for cells in whole]
    lines = list(io.StringIO(text, newline=""))
    records: list[tuple[list[str], bool]] = []
    width: int | None = None
    start = 0
    while start < len(lines):
        reader = csv.reader(lines[start:], delimiter=delimiter)
        read = 0
        for cells in reader:
            first, spanned, read = start + read, reader.line_num - read, reader.line_num
            if width is None and any(cell.strip() for cell in cells):
                width = len(cells)
            elif spanned > 1 and len(cells) != width:
                line = lines[first].rstrip("\r\n")
                records.append((next(csv.reader([line], delimiter=delimiter)), True))
                start = first + 1
                break
            records.append((cells, False))
        else:
            break
    return records


def _decode(data: bytes) -> tuple[str, str]:
    # Excel's "CSV UTF-8" writes a BOM, plain "CSV" writes Windows-1252, "Unicode text"
    # writes UTF-16; everything else is UTF-8 without BOM.
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise CsvError("The file says it is UTF-16 but is not.") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps every byte, so it always works.
        return data.decode("latin-1"), "latin-1"


def _guess_delimiter(sample: str) -> str:
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS))
    except csv.Error:
        dialect = None
    if dialect is not None and dialect.delimiter in _DELIMITERS:
        return dialect.delimiter
    # The Sniffer gives up on short or irregular files: count separators in the header,
    # ignoring anything inside quotes.
    first_line = _first_record(sample)
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _first_record(sample: str) -> str:
    out: list[str] = []
    quoted = False
    for ch in sample:
        if ch == '"':
            quoted = not quoted
        elif ch in "\r\n" and not quoted:
            break
        elif not quoted:
            out.append(ch)
    return "".join(out)


# ----------------------------------------------------------------------------- mapping

_ALIASES: dict[Target, tuple[str, ...]] = {
    Target.FIRST_NAME: ("first name", "firstname", "first", "given name", "forename", "fname"),
    Target.LAST_NAME: (
        "last name",
        "lastname",
        "last",
        "surname",
        "family name",
        "lname",
    ),
    Target.FULL_NAME: ("name", "full name", "fullname", "contact", "contact name", "person"),
    Target.TITLE: ("title", "job title", "position", "role", "job", "job role"),
    Target.EMAIL: (
        "email",
        "e mail",
        "email address",
        "e mail address",
        "work email",
        "business email",
        "mail",
        "email 1",
        "e mail 1 value",
        "email 1 value",
    ),
    Target.ACCOUNT: (
        "company",
        "company name",
        "account",
        "account name",
        "organization",
        "organisation",
        "organization name",
        "organization 1 name",
        "employer",
        "business",
    ),
    Target.PHONE: (
        "phone",
        "phone number",
        "work phone",
        "office phone",
        "business phone",
        "business phone 2",
        "direct phone",
        "direct dial",
        "direct line",
        "telephone",
        "tel",
        "work",
        "office",
        "phone 1 value",
        "company phone",
        "main phone",
    ),
    Target.MOBILE: (
        "mobile",
        "mobile phone",
        "mobile number",
        "mobile phone number",
        "cell",
        "cell phone",
        "cellphone",
        "cell number",
        "phone 2 value",
    ),
    Target.HOME: ("home phone", "home", "home number", "home telephone", "personal phone"),
    Target.EXTENSION: (
        "ext",
        "extension",
        "phone extension",
        "work extension",
        "office extension",
        "phone ext",
        "work phone ext",
    ),
    Target.TIME_ZONE: ("time zone", "timezone", "tz", "zone"),
    Target.CITY: ("city", "town", "mailing city", "billing city", "locality"),
    Target.STATE: (
        "state",
        "province",
        "region",
        "county",
        "state province",
        "mailing state province",
        "mailing state",
        "billing state province",
        "state region",
    ),
    Target.COUNTRY: (
        "country",
        "mailing country",
        "billing country",
        "country region",
        "nation",
    ),
    Target.CRM_ID: (
        "crm id",
        "crmid",
        "salesforce id",
        "sfdc id",
        "contact id",
        "lead id",
        "record id",
        "hubspot id",
        "external id",
        "id",
    ),
}
# Exports from German, French and Spanish CRMs and spreadsheets (accents folded)
_FOREIGN_ALIASES: dict[Target, tuple[str, ...]] = {
    Target.FIRST_NAME: ("vorname", "prenom", "nombre"),
    Target.LAST_NAME: (
        "nachname",
        "familienname",
        "nom",
        "nom de famille",
        "apellido",
        "apellidos",
    ),
    Target.FULL_NAME: ("name des kontakts", "nom complet", "nombre completo"),
    Target.TITLE: (
        "titel",
        "berufsbezeichnung",
        "funktion",
        "fonction",
        "poste occupe",
        "cargo",
        "puesto",
    ),
    Target.EMAIL: ("e mail adresse", "courriel", "adresse e mail", "correo", "correo electronico"),
    Target.ACCOUNT: (
        "firma",
        "unternehmen",
        "firmenname",
        "societe",
        "entreprise",
        "empresa",
        "compania",
    ),
    Target.PHONE: (
        "telefon",
        "telefonnummer",
        "telefon geschaftlich",
        "telephone",
        "telephone professionnel",
        "telefono",
        "telefono trabajo",
    ),
    Target.MOBILE: (
        "mobil",
        "mobiltelefon",
        "handy",
        "handynummer",
        "portable",
        "telephone portable",
        "movil",
        "celular",
        "telefono movil",
    ),
    Target.HOME: ("telefon privat", "telephone domicile", "telefono casa"),
    Target.EXTENSION: ("durchwahl", "nebenstelle", "poste", "extension telefonica"),
    Target.TIME_ZONE: ("zeitzone", "fuseau horaire", "zona horaria"),
    Target.CITY: ("stadt", "ort", "ville", "ciudad"),
    Target.STATE: ("bundesland", "departement", "provincia", "estado"),
    Target.COUNTRY: ("land", "pays", "pais"),
}
_BY_ALIAS = {
    alias: target
    for table in (_ALIASES, _FOREIGN_ALIASES)
    for target, aliases in table.items()
    for alias in aliases
}


def _normalise_header(header: str) -> str:
    """Lower case, accents folded ("Prénom" -> "prenom"), anything else a single space."""
    folded = unicodedata.normalize("NFKD", header.lower().replace("ß", "ss"))
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", ascii_only).split())


def _guess_one(header: str) -> Target:
    key = _normalise_header(header)
    if key in _BY_ALIAS:
        return _BY_ALIAS[key]
    words = set(key.split())
    # Fallbacks for the many spellings of the same idea ("Phone (Work)", "Cell #").
    if words & {"ext", "extension"}:
        return Target.EXTENSION
    if words & {"mobile", "cell", "cellphone"}:
        return Target.MOBILE
    if words & {"phone", "telephone", "tel"}:
        return Target.HOME if "home" in words else Target.PHONE
    if words & {"email", "mail"} or "e mail" in key:
        return Target.EMAIL
    return Target.CUSTOM


def guess_mapping(headers: Sequence[str]) -> dict[int, Target]:
    """Column index -> Target from header names; each field once, phones as often as given.

    A column left out of the mapping is not imported (a problems file's last column).
    """
    mapping: dict[int, Target] = {}
    taken: set[Target] = set()
    for index, header in enumerate(headers):
        if index == len(headers) - 1 and index and header == PROBLEM_COLUMN:
            break  # a problems file being imported again after the rep fixed it
        target = _guess_one(header)
        if target in taken and target not in PHONE_TARGETS and target is not Target.CUSTOM:
            target = Target.CUSTOM
        taken.add(target)
        mapping[index] = target
    return mapping


# ----------------------------------------------------------------------------- rows


def parse_row(
    row: Sequence[str],
    mapping: Mapping[int, Target],
    region: str,
    *,
    row_number: int = 0,
    headers: Sequence[str] = (),
) -> ImportedPerson | RowProblem:
    """Validate and normalise one row; every failure is a RowProblem naming the row."""
    return _parse_row(row, _columns(mapping, headers), region, row_number)


_Columns = tuple[tuple[int, Target, str], ...]
"""(column index, target, custom field name or "") in column order: a mapping worked out
once per file, not once per row."""


def _columns(mapping: Mapping[int, Target], headers: Sequence[str]) -> _Columns:
    return tuple(
        (index, target, custom_field_name(headers, index) if target is Target.CUSTOM else "")
        for index, target in sorted(mapping.items())
    )


def _parse_row(
    row: Sequence[str], columns: _Columns, region: str, row_number: int
) -> ImportedPerson | RowProblem:
    cells = _collect(row, columns)
    fields = cells.fields
    first, last = fields.get(Target.FIRST_NAME, ""), fields.get(Target.LAST_NAME, "")
    if not first and not last and Target.FULL_NAME in fields:
        first, last = split_full_name(fields[Target.FULL_NAME])
    try:
        email = _email(fields.get(Target.EMAIL))
        phones = _phones(cells.phones, fields.get(Target.EXTENSION), region)
    except _Invalid as exc:
        return RowProblem(row_number, str(exc), tuple(row))
    if not (first or last or email):
        message = "has no name and no email: add at least one of them."
        return RowProblem(row_number, message, tuple(row))
    if not (phones or email):
        message = "has no phone number and no email: add at least one of them."
        return RowProblem(row_number, message, tuple(row))
    return ImportedPerson(
        row_number=row_number,
        first_name=first,
        last_name=last,
        email=email,
        title=fields.get(Target.TITLE),
        account=fields.get(Target.ACCOUNT),
        phones=phones,
        time_zone=fields.get(Target.TIME_ZONE),
        city=fields.get(Target.CITY),
        state=fields.get(Target.STATE),
        country=fields.get(Target.COUNTRY),
        crm_id=fields.get(Target.CRM_ID),
        custom=cells.custom,
    )


class _Invalid(ValueError):
    pass


@dataclass
class _Cells:
    fields: dict[Target, str] = field(default_factory=dict)
    phones: list[tuple[Target, str]] = field(default_factory=list)
    custom: dict[str, str] = field(default_factory=dict)


def _collect(row: Sequence[str], columns: _Columns) -> _Cells:
    """Non-empty cells by target, Excel's ``="..."`` wrapper removed."""
    cells = _Cells()
    width = len(row)
    for index, target, custom_name in columns:
        if index >= width:
            continue
        cell = row[index].strip()
        if not cell:
            continue
        if cell[0] == "=" or "\u00a0" in cell or cell.find(":", 0, 8) >= 0:
            cell = clean_pasted_text(cell)  # the rare cell it changes (a call per cell costs)
            if not cell:
                continue
        if target in PHONE_TARGETS:
            cells.phones.append((target, cell))
        elif custom_name:
            cells.custom[custom_name] = cell
        else:
            cells.fields.setdefault(target, cell)
    return cells


def custom_field_name(headers: Sequence[str], index: int) -> str:
    """The custom field a column fills: its header, numbered when the header repeats
    ("Notes", "Notes (2)"), so two columns of the same name both keep their values."""
    names = _custom_field_names(tuple(headers))
    return names[index] if index < len(names) else f"column {index + 1}"


@functools.lru_cache(maxsize=8)
def _custom_field_names(headers: tuple[str, ...]) -> tuple[str, ...]:
    """Every column's custom field name, worked out once per file (wide exports repeat
    this for every cell of every row)."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(headers):
        header = raw.strip()
        if not header:
            names.append(f"column {index + 1}")
            continue
        same = seen.get(header.lower(), 0)
        seen[header.lower()] = same + 1
        names.append(f"{header} ({same + 1})" if same else header)
    return tuple(names)


def _email(cell: str | None) -> str | None:
    if cell is None:
        return None
    email = cell.removeprefix("mailto:").strip()
    if not _EMAIL_RE.match(email):
        raise _Invalid(f"“{email}” is not an email address.")
    return email


def _phones(
    cells: Sequence[tuple[Target, str]], extension_cell: str | None, region: str
) -> tuple[ImportedPhone, ...]:
    extension_column = (digits_only(extension_cell) or None) if extension_cell else None
    if extension_cell and not extension_column:
        raise _Invalid(f"“{extension_cell}” is not an extension: use digits only.")
    phones: list[ImportedPhone] = []
    seen: set[str] = set()
    for target, cell in cells:
        try:
            e164, extension = to_e164(cell, region)
        except PhoneNumberError as exc:
            raise _Invalid(str(exc)) from exc
        if e164 in seen:
            continue
        seen.add(e164)
        if target is Target.PHONE and extension_column and not extension:
            extension = extension_column  # the file's one extension: its first office number
            extension_column = None
        phones.append(ImportedPhone(_KIND[target], e164, extension, cell[:64]))
    return tuple(phones)


_KIND = {Target.PHONE: "office", Target.MOBILE: "mobile", Target.HOME: "home"}


def parse_table(
    table: CsvTable, mapping: Mapping[int, Target], region: str
) -> list[ImportedPerson | RowProblem]:
    """Every data row of the table, parsed, with spreadsheet row numbers."""
    return _parse_chunk(table, mapping, region, 0, len(table.rows))


CHUNK_ROWS = 2_000


def iter_parsed(
    table: CsvTable, mapping: Mapping[int, Target], region: str
) -> Iterator[ImportedPerson | RowProblem]:
    """Like :func:`parse_table`, lazily, a chunk at a time, so an import writes as it
    parses and a cancelled one stops parsing too. (Parsing on other processes or a
    thread was measured: sending rows back, or sharing the GIL, cost what it saved.)"""
    total = len(table.rows)
    for start in range(0, total, CHUNK_ROWS):
        yield from _parse_chunk(table, mapping, region, start, min(total, start + CHUNK_ROWS))


def _parse_chunk(
    table: CsvTable, mapping: Mapping[int, Target], region: str, start: int, stop: int
) -> list[ImportedPerson | RowProblem]:
    columns = _columns(mapping, table.headers)
    return [
        RowProblem(table.row_number(index), UNCLOSED_QUOTE, table.rows[index])
        if index in table.malformed
        else _parse_row(table.rows[index], columns, region, table.row_number(index))
        for index in range(start, stop)
    ]


def split_full_name(name: str) -> tuple[str, str]:
    """``'Ada Lovelace'`` -> ``('Ada', 'Lovelace')``; ``'Lovelace, Ada'`` too."""
    name = " ".join(name.split())
    if "," in name:
        last, _, first = name.partition(",")
        return first.strip(), last.strip()
    first, _, last = name.rpartition(" ")
    return (first, last) if first else (last, "")


def is_email_address(text: str) -> bool:
    """The one email shape check (imports and the person profile share it)."""
    return bool(_EMAIL_RE.match(text))
