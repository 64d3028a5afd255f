import datetime

import pytest

from nwrc_desktop.domain.assessments import Assessment
from nwrc_desktop.domain.dates import DateOrder, DateOrderSource
from nwrc_desktop.domain.scorefile import (
    ScoreInput,
    parse_result,
    parse_score_file,
    read_score_file,
    validate_score,
)
from nwrc_desktop.domain.tabular import ProblemCode, Severity, read_table

D = datetime.date


def score_values(**changes):
    values = {
        "external_id": "WF21118521",
        "assessment": "Work Ready Math",
        "result": "4",
        "scale_score": "67",
        "form": "MATH-A",
        "tested_on": "11/14/2026",
        "proctor": "proctor1",
    }
    values.update(changes)
    return values


def test_score_file(rosters_dir, today):
    result = read_score_file(rosters_dir / "scores-2026-11-14.csv", today=today)
    table = result.table
    assert table.kind == "scores"
    assert table.date_order is DateOrder.MDY
    assert table.date_order_source is DateOrderSource.DETECTED
    assert result.problems == []
    assert len(result.valid) == 300
    assert result.valid[0] == (
        2,
        ScoreInput(
            learner_ref="WF21118521",
            learner_ref_field="external_id",
            assessment=Assessment.MATH,
            level=4,
            passed=None,
            scale_score=67,
            form="MATH-A",
            tested_on=D(2026, 11, 14),
            proctor="proctor1",
        ),
    )


def test_score_file_results_match_assessment_kind(rosters_dir, today):
    result = read_score_file(rosters_dir / "scores-2026-11-14.csv", today=today)
    for _, score in result.valid:
        if score.assessment.is_leveled:
            assert score.level in range(1, 6)
            assert score.passed is None
        else:
            assert score.level is None
            assert score.passed in (True, False)


def test_score_file_covers_roster_learners(rosters_dir, today):
    scores = read_score_file(rosters_dir / "scores-2026-11-14.csv", today=today)
    roster = read_table(rosters_dir / "site-roster-clean.csv")
    first_60 = {row.values["external_id"] for row in roster.rows[:60]}
    assert {score.learner_ref for _, score in scores.valid} == first_60


def test_score_file_with_learner_number(today):
    data = b"Learner Number,Test,Level,Score,Test Date\n000123,Digital Skills,NP,55,2026-11-14\n"
    result = read_score_file(data, today=today)
    assert result.table.mapping["learner_number"] == "Learner Number"
    [(row, score)] = result.valid
    assert score.learner_ref == "000123"
    assert score.learner_ref_field == "learner_number"
    assert score.passed is False
    assert score.scale_score == 55


def test_score_file_flags_repeated_score(today):
    data = (
        b"external_id,assessment,result,tested_on\n"
        b"A1,Work Ready Math,3,11/14/2026\n"
        b"A1,work ready math,4,11/14/2026\n"
    )
    result = read_score_file(data, today=today)
    [problem] = result.problems
    assert problem.row_number == 3
    assert problem.severity is Severity.DUPLICATE
    assert problem.related_row == 2


def test_score_file_extra_cells(today):
    data = b"external_id,assessment,result,tested_on\nA1,Work Ready Math,3,11/14/2026,oops\n"
    result = read_score_file(data, today=today)
    assert result.rejected_rows == [2]
    assert result.problems[0].code is ProblemCode.EXTRA_CELLS


def test_parse_score_file_refuses_roster_table(rosters_dir, today):
    table = read_table(rosters_dir / "problems.csv")
    with pytest.raises(ValueError, match="scores"):
        parse_score_file(table, today=today)


@pytest.mark.parametrize(
    ("assessment", "text", "expected"),
    [
        (Assessment.MATH, "1", (1, None)),
        (Assessment.READING, "5", (5, None)),
        (Assessment.DATA, "Level 3", (3, None)),
        (Assessment.DATA, "L2", (2, None)),
        (Assessment.SOFT_SKILLS, "pass", (None, True)),
        (Assessment.SOFT_SKILLS, "PASS", (None, True)),
        (Assessment.SOFT_SKILLS, "P", (None, True)),
        (Assessment.SOFT_SKILLS, "Passed", (None, True)),
        (Assessment.DIGITAL_SKILLS, "not pass", (None, False)),
        (Assessment.DIGITAL_SKILLS, "Not  Pass", (None, False)),
        (Assessment.DIGITAL_SKILLS, "not-pass", (None, False)),
        (Assessment.DIGITAL_SKILLS, "NP", (None, False)),
        (Assessment.DIGITAL_SKILLS, "fail", (None, False)),
        (Assessment.DIGITAL_SKILLS, "Did Not Pass", (None, False)),
    ],
)
def test_parse_result_accepts(assessment, text, expected):
    assert parse_result(assessment, text) == expected


@pytest.mark.parametrize(
    ("assessment", "text", "fragment"),
    [
        (Assessment.MATH, "0", "level 0 is not a level from 1 to 5"),
        (Assessment.MATH, "6", "level 6 is not a level from 1 to 5"),
        (Assessment.MATH, "3.5", "is not a level"),
        (Assessment.MATH, "pass", "reported as a level from 1 to 5"),
        (Assessment.SOFT_SKILLS, "3", "reported as pass or not pass"),
        (Assessment.SOFT_SKILLS, "maybe", "expected pass or not pass"),
        (Assessment.SOFT_SKILLS, " ", "missing"),
    ],
)
def test_parse_result_rejects(assessment, text, fragment):
    with pytest.raises(ValueError) as caught:
        parse_result(assessment, text)
    assert fragment in str(caught.value)


def test_validate_score_minimal(today):
    score, problems = validate_score(
        {
            "external_id": "A1",
            "assessment": "essential soft skills",
            "result": "pass",
            "tested_on": D(2026, 11, 14),
        },
        today=today,
    )
    assert problems == []
    assert score.assessment is Assessment.SOFT_SKILLS
    assert score.scale_score is None
    assert score.form is None
    assert score.proctor is None


def test_validate_score_integer_scale_score(today):
    score, _ = validate_score(score_values(scale_score=81), today=today)
    assert score.scale_score == 81


def test_validate_score_prefers_learner_id(today):
    score, _ = validate_score(score_values(learner_number="77"), today=today)
    assert score.learner_ref_field == "external_id"


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"external_id": ""}, "external_id", ProblemCode.MISSING),
        ({"external_id": "2.54712E+11"}, "external_id", ProblemCode.NUMBER_FORMATTED_ID),
        ({"external_id": "", "learner_number": "1E5"}, "learner_number", ProblemCode.NUMBER_FORMATTED_ID),
        ({"assessment": ""}, "assessment", ProblemCode.MISSING),
        ({"assessment": "Work Ready Typing"}, "assessment", ProblemCode.UNKNOWN_ASSESSMENT),
        ({"result": ""}, "result", ProblemCode.MISSING),
        ({"result": "pass"}, "result", ProblemCode.INVALID_RESULT),
        ({"result": "7"}, "result", ProblemCode.INVALID_RESULT),
        ({"scale_score": "67.5"}, "scale_score", ProblemCode.INVALID_SCALE_SCORE),
        ({"scale_score": "-3"}, "scale_score", ProblemCode.INVALID_SCALE_SCORE),
        ({"scale_score": "high"}, "scale_score", ProblemCode.INVALID_SCALE_SCORE),
        ({"scale_score": -3}, "scale_score", ProblemCode.INVALID_SCALE_SCORE),
        ({"form": "F" * 41}, "form", ProblemCode.TOO_LONG),
        ({"tested_on": ""}, "tested_on", ProblemCode.MISSING),
        ({"tested_on": "12/5/2026"}, "tested_on", ProblemCode.FUTURE_DATE),
        ({"tested_on": "11/14/1999"}, "tested_on", ProblemCode.DATE_TOO_EARLY),
        ({"tested_on": "11/31/2026"}, "tested_on", ProblemCode.INVALID_DATE),
        ({"proctor": "proc\x1btor"}, "proctor", ProblemCode.CONTROL_CHARACTER),
    ],
)
def test_validate_score_rejects(today, changes, field, code):
    score, problems = validate_score(score_values(**changes), today=today, row_number=9)
    assert score is None
    assert len(problems) == 1, problems
    assert problems[0].field == field
    assert problems[0].code is code
    assert problems[0].row_number == 9


def test_unknown_assessment_skips_result_check(today):
    score, problems = validate_score(score_values(assessment="Typing", result="whatever"), today=today)
    assert score is None
    assert [problem.field for problem in problems] == ["assessment"]


def test_score_test_date_today_accepted(today):
    score, problems = validate_score(score_values(tested_on=today), today=today)
    assert problems == []
    assert score.tested_on == today
