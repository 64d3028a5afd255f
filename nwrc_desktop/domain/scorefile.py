"""Checking score lists and single score entries.

A score names its learner by learner ID (external_id) or by learner number, and names the assessment.
Its result is recorded as the official score report gives it: an achievement level 1-5 for the Work
Ready assessments, pass or not pass for the others. Scale score and form are optional. The test date is
required and may not lie in the future or before EARLIEST_TEST_DATE, which catches a mistyped year.

Accepted result spellings, ignoring case, spaces, hyphens and underscores: "3", "level 3", "L3" for levels;
"pass", "passed", "p" and "not pass", "not passed", "did not pass", "np", "fail", "failed", "f".
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from nwrc_desktop.domain.assessments import MAX_LEVEL, MIN_LEVEL, Assessment, CredentialType, parse_assessment
from nwrc_desktop.domain.dates import DateOrder
from nwrc_desktop.domain.learners import FieldChecker, check_external_id
from nwrc_desktop.domain.roster import extra_cells_problem
from nwrc_desktop.domain.tabular import (
    Problem,
    ProblemCode,
    Severity,
    Table,
    read_table,
    worst_severity,
)

FORM_MAX_LENGTH = 40
PROCTOR_MAX_LENGTH = 100
EARLIEST_TEST_DATE = datetime.date(2000, 1, 1)

SCORE_FIELDS = (
    "external_id",
    "learner_number",
    "assessment",
    "result",
    "scale_score",
    "form",
    "tested_on",
    "proctor",
)

_PASS_WORDS = frozenset({"pass", "passed", "p"})
_NOT_PASS_WORDS = frozenset({"not pass", "not passed", "did not pass", "np", "fail", "failed", "f"})
_LEVEL = re.compile(r"(?:level|lvl|l)? ?(\d+)")


@dataclass(frozen=True)
class ScoreInput:
    """A validated score.

    `learner_ref` is the learner's ID or number as text, and `learner_ref_field` names which of the two
    ("external_id" or "learner_number") it is. Exactly one of `level` (leveled assessments) and `passed`
    (the others) is set.
    """

    learner_ref: str
    learner_ref_field: str
    assessment: Assessment
    level: int | None
    passed: bool | None
    scale_score: int | None
    form: str | None
    tested_on: datetime.date
    proctor: str | None

    @property
    def credential(self) -> CredentialType:
        return self.assessment.credential


@dataclass
class ScoreFileResult:
    """Outcome of checking a score list. `valid` contains (file row, score) for each row without errors."""

    table: Table
    valid: list[tuple[int, ScoreInput]]
    problems: list[Problem] = field(default_factory=list)

    @property
    def rejected_rows(self) -> list[int]:
        """File rows with at least one error, in order."""
        return sorted({p.row_number for p in self.problems if p.severity is Severity.ERROR and p.row_number})

    def problems_for_row(self, row_number: int) -> list[Problem]:
        return [problem for problem in self.problems if problem.row_number == row_number]

    def row_status(self, row_number: int) -> Severity | None:
        """Status of a row for the preview: its worst problem's severity, or None for a clean row."""
        return worst_severity(self.problems_for_row(row_number))


def validate_score(
    raw: Mapping[str, str | int | datetime.date | None],
    *,
    today: datetime.date,
    date_order: DateOrder | str | None = DateOrder.MDY,
    row_number: int | None = None,
) -> tuple[ScoreInput | None, list[Problem]]:
    """Validate one score's values, keyed by the field names of SCORE_FIELDS.

    When both a learner ID and a learner number are given, the learner ID is used. Returns the score and
    its warnings, or None and the problems when any of them is an error.
    """
    check = FieldChecker(row_number)

    learner_ref, learner_ref_field = _check_learner_ref(check, raw)
    assessment = _check_assessment(check, raw.get("assessment"))
    level, passed = _check_result(check, raw.get("result"), assessment)
    scale_score = _check_scale_score(check, raw.get("scale_score"))
    form = check.text("form", raw.get("form"), FORM_MAX_LENGTH)
    raw_test_date = raw.get("tested_on")
    tested_on = check.date("tested_on", raw_test_date, date_order)
    if tested_on is not None:
        test_date_text = raw_test_date.strip() if isinstance(raw_test_date, str) else tested_on.isoformat()
        _check_test_date(check, tested_on, test_date_text, today)
    proctor = check.text("proctor", raw.get("proctor"), PROCTOR_MAX_LENGTH)

    problems = sorted(check.problems, key=_field_position)
    if check.has_errors or learner_ref is None or assessment is None or tested_on is None:
        return None, problems
    score = ScoreInput(
        learner_ref=learner_ref,
        learner_ref_field=learner_ref_field,
        assessment=assessment,
        level=level,
        passed=passed,
        scale_score=scale_score,
        form=form,
        tested_on=tested_on,
        proctor=proctor,
    )
    return score, problems


def _field_position(problem: Problem) -> int:
    """Sort key that lists a score's problems in form order, whole-row problems last."""
    if problem.field in SCORE_FIELDS:
        return SCORE_FIELDS.index(problem.field)
    return len(SCORE_FIELDS)


def parse_score_file(table: Table, *, today: datetime.date) -> ScoreFileResult:
    """Validate every row of a table read with kind "scores".

    A second row with the same learner, assessment and test date is flagged with Severity.DUPLICATE.
    """
    if table.kind != "scores":
        raise ValueError(f"parse_score_file needs a table read as scores, not as {table.kind!r}")
    result = ScoreFileResult(table=table, valid=[], problems=list(table.problems))
    seen: dict[tuple[str, str, Assessment, datetime.date], int] = {}

    for row in table.rows:
        if row.extra_cells:
            result.problems.append(extra_cells_problem(row, len(table.header)))
            continue
        score, problems = validate_score(
            row.values,
            today=today,
            date_order=table.date_order,
            row_number=row.row_number,
        )
        result.problems.extend(problems)
        if score is None:
            continue
        key = (score.learner_ref_field, score.learner_ref, score.assessment, score.tested_on)
        earlier = seen.setdefault(key, row.row_number)
        if earlier != row.row_number:
            result.problems.append(
                Problem(
                    row.row_number,
                    None,
                    Severity.DUPLICATE,
                    ProblemCode.DUPLICATE_IN_FILE,
                    f"{score.assessment} of {score.learner_ref} on {score.tested_on.isoformat()} is also "
                    f"in row {earlier}",
                    related_row=earlier,
                )
            )
        result.valid.append((row.row_number, score))
    return result


def read_score_file(
    source: str | os.PathLike[str] | bytes,
    *,
    today: datetime.date,
    encoding: str | None = None,
    delimiter: str | None = None,
    date_order: DateOrder | str | None = None,
    default_date_order: DateOrder | str = DateOrder.MDY,
    mapping: dict[str, str | None] | None = None,
) -> ScoreFileResult:
    """Read and check a score list in one call, raising UnreadableFile as :func:`tabular.read_table` does."""
    table = read_table(
        source,
        kind="scores",
        encoding=encoding,
        delimiter=delimiter,
        date_order=date_order,
        default_date_order=default_date_order,
        mapping=mapping,
    )
    return parse_score_file(table, today=today)


def parse_result(assessment: Assessment, text: str) -> tuple[int | None, bool | None]:
    """Read a result as (level, None) for leveled assessments or (None, passed) for the others.

    Raises ValueError with a message for the user when the text is not a result of that assessment.
    """
    words = " ".join(text.replace("-", " ").replace("_", " ").split()).casefold()
    if not words:
        raise ValueError("result is missing")
    is_pass_word = words in _PASS_WORDS or words in _NOT_PASS_WORDS
    level_match = _LEVEL.fullmatch(words)

    if assessment.is_leveled:
        if level_match is None:
            if is_pass_word:
                raise ValueError(
                    f"{assessment} is reported as a level from {MIN_LEVEL} to {MAX_LEVEL}, not as {text!r}"
                )
            raise ValueError(f"{text!r} is not a level from {MIN_LEVEL} to {MAX_LEVEL}")
        level = int(level_match.group(1))
        if not MIN_LEVEL <= level <= MAX_LEVEL:
            raise ValueError(f"level {level} is not a level from {MIN_LEVEL} to {MAX_LEVEL}")
        return level, None

    if words in _PASS_WORDS:
        return None, True
    if words in _NOT_PASS_WORDS:
        return None, False
    if level_match is not None:
        raise ValueError(f"{assessment} is reported as pass or not pass, not as a level ({text!r})")
    raise ValueError(f"{text!r} is not a result of {assessment}; expected pass or not pass")


def _check_learner_ref(check: FieldChecker, raw: Mapping[str, object]) -> tuple[str | None, str]:
    for ref_field in ("external_id", "learner_number"):
        value = raw.get(ref_field)
        if value is not None and str(value).strip():
            return check_external_id(check, value, field=ref_field), ref_field
    check.error("external_id", ProblemCode.MISSING, "the learner ID or learner number is missing")
    return None, "external_id"


def _check_assessment(check: FieldChecker, value: object) -> Assessment | None:
    text = "" if value is None else str(value).strip()
    if not text:
        check.error("assessment", ProblemCode.MISSING, "assessment is missing")
        return None
    try:
        return parse_assessment(text)
    except ValueError as error:
        check.error("assessment", ProblemCode.UNKNOWN_ASSESSMENT, str(error), text)
        return None


def _check_result(
    check: FieldChecker, value: object, assessment: Assessment | None
) -> tuple[int | None, bool | None]:
    text = "" if value is None else str(value).strip()
    if not text:
        check.error("result", ProblemCode.MISSING, "result is missing")
        return None, None
    if assessment is None:
        # Without a known assessment there is no way to tell a level from a pass result.
        return None, None
    try:
        return parse_result(assessment, text)
    except ValueError as error:
        check.error("result", ProblemCode.INVALID_RESULT, str(error), text)
        return None, None


def _check_scale_score(check: FieldChecker, value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        text = "" if value is None else str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"-\d+", text):
        check.error("scale_score", ProblemCode.INVALID_SCALE_SCORE, f"{text} is negative", text)
        return None
    if not re.fullmatch(r"\+?\d+", text):
        check.error(
            "scale_score",
            ProblemCode.INVALID_SCALE_SCORE,
            f"{text!r} is not a whole number",
            text,
        )
        return None
    return int(text)


def _check_test_date(
    check: FieldChecker, tested_on: datetime.date, test_date_text: str, today: datetime.date
) -> None:
    if tested_on > today:
        check.error(
            "tested_on", ProblemCode.FUTURE_DATE, f"{test_date_text} is in the future", test_date_text
        )
    elif tested_on < EARLIEST_TEST_DATE:
        check.error(
            "tested_on",
            ProblemCode.DATE_TOO_EARLY,
            f"{test_date_text} is before {EARLIEST_TEST_DATE.isoformat()}; check the year",
            test_date_text,
        )
