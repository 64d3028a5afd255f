"""The outbox as the sync uses it: pending changes in seq order, the registry's results, and rejected changes.

A change is marked delivered only in the transaction that stores the registry's result, which runs
after the response has arrived; until then it stays pending and the next run sends it again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, update

from nwrc_desktop.store.database import Database
from nwrc_desktop.store.journal import Actor, audit
from nwrc_desktop.store.models import Outbox, utc_now
from nwrc_desktop.store.permissions import Permission, require
from nwrc_desktop.sync.protocol import BatchAnswer, QueuedChange

log = logging.getLogger(__name__)

PENDING = "pending"
DELIVERED = "delivered"
REJECTED = "rejected"
# A rejected change someone decided not to send again; it stays in the outbox for the record.
DISMISSED = "dismissed"


class OutboxError(ValueError):
    """A queued change cannot be retried or dismissed; the message gives the reason."""


@dataclass(frozen=True)
class OutboxEntry:
    """One queued change with its state and the registry's last result; plain data for the GUI and CLI."""

    seq: int
    change_id: str
    kind: str
    entity_id: str
    created_at: dt.datetime
    actor: str
    state: str
    attempts: int
    answered_at: dt.datetime | None
    answer: str | None
    reason: str | None


def _entry(row: Outbox) -> OutboxEntry:
    return OutboxEntry(
        row.seq,
        row.change_id,
        row.kind,
        row.entity_id,
        row.created_at,
        row.actor,
        row.state,
        row.attempts,
        row.answered_at,
        row.answer,
        row.reason,
    )


def next_pending(db: Database, after_seq: int, limit: int) -> list[QueuedChange]:
    """Return up to `limit` pending changes with seq above `after_seq`, in seq order."""
    with db.session() as session:
        rows = session.execute(
            select(
                Outbox.seq,
                Outbox.change_id,
                Outbox.kind,
                Outbox.entity_id,
                Outbox.payload,
                Outbox.created_at,
                Outbox.actor,
            )
            .where(Outbox.state == PENDING, Outbox.seq > after_seq)
            .order_by(Outbox.seq)
            .limit(limit)
        ).all()
    return [QueuedChange(*row) for row in rows]


_ANSWER = (
    update(Outbox.__table__)
    .where(Outbox.__table__.c.seq == bindparam("row_seq"))
    .values(
        state=bindparam("new_state"),
        answer=bindparam("new_answer"),
        reason=bindparam("new_reason"),
        answered_at=bindparam("new_answered_at"),
        attempts=Outbox.__table__.c.attempts + 1,
    )
)


def store_answers(db: Database, changes: list[QueuedChange], answer: BatchAnswer) -> list[QueuedChange]:
    """Store the registry's result for each change in one transaction; return the changes left unanswered."""
    now = utc_now()
    params = []
    unanswered = []
    for change in changes:
        item = answer.answers.get(change.change_id)
        if item is None:
            unanswered.append(change)
            continue
        params.append(
            {
                "row_seq": change.seq,
                "new_state": REJECTED if item.result == "rejected" else DELIVERED,
                "new_answer": item.result,
                "new_reason": item.reason,
                "new_answered_at": now,
            }
        )
    if params:
        with db.session() as session:
            session.connection().execute(_ANSWER, params)
    return unanswered


def reject_locally(db: Database, change: QueuedChange, reason: str) -> None:
    """Mark a change rejected without the registry applying it, for a change that cannot be sent as it is."""
    with db.session() as session:
        session.connection().execute(
            _ANSWER,
            [
                {
                    "row_seq": change.seq,
                    "new_state": REJECTED,
                    "new_answer": REJECTED,
                    "new_reason": reason,
                    "new_answered_at": utc_now(),
                }
            ],
        )
    log.warning("change %s (%s) rejected before sending: %s", change.change_id, change.kind, reason)


def count_attempt(db: Database, changes: Iterable[QueuedChange]) -> None:
    """Count a failed send for changes that got no result."""
    seqs = [change.seq for change in changes]
    if not seqs:
        return
    with db.session() as session:
        session.execute(update(Outbox).where(Outbox.seq.in_(seqs)).values(attempts=Outbox.attempts + 1))


def counts_by_state(db: Database) -> dict[str, int]:
    with db.session() as session:
        rows = session.execute(select(Outbox.state, func.count()).group_by(Outbox.state)).all()
    return {state: count for state, count in rows}


def list_changes(db: Database, state: str, *, limit: int | None = None) -> list[OutboxEntry]:
    """Return the changes in `state` (pending, rejected, delivered or dismissed), oldest first."""
    with db.session() as session:
        statement = select(Outbox).where(Outbox.state == state).order_by(Outbox.seq)
        if limit is not None:
            statement = statement.limit(limit)
        return [_entry(row) for row in session.scalars(statement)]


def list_pending(db: Database, *, limit: int | None = None) -> list[OutboxEntry]:
    return list_changes(db, PENDING, limit=limit)


def list_rejected(db: Database, *, limit: int | None = None) -> list[OutboxEntry]:
    """Return the changes the registry rejected, each with its reason, oldest first."""
    return list_changes(db, REJECTED, limit=limit)


def _rejected_row(session, change_id: str) -> Outbox:  # noqa: ANN001
    row = session.scalar(select(Outbox).where(Outbox.change_id == change_id))
    if row is None:
        raise OutboxError(f"no queued change {change_id}; list rejected changes with 'nwrc-desktop sync --rejected'")
    if row.state != REJECTED:
        raise OutboxError(f"change {change_id} is {row.state}, not rejected; only rejected changes can be changed")
    return row


def retry_rejected(db: Database, actor: Actor, change_id: str, note: str | None = None) -> OutboxEntry:
    """Queue a rejected change again, for example after the cause was fixed at the registry; audited."""
    require(actor, Permission.SYNC)
    with db.session() as session:
        row = _rejected_row(session, change_id)
        previous_reason = row.reason
        row.state = PENDING
        row.answer = None
        row.reason = None
        row.answered_at = None
        audit(
            session,
            actor,
            "sync.retry",
            "outbox",
            None,
            {"change_id": change_id, "kind": row.kind, "rejected_for": previous_reason, "note": note},
        )
        session.flush()
        return _entry(row)


def dismiss_rejected(db: Database, actor: Actor, change_id: str, reason: str) -> OutboxEntry:
    """Mark a rejected change as not to be sent again; the row stays, and the reason goes to the audit log."""
    require(actor, Permission.MANAGE_SITE)
    reason = " ".join((reason or "").split())
    if not reason:
        raise OutboxError("reason: missing; say why the rejected change need not reach the registry")
    with db.session() as session:
        row = _rejected_row(session, change_id)
        row.state = DISMISSED
        audit(
            session,
            actor,
            "sync.dismiss",
            "outbox",
            None,
            {"change_id": change_id, "kind": row.kind, "rejected_for": row.reason, "reason": reason},
        )
        session.flush()
        return _entry(row)
