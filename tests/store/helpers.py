"""Counting rows, for the transaction tests."""

from sqlalchemy import func, select

from nwrc_desktop.store.models import AuditEntry, Base, Outbox


def counts(db) -> dict[str, int]:
    """Return the number of rows in every table of the store."""
    with db.session() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


def last_outbox(db, n: int = 1) -> list[Outbox]:
    with db.session() as session:
        return list(session.scalars(select(Outbox).order_by(Outbox.seq.desc()).limit(n)))[::-1]


def last_audit(db) -> AuditEntry:
    with db.session() as session:
        return session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
