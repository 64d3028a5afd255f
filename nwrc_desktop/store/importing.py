"""Importing roster and score files: every valid row in one transaction, every other row reported."""

from __future__ import annotations

import csv
import enum
import io
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import select

from nwrc_desktop.domain.learners import LearnerInput
from nwrc_desktop.domain.roster import RosterResult
from nwrc_desktop.domain.scorefile import ScoreFileResult
from nwrc_desktop.domain.tabular import FIELD_LABELS, Problem, Severity, Table
from nwrc_desktop.store.credentials import SigningKeySource, reconcile_credentials
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.journal import Actor, audit
from nwrc_desktop.store.learners import (
    LearnerSummary,
    add_learners,
    certificate_name_problem,
    duplicate_key,
    find_learner_by_reference,
)
from nwrc_desktop.store.models import Learner, Score, Site
from nwrc_desktop.store.permissions import Permission, require
from nwrc_desktop.store.scores import ScoreEntry, add_score, check_entry

log = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    IMPORTED = "imported"
    ALREADY_PRESENT = "already present"
    DUPLICATE = "possible duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True)
class RowOutcome:
    """The outcome of one file row; `reference` is the learner number it concerns."""

    row_number: int
    outcome: Outcome
    message: str = ""
    reference: str | None = None


@dataclass
class ImportReport:
    """The result of an import or a dry run; nothing is saved by a dry run."""

    source_name: str
    table: Table
    dry_run: bool
    rows: list[RowOutcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    credential_changes: list[str] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for row in self.rows if row.outcome is outcome)

    @property
    def imported(self) -> int:
        return self.count(Outcome.IMPORTED)

    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        return (f"{self.source_name}: {verb} {self.imported} rows; {self.count(Outcome.ALREADY_PRESENT)} already "
                f"present, {self.count(Outcome.DUPLICATE)} possible duplicates, "
                f"{self.count(Outcome.REJECTED)} rejected; {len(self.table.blank_rows)} blank rows skipped")

    def rejected_rows_csv(self) -> str:
        """Return the rows not imported (rejected or flagged) as CSV: the original cells plus the reasons."""
        reasons: dict[int, list[str]] = {}
        for row in self.rows:
            if row.outcome in (Outcome.REJECTED, Outcome.DUPLICATE):
                reasons.setdefault(row.row_number, []).append(row.message)
        output = io.StringIO()
        writer = csv.writer(output, lineterminator="\r\n")
        writer.writerow([*self.table.header, "row", "problem"])
        for raw in self.table.rows:
            if raw.row_number in reasons:
                cells = [*raw.cells, raw.row_number, "; ".join(reasons[raw.row_number])]
                writer.writerow([_as_spreadsheet_text(cell) for cell in cells])
        return output.getvalue()


def _as_spreadsheet_text(cell: object) -> object:
    """Return a cell that a spreadsheet opens as text: a leading apostrophe stops =, +, - and @ formulas."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@"):
        return "'" + cell
    return cell


def _add_rejected_rows(report: ImportReport, result: RosterResult | ScoreFileResult) -> None:
    """Add an outcome for every row the file check rejected and did not also pass as valid."""
    valid_rows = {row_number for row_number, _ in result.valid}
    for row_number in result.rejected_rows:
        if row_number not in valid_rows:
            report.rows.append(RowOutcome(row_number, Outcome.REJECTED,
                                          _row_messages(result.problems, row_number, Severity.ERROR)))


def _row_messages(problems: Sequence[Problem], row_number: int, severity: Severity) -> str:
    return "; ".join(str(problem) for problem in problems
                     if problem.row_number == row_number and problem.severity is severity)


def import_learners(db: Database, actor: Actor, result: RosterResult, *, source_name: str,
                    dry_run: bool = False) -> ImportReport:
    """Register the valid, new learners of a checked roster in one transaction.

    A row whose learner ID is already registered to the same person counts as already present, so
    importing a file twice adds nothing. A row that matches a stored learner's name and date of birth,
    or an earlier row of the file, is flagged as a possible duplicate and not imported.
    """
    require(actor, Permission.WRITE_LEARNERS)
    report = ImportReport(source_name, result.table, dry_run, problems=list(result.problems))
    _add_rejected_rows(report, result)
    file_duplicates = result.duplicate_of
    to_add: list[tuple[int, LearnerInput, str]] = []
    with db.session() as session:
        # One query each for the ids and names already stored, instead of two queries per row.
        by_external_id = {learner.external_id: learner for learner in session.scalars(
            select(Learner).where(Learner.external_id.is_not(None)))}
        by_person: dict[tuple[str, object], list[Learner]] = {}
        for learner in session.scalars(select(Learner)):
            by_person.setdefault((learner.name_key, learner.date_of_birth), []).append(learner)

        for row_number, learner in result.valid:
            if row_number in file_duplicates:
                earlier = file_duplicates[row_number]
                report.rows.append(RowOutcome(
                    row_number, Outcome.DUPLICATE,
                    f"Row {row_number}: possibly the same learner as row {earlier}; not imported twice"))
                continue
            too_long = certificate_name_problem(learner)
            if too_long is not None:
                report.rows.append(RowOutcome(row_number, Outcome.REJECTED, f"Row {row_number}, {too_long}"))
                continue
            key = duplicate_key(learner.first_name, learner.last_name)
            existing = by_external_id.get(learner.external_id) if learner.external_id else None
            if existing is not None:
                if existing.name_key == key and existing.date_of_birth == learner.date_of_birth:
                    report.rows.append(RowOutcome(row_number, Outcome.ALREADY_PRESENT,
                                                  f"already registered as {existing.learner_number}",
                                                  existing.learner_number))
                else:
                    report.rows.append(RowOutcome(
                        row_number, Outcome.REJECTED,
                        f"Row {row_number}, learner ID: {learner.external_id} already belongs to "
                        f"{existing.learner_number} ({LearnerSummary.of(existing).full_name}) with another "
                        "name or date of birth; check the ID", existing.learner_number))
                continue
            matches = by_person.get((key, learner.date_of_birth))
            if matches:
                numbers = ", ".join(match.learner_number for match in matches)
                report.rows.append(RowOutcome(
                    row_number, Outcome.DUPLICATE,
                    f"Row {row_number}: possibly the same learner as {numbers} (same name and date of birth); "
                    "not imported. Register the row by hand if this is a different person.",
                    matches[0].learner_number))
                continue
            to_add.append((row_number, learner, _row_messages(result.problems, row_number, Severity.WARNING)))

        if dry_run:
            report.rows += [RowOutcome(row_number, Outcome.IMPORTED, warning) for row_number, _, warning in to_add]
        elif to_add:
            stored = add_learners(session, actor, [asdict(learner) for _, learner, _ in to_add])
            for (row_number, _, warning), row in zip(to_add, stored, strict=True):
                report.rows.append(RowOutcome(row_number, Outcome.IMPORTED, warning, row.learner_number))
            session.flush()
            audit(session, actor, "learner.import", "learner", None, {
                "file": source_name, "imported": len(stored),
                "rows": {str(row.row_number): row.outcome.value for row in sorted(report.rows,
                                                                                   key=lambda r: r.row_number)},
            })
        report.rows.sort(key=lambda row: row.row_number)
    log.info("%s", report.summary())
    return report


def _score_key(learner_id: str, entry: ScoreEntry | Score) -> tuple:
    """Return what makes two score rows the same result: the row types store the assessment differently."""
    return (learner_id, str(entry.assessment), entry.tested_on, entry.level, entry.passed, entry.scale_score,
            entry.form or None)


def import_scores(db: Database, actor: Actor, result: ScoreFileResult, *, source_name: str,
                  dry_run: bool = False) -> ImportReport:
    """Record the valid, new scores of a checked score file in one transaction, then update credentials.

    A row whose learner, assessment, test date, result, scale score and form are already recorded
    counts as already present, so importing a file twice adds nothing.
    """
    require(actor, Permission.RECORD_SCORES)
    report = ImportReport(source_name, result.table, dry_run, problems=list(result.problems))
    _add_rejected_rows(report, result)
    with db.session() as session:
        stored = list(session.scalars(select(Score).where(Score.kind != "void")))
        known = {_score_key(row.learner_id, row) for row in stored}
        # Learner, assessment and test date of every stored result, to catch a second, different result.
        tested = {(row.learner_id, str(row.assessment), row.tested_on) for row in stored}
        touched: dict[str, None] = {}
        added: list[str] = []
        for row_number, score in result.valid:
            learner = find_learner_by_reference(session, score.learner_ref)
            if learner is None:
                report.rows.append(RowOutcome(
                    row_number, Outcome.REJECTED,
                    f"Row {row_number}, learner: no learner with {FIELD_LABELS[score.learner_ref_field]} "
                    f"{score.learner_ref!r}; register the learner or import the roster first"))
                continue
            entry = ScoreEntry(learner.id, score.assessment, score.tested_on, score.level, score.passed,
                               score.scale_score, score.form, None, score.proctor or actor.username)
            key = _score_key(learner.id, entry)
            if key in known:
                report.rows.append(RowOutcome(row_number, Outcome.ALREADY_PRESENT,
                                              f"already recorded for {learner.learner_number}",
                                              learner.learner_number))
                continue
            if (learner.id, str(entry.assessment), entry.tested_on) in tested:
                report.rows.append(RowOutcome(
                    row_number, Outcome.DUPLICATE,
                    f"Row {row_number}: {learner.learner_number} already has a different {entry.assessment} result "
                    f"on {entry.tested_on:%m/%d/%Y}; not imported. If this row corrects it, use 'scores correct'.",
                    learner.learner_number))
                continue
            try:
                entry = check_entry(entry)
            except ValueError as error:
                report.rows.append(RowOutcome(row_number, Outcome.REJECTED, f"Row {row_number}: {error}"))
                continue
            known.add(key)
            tested.add((learner.id, str(entry.assessment), entry.tested_on))
            warning = _row_messages(result.problems, row_number, Severity.WARNING)
            if dry_run:
                report.rows.append(RowOutcome(row_number, Outcome.IMPORTED, warning, learner.learner_number))
                continue
            stored = add_score(session, actor, entry)
            added.append(stored.id)
            touched[learner.id] = None
            report.rows.append(RowOutcome(row_number, Outcome.IMPORTED, warning, learner.learner_number))
        signing_key = SigningKeySource(session.scalar(select(Site.id)))
        for learner_id in touched:
            report.credential_changes += reconcile_credentials(session, actor, learner_id,
                                                               f"scores imported from {source_name}", signing_key)
        report.rows.sort(key=lambda row: row.row_number)
        if added:
            audit(session, actor, "score.import", "score", None, {
                "file": source_name, "imported": len(added), "score_ids": added,
                "credential_changes": report.credential_changes,
            })
    log.info("%s; %d credential changes", report.summary(), len(report.credential_changes))
    return report


def write_rejected_rows(report: ImportReport, path: Path) -> int:
    """Write the rows that were not imported, with their reasons, to a CSV file; return how many."""
    text = report.rejected_rows_csv()
    path.write_text(text, encoding="utf-8-sig", newline="")
    return max(0, text.count("\r\n") - 1)
