"""The store's health: integrity, schema revision, audit chain, resources and the sync queue."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from nwrc_desktop.resources import missing_resources
from nwrc_desktop.store import migrate
from nwrc_desktop.store.database import Database, integrity_problems
from nwrc_desktop.store.journal import broken_audit_rows
from nwrc_desktop.store.models import Outbox


@dataclass
class HealthReport:
    ok_lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems


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
    if broken:
        report.problems.append(f"audit log: rows {broken[:10]} do not match the hash chain; the history was edited")
    else:
        report.ok_lines.append("audit log: hash chain intact")
    report.ok_lines.append(
        f"sync queue: {counts.get('pending', 0)} pending, {counts.get('rejected', 0)} rejected, "
        f"{counts.get('delivered', 0)} delivered"
    )
    return report
