"""Checking every row of a roster file, for the import preview and the importer.

:func:`parse_roster` validates each row of a :class:`Table` read with kind "roster" and returns the valid
learners with their file rows and every problem found. Rows of the same file that look like the same
learner are flagged with Severity.DUPLICATE; matching against learners already stored is left to the store.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field

from nwrc_desktop.domain.dates import DateOrder
from nwrc_desktop.domain.learners import LearnerInput, duplicate_key, validate_learner
from nwrc_desktop.domain.tabular import (
    Problem,
    ProblemCode,
    RawRow,
    Severity,
    Table,
    read_table,
    worst_severity,
)


@dataclass
class RosterResult:
    """Outcome of checking a roster.

    `valid` contains (file row, learner) for every row without errors, including rows flagged as possible
    duplicates. `problems` lists the file's problems first, then each row's, in row order.
    """

    table: Table
    valid: list[tuple[int, LearnerInput]]
    problems: list[Problem] = field(default_factory=list)

    @property
    def rejected_rows(self) -> list[int]:
        """File rows with at least one error, in order."""
        return sorted({p.row_number for p in self.problems if p.severity is Severity.ERROR and p.row_number})

    @property
    def duplicate_of(self) -> dict[int, int]:
        """For each row flagged as a duplicate within the file, the earlier row it matches."""
        return {
            p.row_number: p.related_row
            for p in self.problems
            if p.severity is Severity.DUPLICATE and p.row_number is not None and p.related_row is not None
        }

    def problems_for_row(self, row_number: int) -> list[Problem]:
        return [problem for problem in self.problems if problem.row_number == row_number]

    def row_status(self, row_number: int) -> Severity | None:
        """Status of a row for the preview: its worst problem's severity, or None for a clean row."""
        return worst_severity(self.problems_for_row(row_number))


def parse_roster(
    table: Table,
    *,
    today: datetime.date,
    drop_invalid_email: bool = False,
) -> RosterResult:
    """Validate every row of a roster table with the rules of :func:`learners.validate_learner`.

    A row with more non-empty cells than the header has columns is rejected as a whole, because its
    values may have shifted into the wrong fields.
    """
    if table.kind != "roster":
        raise ValueError(f"parse_roster needs a table read as a roster, not as {table.kind!r}")
    result = RosterResult(table=table, valid=[], problems=list(table.problems))
    seen_ids: dict[str, int] = {}
    seen_people: dict[tuple[str, datetime.date], int] = {}

    for row in table.rows:
        if row.extra_cells:
            result.problems.append(extra_cells_problem(row, len(table.header)))
            continue
        learner, problems = validate_learner(
            row.values,
            today=today,
            date_order=table.date_order,
            drop_invalid_email=drop_invalid_email,
            row_number=row.row_number,
        )
        result.problems.extend(problems)
        if learner is None:
            continue
        result.problems.extend(_in_file_duplicates(row.row_number, learner, seen_ids, seen_people))
        result.valid.append((row.row_number, learner))
    return result


def read_roster(
    source: str | os.PathLike[str] | bytes,
    *,
    today: datetime.date,
    drop_invalid_email: bool = False,
    encoding: str | None = None,
    delimiter: str | None = None,
    date_order: DateOrder | str | None = None,
    default_date_order: DateOrder | str = DateOrder.MDY,
    mapping: dict[str, str | None] | None = None,
) -> RosterResult:
    """Read and check a roster file in one call, raising UnreadableFile as :func:`tabular.read_table` does."""
    table = read_table(
        source,
        kind="roster",
        encoding=encoding,
        delimiter=delimiter,
        date_order=date_order,
        default_date_order=default_date_order,
        mapping=mapping,
    )
    return parse_roster(table, today=today, drop_invalid_email=drop_invalid_email)


def extra_cells_problem(row: RawRow, column_count: int) -> Problem:
    """Return the error for a row with more cells than the header has columns."""
    extra_text = ", ".join(repr(cell) for cell in row.extra_cells)
    return Problem(
        row.row_number,
        None,
        Severity.ERROR,
        ProblemCode.EXTRA_CELLS,
        f"the row has {column_count + len(row.extra_cells)} cells but the header has {column_count} columns "
        f"(extra: {extra_text}); the row is rejected so that no value is read into the wrong field",
        value=extra_text,
    )


def _in_file_duplicates(
    row_number: int,
    learner: LearnerInput,
    seen_ids: dict[str, int],
    seen_people: dict[tuple[str, datetime.date], int],
) -> list[Problem]:
    problems: list[Problem] = []
    if learner.external_id is not None:
        earlier = seen_ids.setdefault(learner.external_id, row_number)
        if earlier != row_number:
            problems.append(
                Problem(
                    row_number,
                    "external_id",
                    Severity.DUPLICATE,
                    ProblemCode.DUPLICATE_IN_FILE,
                    f"learner ID {learner.external_id!r} is also in row {earlier}",
                    value=learner.external_id,
                    related_row=earlier,
                )
            )
            return problems

    key = duplicate_key(learner.first_name, learner.last_name, learner.date_of_birth)
    earlier = seen_people.setdefault(key, row_number)
    if earlier != row_number:
        problems.append(
            Problem(
                row_number,
                None,
                Severity.DUPLICATE,
                ProblemCode.DUPLICATE_IN_FILE,
                f"{learner.full_name}, born {learner.date_of_birth.isoformat()}, may be the same learner "
                f"as in row {earlier}",
                related_row=earlier,
            )
        )
    return problems
