import pytest

from nwrc_desktop.domain.dates import DateOrder, DateOrderSource
from nwrc_desktop.domain.tabular import (
    ROSTER_SCHEMA,
    Problem,
    ProblemCode,
    Severity,
    UnreadableFile,
    header_key,
    read_table,
    worst_severity,
)

HEADER = "external_id,first_name,middle_name,last_name,date_of_birth,email,phone"


def roster_bytes(*rows: str, header: str = HEADER, newline: str = "\n", encoding: str = "utf-8") -> bytes:
    return newline.join((header, *rows)).encode(encoding)


def test_read_table_from_path(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(roster_bytes("0042,Ann,,Lee,5/19/1958,,"))
    table = read_table(path)
    assert table.kind == "roster"
    assert table.rows[0].values["external_id"] == "0042"


def test_read_table_keeps_leading_zeros():
    table = read_table(roster_bytes("000123,Ann,,Lee,5/19/1958,,", "0099,Bo,,Ng,1/2/1990,,"))
    assert [row.values["external_id"] for row in table.rows] == ["000123", "0099"]


def test_row_numbers_count_header_and_blank_lines():
    table = read_table(roster_bytes("A1,Ann,,Lee,5/19/1958,,", "", ",,,,,,", "  ", "A2,Bo,,Ng,1/2/1990,,"))
    assert [row.row_number for row in table.rows] == [2, 6]
    assert table.blank_rows == [3, 4, 5]
    assert table.header_row_number == 1


def test_utf8_without_bom():
    table = read_table(roster_bytes("A1,Jürgen,,Łukaszewicz,5/19/1958,,"))
    assert table.encoding == "utf-8"
    assert table.rows[0].values["last_name"] == "Łukaszewicz"


def test_utf8_with_bom_and_crlf():
    data = b"\xef\xbb\xbf" + roster_bytes("A1,Ann,,O\u2019Neal,5/19/1958,,", newline="\r\n") + b"\r\n"
    table = read_table(data)
    assert table.encoding == "utf-8-sig"
    assert table.header[0] == "external_id"
    assert table.mapping["external_id"] == "external_id"
    assert table.rows[0].values["last_name"] == "O\u2019Neal"
    assert table.rows[0].values["phone"] == ""


def test_windows_1252_fallback():
    data = roster_bytes("A1,Renée,,O’Neal,5/19/1958,,", encoding="cp1252")
    table = read_table(data)
    assert table.encoding == "cp1252"
    assert table.rows[0].values["first_name"] == "Renée"
    assert table.rows[0].values["last_name"] == "O’Neal"


def test_utf16_with_bom():
    data = roster_bytes("A1,Ann,,Lee,5/19/1958,,", encoding="utf-16")
    table = read_table(data)
    assert table.encoding == "utf-16"
    assert table.rows[0].values["first_name"] == "Ann"


def test_explicit_encoding():
    data = roster_bytes("A1,Ann,,Lee,5/19/1958,,", encoding="latin-1")
    table = read_table(data, encoding="latin-1")
    assert table.encoding == "iso8859-1"


def test_explicit_encoding_that_does_not_fit():
    data = roster_bytes("A1,Renée,,Lee,5/19/1958,,", encoding="cp1252")
    with pytest.raises(UnreadableFile, match="not valid utf-8 text"):
        read_table(data, encoding="utf-8")


def test_unknown_encoding():
    with pytest.raises(UnreadableFile, match="unknown text encoding"):
        read_table(roster_bytes("A1,Ann,,Lee,5/19/1958,,"), encoding="no-such-codec")


def test_undecodable_bytes():
    # 0x81 is undefined in Windows-1252 and invalid alone in UTF-8.
    data = roster_bytes("A1,Ann,,Lee,5/19/1958,,").replace(b"Ann", b"A\x81n")
    with pytest.raises(UnreadableFile, match="neither UTF-8 nor Windows-1252"):
        read_table(data)


def test_semicolon_with_quoted_semicolon():
    header = HEADER.replace(",", ";")
    data = roster_bytes('A1;Ann;;Lee;19.05.1958;"""a; b""@example.org";', header=header)
    table = read_table(data)
    assert table.delimiter == ";"
    assert table.rows[0].values["email"] == '"a; b"@example.org'
    assert table.rows[0].extra_cells == []


def test_tab_delimited():
    data = roster_bytes("A1\tAnn\t\tLee\t5/19/1958\t\t", header=HEADER.replace(",", "\t"))
    table = read_table(data)
    assert table.delimiter == "\t"
    assert table.rows[0].values["last_name"] == "Lee"


def test_comma_with_quoted_comma():
    table = read_table(roster_bytes('A1,Ann,,"Lee, Jr.",5/19/1958,,'))
    assert table.delimiter == ","
    assert table.rows[0].values["last_name"] == "Lee, Jr."


def test_explicit_delimiter():
    table = read_table(roster_bytes("A1,Ann,,Lee,5/19/1958,,"), delimiter=",")
    assert table.delimiter == ","


def test_unsupported_delimiter():
    with pytest.raises(ValueError, match="unsupported delimiter"):
        read_table(roster_bytes("A1,Ann,,Lee,5/19/1958,,"), delimiter="|")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Participant ID", "external_id"),
        ("ID", "external_id"),
        ("Learner ID", "external_id"),
        ("Student ID", "external_id"),
        ("Given Name", "first_name"),
        ("First Name", "first_name"),
        ("FIRST_NAME", "first_name"),
        ("Surname", "last_name"),
        ("Last Name", "last_name"),
        ("Family Name", "last_name"),
        ("Certificate Name", "preferred_name"),
        ("Preferred Name", "preferred_name"),
        ("DOB", "date_of_birth"),
        ("Birth Date", "date_of_birth"),
        ("Date of Birth", "date_of_birth"),
        ("Date of Birth (MM/DD/YYYY)", "date_of_birth"),
        ("E-mail", "email"),
        ("Email Address", "email"),
        ("Phone Number", "phone"),
        ("Middle Initial", "middle_name"),
    ],
)
def test_header_synonyms(header, field):
    spec = next(spec for spec in ROSTER_SCHEMA.fields if spec.name == field)
    assert header_key(header) in spec.synonyms


def test_unmapped_headers_listed():
    header = "Learner ID,First Name,Last Name,DOB,Shoe Size"
    table = read_table(roster_bytes("A1,Ann,Lee,5/19/1958,42", header=header))
    assert table.unmapped_headers == ["Shoe Size"]
    assert "middle_name" not in table.mapping
    assert table.column_index == {"external_id": 0, "first_name": 1, "last_name": 2, "date_of_birth": 3}


def test_explicit_mapping_overrides_detection():
    header = "ID,Given,Family,Born,Name on badge"
    data = roster_bytes("A1,Ann,Lee,5/19/1958,Annie Lee", header=header)
    table = read_table(
        data,
        mapping={
            "first_name": "Given",
            "last_name": "family",
            "date_of_birth": "Born",
            "preferred_name": "Name on badge",
        },
    )
    assert table.mapping["first_name"] == "Given"
    assert table.mapping["last_name"] == "Family"
    assert table.mapping["external_id"] == "ID"
    assert table.rows[0].values["preferred_name"] == "Annie Lee"


def test_explicit_mapping_none_skips_field():
    table = read_table(roster_bytes("A1,Ann,,Lee,5/19/1958,x@example.org,"), mapping={"email": None})
    assert "email" not in table.mapping
    assert "email" in table.unmapped_headers
    assert "email" not in table.rows[0].values


def test_explicit_mapping_to_missing_header():
    with pytest.raises(UnreadableFile, match="'Vorname' for first name is not in the file"):
        read_table(roster_bytes("A1,Ann,,Lee,5/19/1958,,"), mapping={"first_name": "Vorname"})


def test_explicit_mapping_same_column_twice():
    with pytest.raises(UnreadableFile, match="chosen for both"):
        read_table(
            roster_bytes("A1,Ann,,Lee,5/19/1958,,"),
            mapping={"first_name": "first_name", "preferred_name": "first_name"},
        )


def test_explicit_mapping_unknown_field():
    with pytest.raises(ValueError, match="unknown field 'shoe_size'"):
        read_table(roster_bytes("A1,Ann,,Lee,5/19/1958,,"), mapping={"shoe_size": "phone"})


def test_two_columns_for_one_field_warn():
    header = "ID,First Name,Last Name,DOB,Email,E-mail"
    table = read_table(roster_bytes("A1,Ann,Lee,5/19/1958,a@example.org,b@example.org", header=header))
    assert table.mapping["email"] == "Email"
    assert table.unmapped_headers == ["E-mail"]
    [problem] = table.problems
    assert problem.code is ProblemCode.DUPLICATE_COLUMN
    assert problem.severity is Severity.WARNING
    assert problem.row_number is None


def test_extra_cells_kept_apart():
    table = read_table(roster_bytes("A1,Ann,,Lee,5/19/1958,,,stray,cells"))
    row = table.rows[0]
    assert row.extra_cells == ["stray", "cells"]
    assert row.values["phone"] == ""
    assert row.values["date_of_birth"] == "5/19/1958"


def test_trailing_empty_cells_are_not_extra():
    table = read_table(roster_bytes("A1,Ann,,Lee,5/19/1958,,,,"))
    assert table.rows[0].extra_cells == []


def test_short_row_lacks_fields():
    table = read_table(roster_bytes("A1,Ann,,Lee"))
    assert table.rows[0].values == {
        "external_id": "A1",
        "first_name": "Ann",
        "middle_name": "",
        "last_name": "Lee",
    }


def test_date_order_detected_and_reported():
    table = read_table(roster_bytes("A1,Ann,,Lee,25/12/1990,,"))
    assert table.date_order is DateOrder.DMY
    assert table.date_order_source is DateOrderSource.DETECTED
    assert "25/12/1990 (row 2)" in table.date_order_reason


def test_date_order_default_and_given():
    data = roster_bytes("A1,Ann,,Lee,5/4/1990,,")
    assert read_table(data).date_order_source is DateOrderSource.DEFAULT
    assert read_table(data).date_order is DateOrder.MDY
    assert read_table(data, default_date_order="DMY").date_order is DateOrder.DMY
    given = read_table(data, date_order="DMY")
    assert given.date_order is DateOrder.DMY
    assert given.date_order_source is DateOrderSource.GIVEN


def test_ambiguous_date_order_is_a_file_problem():
    table = read_table(roster_bytes("A1,Ann,,Lee,25/12/1990,,", "A2,Bo,,Ng,12/25/1990,,"))
    assert table.date_order is None
    assert table.date_order_source is DateOrderSource.AMBIGUOUS
    [problem] = table.problems
    assert problem.code is ProblemCode.AMBIGUOUS_DATE_ORDER
    assert problem.field == "date_of_birth"
    assert problem.row_number is None


def test_ambiguous_date_order_resolved_by_given_order():
    table = read_table(roster_bytes("A1,Ann,,Lee,25/12/1990,,", "A2,Bo,,Ng,12/25/1990,,"), date_order="DMY")
    assert table.date_order is DateOrder.DMY
    assert table.problems == []


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "the file is empty"),
        (b"  \r\n\n\t", "the file is empty"),
        (b"\xef\xbb\xbf\r\n", "the file is empty"),
        ("\n".encode("utf-16"), "the file is empty"),
        (b"\n,,,\n", "no header row"),
        (b"\x00\x01\x02\x03binary\x00", "binary data"),
        (bytes(range(1, 32)) * 40, "binary data"),
        (b"PK\x03\x04\x14\x00\x00\x00", "Excel workbook (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel workbook"),
        (b"%PDF-1.7\n", "PDF document"),
        (b"Dear site staff,\nplease find the roster attached.\n", "no column for first name"),
        (b'external_id,first_name,last_name,date_of_birth\nA1,"Ann,Lee,5/19/1958\n', "not valid CSV"),
    ],
)
def test_unreadable_files(data, fragment):
    with pytest.raises(UnreadableFile) as caught:
        read_table(data)
    assert fragment in str(caught.value)


def test_missing_required_column_lists_headers():
    data = roster_bytes("A1,Ann Lee,5/19/1958", header="ID,Name,DOB")
    with pytest.raises(UnreadableFile) as caught:
        read_table(data)
    message = str(caught.value)
    assert "no column for first name, last name" in message
    assert "'ID', 'Name', 'DOB'" in message
    assert "choose the columns explicitly" in message


def test_missing_file(tmp_path):
    with pytest.raises(UnreadableFile, match="cannot open"):
        read_table(tmp_path / "absent.csv")


def test_scores_need_a_learner_column():
    data = b"assessment,result,tested_on\nWork Ready Math,3,11/14/2026\n"
    with pytest.raises(UnreadableFile, match="no column for learner ID or learner number"):
        read_table(data, kind="scores")


def test_header_only_file_has_no_rows():
    table = read_table(HEADER.encode())
    assert table.rows == []
    assert table.date_order_source is DateOrderSource.DEFAULT


def test_worst_severity_order():
    def problem(severity):
        return Problem(2, None, severity, ProblemCode.INVALID, "x")

    assert worst_severity([]) is None
    assert worst_severity([problem(Severity.WARNING)]) is Severity.WARNING
    assert worst_severity([problem(Severity.WARNING), problem(Severity.DUPLICATE)]) is Severity.DUPLICATE
    assert worst_severity([problem(Severity.DUPLICATE), problem(Severity.ERROR)]) is Severity.ERROR
