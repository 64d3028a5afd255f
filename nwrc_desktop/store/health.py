"""The store's health: integrity, schema revision, audit chain, resources and the sync queue."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, text

from nwrc_desktop.resources import missing_resources
from nwrc_desktop.store import migrate
from nwrc_desktop.store.database import Database, integrity_problems
from nwrc_desktop.store.journal import broken_audit_rows, missing_outbox_rows
from nwrc_desktop.store.models import Outbox


@dataclass
class HealthReport:
    ok_lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems


# Tables whose rows the program only ever appends; the first migration protects them with triggers.
APPEND_ONLY_TABLES = ("score", "credential", "credential_status", "certificate_print", "audit_log")


def check_store(db: Database) -> HealthReport:
    """Check the open store; every problem comes with what to do about it."""
    report = HealthReport()
    problems = integrity_problems(db.path)
    if problems:
        report.problems.append(f"database integrity: {problems[0]}; restore a backup with 'nwrc-desktop restore FILE'")
    else:
        report.ok_lines.append(f"database integrity: ok ({db.path})")

    current, head = migrate.current_revision(db.path), migrate.head_revision()
    if current == head:
        report.ok_lines.append(f"schema: up to date (revision {current})")
    else:
        report.problems.append(f"schema: revision {current}, expected {head}; start the program once to migrate")

    missing = missing_resources()
    if missing:
        report.problems.append(f"resources: missing {', '.join(missing)}; reinstall NWRC Desktop")
    else:
        report.ok_lines.append("resources: fonts and O*NET extract present")

    with db.session() as session:
        broken = broken_audit_rows(session)
        counts = dict(session.execute(select(Outbox.state, func.count()).group_by(Outbox.state)).all())
        triggers = set(session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
        missing_changes = missing_outbox_rows(session)
    expected_triggers = {f"{table}_no_{operation}" for table in APPEND_ONLY_TABLES
                         for operation in ("update", "delete")}
    if expected_triggers - triggers:
        report.problems.append(
            f"append-only protection: triggers {sorted(expected_triggers - triggers)} were removed, so scores or "
            "credentials may have been edited outside the program; restore a backup made before the change"
        )
    if missing_changes:
        report.problems.append(
            f"outbox: {missing_changes} queued changes were deleted outside the program, so they may never reach "
            "the registry; restore a backup made before the deletion"
        )
    if broken:
        report.problems.append(f"audit log: rows {broken[:10]} do not match the hash chain; the history was edited")
    else:
        report.ok_lines.append("audit log: hash chain intact")
    report.ok_lines.append(
        f"sync queue: {counts.get('pending', 0)} pending, {counts.get('rejected', 0)} rejected, "
        f"{counts.get('delivered', 0)} delivered"
    )
    return report
