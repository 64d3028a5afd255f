"""Reading roster and score files: encoding, delimiter, header mapping and the file's date order.

:func:`read_table` turns the bytes of a CSV file into a :class:`Table` of raw text rows keyed by field name.
The table also carries what an import preview shows: the encoding and delimiter used, which column feeds
which field, the columns left out, the date order and its reason, the blank rows skipped, and problems
of the whole file.
Checking the values of each row is the job of :mod:`.roster` and :mod:`.scorefile`.

A file that cannot be read at all raises :class:`UnreadableFile`; nothing is returned partially.
"""

from __future__ import annotations

import codecs
import csv
import enum
import io
import itertools
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from nwrc_desktop.domain.dates import DateOrder, DateOrderDecision, DateOrderSource, decide_date_order
from nwrc_desktop.domain.names import search_key

# NOTE: a guessed bound that keeps a wrongly chosen file from filling memory. Site rosters are far smaller.
MAX_FILE_BYTES = 50 * 1024 * 1024

DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
# Display names of the codecs that detection can choose.
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with byte-order mark",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
}

# How many records the delimiter detection looks at.
_DETECTION_RECORDS = 50
_DETECTION_CHARS = 256 * 1024


class UnreadableFile(Exception):
    """Error for a file that cannot be read as a roster or score list, with the reason and the fix."""


class Severity(enum.StrEnum):
    """Effect of a problem on its row."""

    ERROR = "error"  # the row is rejected
    WARNING = "warning"  # the row is imported with the change the message describes
    DUPLICATE = "duplicate"  # the row may repeat a known learner or score, so a person decides


class ProblemCode(enum.StrEnum):
    """Machine-readable reason of a problem, for tests and for grouping in the preview."""

    MISSING = "missing"
    INVALID = "invalid"
    TOO_LONG = "too_long"
    CONTROL_CHARACTER = "control_character"
    UNPRINTABLE = "unprintable"
    NO_LETTER = "no_letter"
    ONE_PART_NAME = "one_part_name"
    NUMBER_FORMATTED_ID = "number_formatted_id"
    INVALID_EMAIL = "invalid_email"
    EMAIL_DROPPED = "email_dropped"
    INVALID_DATE = "invalid_date"
    FUTURE_DATE = "future_date"
    DATE_TOO_EARLY = "date_too_early"
    TOO_YOUNG = "too_young"
    UNKNOWN_ASSESSMENT = "unknown_assessment"
    INVALID_RESULT = "invalid_result"
    INVALID_SCALE_SCORE = "invalid_scale_score"
    EXTRA_CELLS = "extra_cells"
    AMBIGUOUS_DATE_ORDER = "ambiguous_date_order"
    DUPLICATE_COLUMN = "duplicate_column"
    DUPLICATE_IN_FILE = "duplicate_in_file"


# Field labels for messages, keyed by the field names of both schemas.
FIELD_LABELS = {
    "external_id": "learner ID",
    "learner_number": "learner number",
    "first_name": "first name",
    "middle_name": "middle name",
    "last_name": "last name",
    "preferred_name": "certificate name",
    "date_of_birth": "date of birth",
    "email": "email",
    "phone": "phone",
    "assessment": "assessment",
    "result": "result",
    "scale_score": "scale score",
    "form": "form",
    "tested_on": "test date",
    "proctor": "proctor",
}


@dataclass(frozen=True)
class Problem:
    """One problem found in a file, a row or a field.

    `row_number` is the file row (the header is row 1, so the first data row is 2), or None for the whole
    file or for a single registration. `field` is a field name such as "date_of_birth", or None when the
    problem concerns the whole row. `value` is the text that caused it, where there is one, and
    `related_row` the earlier row a duplicate matches.
    """

    row_number: int | None
    field: str | None
    severity: Severity
    code: ProblemCode
    message: str
    value: str | None = None
    related_row: int | None = None

    def __str__(self) -> str:
        place = "File" if self.row_number is None else f"Row {self.row_number}"
        if self.field is not None:
            place += f", {FIELD_LABELS.get(self.field, self.field)}"
        return f"{place}: {self.message}"


# Severities from worst to mildest, for summarising a row in one status.
_SEVERITY_RANK = (Severity.ERROR, Severity.DUPLICATE, Severity.WARNING)


def worst_severity(problems: Iterable[Problem]) -> Severity | None:
    """Return the worst severity among `problems` (error, then duplicate, then warning), or None."""
    found = {problem.severity for problem in problems}
    return next((severity for severity in _SEVERITY_RANK if severity in found), None)


@dataclass(frozen=True)
class FieldSpec:
    """A field a file's column can feed, with the header names that map to it.

    `synonyms` are compared after :func:`header_key` folding, so "E-mail" and "EMAIL" both match "email".
    """

    name: str
    label: str
    required: bool
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class TableSchema:
    """The fields of one kind of file.

    `required_any` lists groups of fields of which at least one must be mapped, such as the two ways a
    score file can name its learner. `date_fields` are the fields whose values decide the date order.
    """

    kind: str
    fields: tuple[FieldSpec, ...]
    date_fields: tuple[str, ...]
    required_any: tuple[tuple[str, ...], ...] = ()

    def field_names(self) -> list[str]:
        return [spec.name for spec in self.fields]


def _spec(name: str, required: bool, *synonyms: str) -> FieldSpec:
    return FieldSpec(name, FIELD_LABELS[name], required, tuple(header_key(s) for s in (name, *synonyms)))


def header_key(header: str) -> str:
    """Fold a column header for matching: no case, accents, spaces, punctuation or bracketed hints.

    "Date of Birth (MM/DD/YYYY)" becomes "dateofbirth" and "E-mail" becomes "email".
    """
    without_hint = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", header)
    return "".join(char for char in search_key(without_hint) if char.isalnum())


_LEARNER_ID_SYNONYMS = (
    "id",
    "participant id",
    "learner id",
    "student id",
    "candidate id",
    "examinee id",
    "test taker id",
    "participant number",
    "student number",
    "external id",
)

ROSTER_SCHEMA = TableSchema(
    kind="roster",
    fields=(
        _spec("external_id", False, *_LEARNER_ID_SYNONYMS),
        _spec("first_name", True, "first name", "first", "given name", "given names", "forename"),
        _spec("middle_name", False, "middle name", "middle names", "middle", "middle initial", "mi"),
        _spec("last_name", True, "last name", "last", "surname", "family name"),
        _spec(
            "preferred_name",
            False,
            "preferred name",
            "certificate name",
            "name on certificate",
            "printed name",
        ),
        _spec("date_of_birth", True, "dob", "birth date", "birthdate", "date of birth", "birthday"),
        _spec("email", False, "e-mail", "email address", "e-mail address", "mail"),
        _spec(
            "phone",
            False,
            "phone number",
            "telephone",
            "telephone number",
            "tel",
            "mobile",
            "mobile phone",
            "cell",
            "cell phone",
        ),
    ),
    date_fields=("date_of_birth",),
)

SCORE_SCHEMA = TableSchema(
    kind="scores",
    fields=(
        _spec("external_id", False, *_LEARNER_ID_SYNONYMS),
        _spec("learner_number", False, "learner number", "learner no"),
        _spec("assessment", True, "assessment name", "test", "test name", "exam"),
        _spec("result", True, "level", "achievement level", "outcome", "pass/fail", "result level"),
        _spec("scale_score", False, "scale score", "score", "scaled score"),
        _spec("form", False, "test form", "form id"),
        _spec("tested_on", True, "tested on", "test date", "date tested", "date of test", "date"),
        _spec("proctor", False, "proctor name", "proctored by", "examiner"),
    ),
    date_fields=("tested_on",),
    required_any=(("external_id", "learner_number"),),
)

SCHEMAS = {schema.kind: schema for schema in (ROSTER_SCHEMA, SCORE_SCHEMA)}


@dataclass(frozen=True)
class RawRow:
    """One data row as text.

    `values` contains the cell of each mapped field; a field is absent when the row has fewer cells than
    the header. `extra_cells` are the cells beyond the header's columns, without trailing empty ones.
    `cells` is the whole row as read.
    """

    row_number: int
    values: dict[str, str]
    extra_cells: list[str]
    cells: list[str]


@dataclass
class Table:
    """A file read as text rows, with how it was read.

    `encoding` is a Python codec name ("utf-8", "utf-8-sig" for UTF-8 with a byte-order mark, "utf-16",
    "cp1252" for Windows-1252). `mapping` gives the header text each field is read from, and
    `column_index` its position. `problems` are problems of the whole file (row_number None).
    """

    schema: TableSchema
    encoding: str
    delimiter: str
    header: list[str]
    header_row_number: int
    mapping: dict[str, str]
    column_index: dict[str, int]
    unmapped_headers: list[str]
    date_decision: DateOrderDecision
    rows: list[RawRow]
    blank_rows: list[int]
    problems: list[Problem] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.schema.kind

    @property
    def encoding_name(self) -> str:
        """The encoding for display, such as "Windows-1252"."""
        return ENCODING_NAMES.get(self.encoding, self.encoding)

    @property
    def delimiter_name(self) -> str:
        """The delimiter for display: "comma", "semicolon" or "tab"."""
        return DELIMITER_NAMES[self.delimiter]

    @property
    def date_order(self) -> DateOrder | None:
        return self.date_decision.order

    @property
    def date_order_source(self) -> DateOrderSource:
        return self.date_decision.source

    @property
    def date_order_reason(self) -> str:
        return self.date_decision.reason


def read_table(
    source: str | os.PathLike[str] | bytes,
    *,
    kind: str | TableSchema = "roster",
    encoding: str | None = None,
    delimiter: str | None = None,
    date_order: DateOrder | str | None = None,
    default_date_order: DateOrder | str = DateOrder.MDY,
    mapping: Mapping[str, str | None] | None = None,
) -> Table:
    """Read a roster ("roster") or score list ("scores") from a path or from bytes.

    Encoding, delimiter and date order are detected unless given. `mapping` maps field names to header
    texts and overrides detection for those fields; a field mapped to None is not read at all. Raises
    UnreadableFile when the file cannot be read, and ValueError for a field name the schema lacks.
    """
    schema = SCHEMAS[kind] if isinstance(kind, str) else kind
    data = _load(source)
    text, used_encoding = _decode(data, encoding)
    _check_not_empty(text)
    if delimiter is None:
        delimiter = _detect_delimiter(text)
    elif delimiter not in DELIMITERS:
        raise ValueError(f"unsupported delimiter {delimiter!r}; use one of: comma, semicolon, tab")

    records = _parse_records(text, delimiter)
    header_row_number, header, column_index, problems = _find_mapped_header(schema, records, mapping or {})

    rows: list[RawRow] = []
    blank_rows: list[int] = []
    for row_number, cells in records:
        if row_number <= header_row_number:
            continue
        if not any(cell.strip() for cell in cells):
            blank_rows.append(row_number)
            continue
        values = {name: cells[index] for name, index in column_index.items() if index < len(cells)}
        extra_cells = cells[len(header) :]
        while extra_cells and not extra_cells[-1].strip():
            extra_cells.pop()
        rows.append(RawRow(row_number, values, extra_cells, cells))

    date_values = [
        (row.row_number, row.values[name])
        for row in rows
        for name in schema.date_fields
        if name in row.values
    ]
    decision = decide_date_order(
        date_values,
        given=DateOrder(date_order) if date_order is not None else None,
        default=DateOrder(default_date_order),
    )
    if decision.source is DateOrderSource.AMBIGUOUS:
        problems.append(
            Problem(
                None,
                schema.date_fields[0],
                Severity.ERROR,
                ProblemCode.AMBIGUOUS_DATE_ORDER,
                decision.reason,
            )
        )

    mapped_indexes = set(column_index.values())
    return Table(
        schema=schema,
        encoding=used_encoding,
        delimiter=delimiter,
        header=header,
        header_row_number=header_row_number,
        mapping={name: header[index] for name, index in column_index.items()},
        column_index=column_index,
        unmapped_headers=[name for index, name in enumerate(header) if index not in mapped_indexes and name],
        date_decision=decision,
        rows=rows,
        blank_rows=blank_rows,
        problems=problems,
    )


def _load(source: str | os.PathLike[str] | bytes) -> bytes:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        try:
            size = os.stat(source).st_size
            if size > MAX_FILE_BYTES:
                raise UnreadableFile(
                    f"{os.fspath(source)} is {size // (1024 * 1024)} MB, more than the maximum of "
                    f"{MAX_FILE_BYTES // (1024 * 1024)} MB for a roster or score file; "
                    "split it into smaller files"
                )
            with open(source, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise UnreadableFile(f"cannot open {os.fspath(source)}: {error.strerror or error}") from error
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(
            f"the file is larger than the maximum of {MAX_FILE_BYTES // (1024 * 1024)} MB; "
            "split it into smaller files"
        )
    return data


def _check_not_empty(text: str) -> None:
    if not text.strip():
        raise UnreadableFile("the file is empty; export it again with a header row and data rows")


# Signatures of files that people pick by mistake instead of a CSV export.
_BINARY_SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls) or another Office file"),
    (b"%PDF", "a PDF document"),
)
_SAVE_AS_CSV = 'open it in the spreadsheet program and save it as "CSV UTF-8" or "CSV (comma delimited)"'


def _decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """Return the text and the codec used: a given one, else by byte-order mark, UTF-8, Windows-1252."""
    for signature, description in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise UnreadableFile(f"the file is {description}, not a CSV file; {_SAVE_AS_CSV}")

    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError as error:
            raise UnreadableFile(f"unknown text encoding {encoding!r}") from error
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as error:
            raise UnreadableFile(
                f"the file is not valid {encoding} text (byte {error.start}); choose another encoding "
                "or let the encoding be detected"
            ) from error
        return _check_text(text.removeprefix("\ufeff")), codec

    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif b"\x00" in data:
        raise UnreadableFile(f"the file contains binary data, so it is not a CSV text file; {_SAVE_AS_CSV}")
    else:
        candidates = ["utf-8", "cp1252"]

    for codec in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "cp1252":
            _reject_mixed_encodings(data)
        return _check_text(text), codec
    raise UnreadableFile(
        'the file is neither UTF-8 nor Windows-1252 text; save it as "CSV UTF-8" in the spreadsheet program'
    )


def _reject_mixed_encodings(data: bytes) -> None:
    """Raise UnreadableFile when some lines are UTF-8 with accented letters and others are not UTF-8.

    Such a file was pasted together from two exports; reading it all as Windows-1252 would store
    "SiobhÃ¡n" for "Siobhán" without a warning.
    """
    utf8_line = legacy_line = None
    for number, line in enumerate(data.splitlines(), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            legacy_line = legacy_line or number
        else:
            utf8_line = utf8_line or number
        if utf8_line and legacy_line:
            raise UnreadableFile(
                f"the file mixes two text encodings: line {utf8_line} is UTF-8 but line {legacy_line} is not, "
                'so accented letters would be read wrongly; save the whole file again as "CSV UTF-8"'
            )


def _check_text(text: str) -> str:
    """Reject text whose many control characters show binary content read as text."""
    controls = sum(1 for char in text if char < " " and char not in "\t\r\n")
    # A stray control character in a cell is a row problem, but more than 1 in 100 characters is not text.
    if controls > len(text) / 100:
        raise UnreadableFile(f"the file contains binary data, so it is not a CSV text file; {_SAVE_AS_CSV}")
    return text


def _detect_delimiter(text: str) -> str:
    """Choose the delimiter that splits the header into the most columns that the next rows repeat."""
    sample = text[:_DETECTION_CHARS]
    best: tuple[int, int] = (0, 0)
    chosen = ","
    for candidate in DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=candidate)
        try:
            records = [cells for cells in itertools.islice(reader, _DETECTION_RECORDS) if any(cells)]
        except csv.Error:
            continue
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        score = (sum(1 for cells in records if len(cells) == width), width)
        if score > best:
            best, chosen = score, candidate
    return chosen


def _parse_records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Split the text into (row number, cells) records, where a blank line is a record with no cells."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    row_number = 0
    try:
        for cells in reader:
            row_number += 1
            records.append((row_number, cells))
    except csv.Error as error:
        raise UnreadableFile(
            f"the file is not valid CSV near line {reader.line_num} ({error}); a quotation mark is probably "
            "missing or misplaced there, so fix that line and read the file again"
        ) from error
    return records


# A spreadsheet export may put a title and a date above the column headers; this many lines are tried.
MAX_TITLE_ROWS = 3


def _find_mapped_header(
    schema: TableSchema, records: list[tuple[int, list[str]]], mapping: Mapping[str, str | None]
) -> tuple[int, list[str], dict[str, int], list[Problem]]:
    """Return the header row, its cells, the column of each field and the file's problems.

    The first non-blank line is the header unless its columns cannot be mapped and one of the next
    lines' can: then the lines above are title lines, skipped with a warning.
    """
    non_blank = [(number, cells) for number, cells in records if any(cell.strip() for cell in cells)]
    if not non_blank:
        raise UnreadableFile("the file has no header row and no data; export the roster again with column headers")
    first_error: UnreadableFile | None = None
    for skipped, (row_number, cells) in enumerate(non_blank[: MAX_TITLE_ROWS + 1]):
        header = [" ".join(cell.split()) for cell in cells]
        problems: list[Problem] = []
        try:
            column_index = _map_columns(schema, header, mapping, problems)
        except UnreadableFile as error:
            first_error = first_error or error
            continue
        if skipped:
            problems.insert(0, Problem(
                None, None, Severity.WARNING, ProblemCode.INVALID,
                f"the first {skipped} non-blank lines are not column headers and were skipped as a title; "
                f"the headers are on line {row_number}",
            ))
        return row_number, header, column_index, problems
    assert first_error is not None, "every candidate header either maps or raises"
    raise first_error


def _map_columns(
    schema: TableSchema,
    header: list[str],
    mapping: Mapping[str, str | None],
    problems: list[Problem],
) -> dict[str, int]:
    """Return the column index of each field: explicit choices first, then detection by header name."""
    known = schema.field_names()
    column_index: dict[str, int] = {}
    for name, header_text in mapping.items():
        if name not in known:
            raise ValueError(f"unknown field {name!r} for a {schema.kind} file; fields: {', '.join(known)}")
        if header_text is None:
            continue
        index = _find_column(header, header_text)
        if index is None:
            raise UnreadableFile(
                f"the chosen column {header_text!r} for {FIELD_LABELS[name]} is not in the file; "
                f"columns found: {_list_headers(header)}"
            )
        if index in column_index.values():
            other = next(field for field, used in column_index.items() if used == index)
            raise UnreadableFile(
                f"column {header_text!r} is chosen for both {FIELD_LABELS[other]} and {FIELD_LABELS[name]}; "
                "choose one column per field"
            )
        column_index[name] = index

    for index, header_text in enumerate(header):
        if index in column_index.values():
            continue
        key = header_key(header_text)
        spec = next((spec for spec in schema.fields if key and key in spec.synonyms), None)
        if spec is None or spec.name in mapping:
            continue
        if spec.name in column_index:
            first = header[column_index[spec.name]]
            problems.append(
                Problem(
                    None,
                    spec.name,
                    Severity.WARNING,
                    ProblemCode.DUPLICATE_COLUMN,
                    f"columns {first!r} and {header_text!r} both look like {spec.label}; only {first!r} is "
                    "read, so choose the column explicitly if that is wrong",
                    value=header_text,
                )
            )
            continue
        column_index[spec.name] = index

    missing = [spec.label for spec in schema.fields if spec.required and spec.name not in column_index]
    for group in schema.required_any:
        if not any(name in column_index for name in group):
            missing.append(" or ".join(FIELD_LABELS[name] for name in group))
    if missing:
        raise UnreadableFile(
            f"the file has no column for {', '.join(missing)}; columns found: {_list_headers(header)}. "
            "Rename the column headers or choose the columns explicitly"
        )
    return column_index


def _find_column(header: list[str], header_text: str) -> int | None:
    requested = " ".join(header_text.split())
    if requested in header:
        return header.index(requested)
    key = header_key(requested)
    for index, name in enumerate(header):
        if key and header_key(name) == key:
            return index
    return None


def _list_headers(header: list[str]) -> str:
    return ", ".join(repr(name) for name in header if name) or "none"
