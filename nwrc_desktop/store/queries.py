"""Read-only look-ups for the GUI: the sync queue, the outbox, a learner's prints and the audit log, as plain rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from nwrc_desktop.store.database import Database
from nwrc_desktop.store.models import AuditEntry, CertificatePrint, Credential, Outbox, Site


@dataclass(frozen=True)
class QueueState:
    """The sync queue at a glance, for the status bar."""

    pending: int
    rejected: int
    last_sync_at: dt.datetime | None
    registry_url: str | None


@dataclass(frozen=True)
class OutboxRow:
    seq: int
    change_id: str
    kind: str
    entity_id: str
    created_at: dt.datetime
    actor: str
    state: str
    attempts: int
    reason: str | None


@dataclass(frozen=True)
class PrintRow:
    certificate_number: str
    printed_at: dt.datetime
    printed_by: str
    reprint: bool
    reason: str | None
    destination: str


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    details: str


def queue_state(db: Database) -> QueueState:
    with db.session() as session:
        counts = dict(session.execute(select(Outbox.state, func.count()).group_by(Outbox.state)).all())
        site = session.scalar(select(Site))
        return QueueState(counts.get("pending", 0), counts.get("rejected", 0),
                          site.last_sync_at if site else None, site.registry_url if site else None)


def outbox_rows(db: Database, states: tuple[str, ...] = ("pending", "rejected"), limit: int = 1000
                ) -> list[OutboxRow]:
    """Return the oldest `limit` changes in `states`, in sending order."""
    with db.session() as session:
        rows = session.scalars(select(Outbox).where(Outbox.state.in_(states)).order_by(Outbox.seq).limit(limit))
        return [OutboxRow(row.seq, row.change_id, row.kind, row.entity_id, row.created_at, row.actor, row.state,
                          row.attempts, row.reason) for row in rows]


def learner_prints(db: Database, learner_id: str) -> list[PrintRow]:
    with db.session() as session:
        rows = session.execute(
            select(Credential.certificate_number, CertificatePrint)
            .join(Credential, Credential.id == CertificatePrint.credential_id)
            .where(Credential.learner_id == learner_id)
            .order_by(CertificatePrint.printed_at.desc())
        ).all()
        return [PrintRow(number, row.printed_at, row.printed_by, row.reprint, row.reason, row.destination)
                for number, row in rows]


def audit_rows(db: Database, text: str = "", limit: int = 500) -> list[AuditRow]:
    """Return the newest `limit` audit rows whose actor, action or entity contains `text`."""
    with db.session() as session:
        statement = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
        text = text.strip()
        if text:
            pattern = f"%{text}%"
            statement = statement.where(AuditEntry.actor.ilike(pattern) | AuditEntry.action.ilike(pattern)
                                        | AuditEntry.entity.ilike(pattern))
        return [AuditRow(row.seq, row.at, row.actor, row.action, row.entity, row.entity_id, row.details)
                for row in session.scalars(statement)]
