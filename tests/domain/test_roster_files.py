"""The sample roster files, read and checked end to end."""

import datetime
import unicodedata

import pytest

from nwrc_desktop.domain.dates import DateOrder, DateOrderSource
from nwrc_desktop.domain.names import name_key
from nwrc_desktop.domain.roster import parse_roster, read_roster
from nwrc_desktop.domain.tabular import ProblemCode, Severity, read_table

D = datetime.date


def test_clean_roster(rosters_dir, today):
    result = read_roster(rosters_dir / "site-roster-clean.csv", today=today)
    table = result.table
    assert table.encoding == "utf-8"
    assert table.delimiter == ","
    assert table.date_order is DateOrder.MDY
    assert table.date_order_source is DateOrderSource.DETECTED
    assert table.unmapped_headers == []
    assert len(table.rows) == 250
    assert len(result.valid) == 250
    assert result.problems == []
    row_number, first = result.valid[0]
    assert row_number == 2
    assert first.external_id == "WF21118521"
    assert first.last_name == "Wiśniewski"
    assert first.date_of_birth == D(1989, 8, 22)
    assert first.middle_name is None


def test_clean_roster_has_unique_ids(rosters_dir, today):
    result = read_roster(rosters_dir / "site-roster-clean.csv", today=today)
    ids = [learner.external_id for _, learner in result.valid]
    assert len(set(ids)) == 250


def test_excel_bom_roster(rosters_dir, today):
    result = read_roster(rosters_dir / "excel-utf8-bom.csv", today=today)
    table = result.table
    assert table.encoding == "utf-8-sig"
    assert table.header[0] == "Participant ID"
    assert table.mapping == {
        "external_id": "Participant ID",
        "first_name": "First Name",
        "middle_name": "Middle Name",
        "last_name": "Last Name",
        "date_of_birth": "Birth Date",
        "email": "E-mail",
        "phone": "Phone Number",
    }
    assert len(result.valid) == 40
    assert result.problems == []
    learners = dict(result.valid)
    assert learners[4].last_name == "O\u2019Neal"
    assert learners[3].last_name == "Núñez"
    # CRLF line ends leave no carriage return in the last column.
    assert all("\r" not in (learner.phone or "") for learner in learners.values())


def test_windows_1252_roster(rosters_dir, today):
    result = read_roster(rosters_dir / "windows-1252.csv", today=today)
    table = result.table
    assert table.encoding == "cp1252"
    assert table.encoding_name == "Windows-1252"
    assert table.mapping["external_id"] == "ID"
    assert table.mapping["first_name"] == "Given Name"
    assert table.mapping["last_name"] == "Surname"
    assert table.mapping["date_of_birth"] == "DOB"
    assert table.mapping["email"] == "Email Address"
    assert result.problems == []
    learners = dict(result.valid)
    assert learners[3].last_name == "O’Neal"
    assert learners[4].first_name == "Renée"
    assert learners[5].last_name == "Peña"
    assert learners[8].last_name == "van der Berg"
    assert learners[29].first_name == "Bjørn"


def test_semicolon_day_first_roster(rosters_dir, today):
    result = read_roster(rosters_dir / "semicolon-day-first.csv", today=today)
    table = result.table
    assert table.delimiter == ";"
    assert table.delimiter_name == "semicolon"
    assert table.date_order is DateOrder.DMY
    assert table.date_order_source is DateOrderSource.DETECTED
    assert "can only be read that way" in table.date_order_reason
    assert result.problems == []
    assert len(result.valid) == 25
    learners = dict(result.valid)
    assert learners[2].date_of_birth == D(1974, 12, 1)
    assert learners[3].date_of_birth == D(1966, 11, 17)
    assert learners[5].email == '"quoted; with semicolon"@example.org'
    assert learners[5].phone == "(555) 753-5249"
    assert learners[16].last_name == "Đặng"
    assert learners[17].last_name == "De la Cruz"


def test_semicolon_roster_read_month_first_on_request(rosters_dir, today):
    result = read_roster(rosters_dir / "semicolon-day-first.csv", today=today, date_order="MDY")
    assert result.table.date_order_source is DateOrderSource.GIVEN
    assert "cannot be read in that order" in result.table.date_order_reason
    assert all(p.code is ProblemCode.INVALID_DATE for p in result.problems)
    assert 3 in result.rejected_rows


# Row of problems.csv -> (field, code, severity) of its only problem.
EXPECTED_PROBLEMS = {
    14: ("last_name", ProblemCode.MISSING, Severity.ERROR),
    15: ("date_of_birth", ProblemCode.FUTURE_DATE, Severity.ERROR),
    16: ("date_of_birth", ProblemCode.INVALID_DATE, Severity.ERROR),
    17: ("external_id", ProblemCode.NUMBER_FORMATTED_ID, Severity.ERROR),
    18: ("email", ProblemCode.INVALID_EMAIL, Severity.ERROR),
    19: (None, ProblemCode.DUPLICATE_IN_FILE, Severity.DUPLICATE),
    20: ("first_name", ProblemCode.UNPRINTABLE, Severity.ERROR),
    22: (None, ProblemCode.EXTRA_CELLS, Severity.ERROR),
    23: ("date_of_birth", ProblemCode.INVALID_DATE, Severity.ERROR),
}


@pytest.fixture
def problems_result(rosters_dir, today):
    return read_roster(rosters_dir / "problems.csv", today=today)


def test_problems_file_good_rows_imported(problems_result):
    rows = [row for row, _ in problems_result.valid]
    assert rows[:12] == list(range(2, 14))
    assert problems_result.problems_for_row(2) == []
    assert all(problems_result.problems_for_row(row) == [] for row in range(2, 14))


def test_problems_file_date_order(problems_result):
    assert problems_result.table.date_order is DateOrder.MDY
    assert problems_result.table.date_order_source is DateOrderSource.DETECTED


@pytest.mark.parametrize("row", sorted(EXPECTED_PROBLEMS))
def test_problems_file_row(problems_result, row):
    field, code, severity = EXPECTED_PROBLEMS[row]
    problems = problems_result.problems_for_row(row)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.field == field
    assert problem.code is code
    assert problem.severity is severity
    assert str(problem).startswith(f"Row {row}")


def test_problems_file_messages(problems_result):
    messages = {p.row_number: p.message for p in problems_result.problems}
    assert messages[14] == "last name is missing"
    assert "in the future" in messages[15]
    assert "there is no month 13" in messages[16]
    assert "spreadsheet turned the ID into a number" in messages[17]
    assert "not an email address" in messages[18]
    assert "row 2" in messages[19]
    assert "U+1F31F GLOWING STAR" in messages[20]
    assert "'stray', 'cells'" in messages[22]
    assert "has no day 30" in messages[23]


def test_problems_file_rejected_rows(problems_result):
    assert problems_result.rejected_rows == [14, 15, 16, 17, 18, 20, 22, 23]


def test_problems_file_row_status(problems_result):
    assert problems_result.row_status(2) is None
    assert problems_result.row_status(14) is Severity.ERROR
    assert problems_result.row_status(19) is Severity.DUPLICATE


def test_problems_file_blank_row_silent(problems_result):
    assert problems_result.table.blank_rows == [21]
    assert problems_result.problems_for_row(21) == []


def test_problems_file_duplicate_points_to_row_2(problems_result):
    assert problems_result.duplicate_of == {19: 2}
    learners = dict(problems_result.valid)
    assert name_key(learners[19].first_name, learners[19].last_name) == name_key(
        learners[2].first_name, learners[2].last_name
    )


def test_problems_file_extra_cells_shift_nothing(problems_result):
    row = next(row for row in problems_result.table.rows if row.row_number == 22)
    assert row.values["phone"] == ""
    assert row.values["email"] == ""
    assert 22 not in dict(problems_result.valid)


def test_problems_file_drop_invalid_email(rosters_dir, today):
    result = read_roster(rosters_dir / "problems.csv", today=today, drop_invalid_email=True)
    learners = dict(result.valid)
    assert learners[18].last_name == "Haddad"
    assert learners[18].email is None
    [problem] = result.problems_for_row(18)
    assert problem.severity is Severity.WARNING
    assert problem.code is ProblemCode.EMAIL_DROPPED
    assert 18 not in result.rejected_rows


def test_problems_file_counts(problems_result):
    assert len(problems_result.valid) == 13  # rows 2-13 and the possible duplicate in row 19
    assert len(problems_result.problems) == 9


def test_roster_reading_is_repeatable(rosters_dir, today):
    first = read_roster(rosters_dir / "problems.csv", today=today)
    second = read_roster(rosters_dir / "problems.csv", today=today)
    assert first.valid == second.valid
    assert first.problems == second.problems


def test_decomposed_file_equals_composed(rosters_dir, today):
    composed = (rosters_dir / "site-roster-clean.csv").read_text(encoding="utf-8")
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    from_composed = read_roster(composed.encode(), today=today)
    from_decomposed = read_roster(decomposed.encode(), today=today)
    assert from_decomposed.valid == from_composed.valid


def test_same_id_twice_flagged(today):
    data = (
        b"external_id,first_name,last_name,date_of_birth\n0042,Ann,Lee,5/19/1958\n0042,Anne,Lee,5/19/1958\n"
    )
    result = read_roster(data, today=today)
    assert result.duplicate_of == {3: 2}
    [problem] = result.problems_for_row(3)
    assert problem.field == "external_id"
    assert problem.severity is Severity.DUPLICATE


def test_ambiguous_file_rejects_day_month_rows(today):
    data = b"first_name,last_name,date_of_birth\nAnn,Lee,25/12/1990\nBo,Ng,12/25/1990\nCy,Ho,1990-01-02\n"
    result = read_roster(data, today=today)
    assert result.problems[0].row_number is None
    assert result.problems[0].code is ProblemCode.AMBIGUOUS_DATE_ORDER
    assert result.rejected_rows == [2, 3]
    assert [row for row, _ in result.valid] == [4]
    resolved = read_roster(data, today=today, date_order="DMY")
    assert resolved.rejected_rows == [3]


def test_parse_roster_refuses_score_table(rosters_dir, today):
    table = read_table(rosters_dir / "scores-2026-11-14.csv", kind="scores")
    with pytest.raises(ValueError, match="roster"):
        parse_roster(table, today=today)
