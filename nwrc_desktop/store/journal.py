"""The two rows every change writes beside its domain rows: an outbox row to send, and an audit row.

Both are added to the caller's ORM session, so they commit or roll back with the domain rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nwrc_desktop.domain.assessments import Role
from nwrc_desktop.store.models import AuditEntry, Outbox, utc_now

GENESIS_HASH = "0" * 64
# The session.info key under which queue_change collects the outbox rows that the next audit row covers.
QUEUED_KEY = "nwrc_queued_changes"


@dataclass(frozen=True)
class Actor:
    """The account that acts: a signed-in user, or the account a headless command names."""

    username: str
    role: Role


SYSTEM = Actor("system", Role.ADMIN)


def _json_default(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot put {type(value).__name__} into a change payload")


def to_json(data: Any) -> str:
    return json.dumps(data, default=_json_default, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def queue_change(session: Session, actor: Actor, kind: str, entity_id: str, payload: dict[str, Any]) -> Outbox:
    """Add one change for the registry to the outbox, in the caller's transaction."""
    row = Outbox(kind=kind, entity_id=entity_id, payload=to_json(payload), actor=actor.username)
    session.add(row)
    session.info.setdefault(QUEUED_KEY, []).append(row)
    return row


def _entry_hash(entry: AuditEntry) -> str:
    content = to_json(
        [entry.at, entry.actor, entry.action, entry.entity, entry.entity_id, entry.details, entry.prev_hash]
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def audit(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: str | None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append a row to the hash-chained audit log, in the caller's transaction.

    The caller's transaction began with BEGIN IMMEDIATE, so no other writer can append between
    reading the last hash and inserting this row.
    """
    session.flush()
    details = dict(details or {})
    queued = session.info.pop(QUEUED_KEY, [])
    if queued:
        # The audit row names the outbox rows queued with it, so `check` can tell when one is deleted.
        details["outbox_seq"] = [min(row.seq for row in queued), max(row.seq for row in queued)]
    previous = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1))
    entry = AuditEntry(
        at=utc_now(),
        actor=actor.username,
        action=action,
        entity=entity,
        entity_id=entity_id,
        details=to_json(details),
        prev_hash=previous or GENESIS_HASH,
    )
    entry.hash = _entry_hash(entry)
    session.add(entry)
    session.flush()
    return entry


def missing_outbox_rows(session: Session) -> int:
    """Return how many outbox rows named by audit rows are gone; the program never deletes one."""
    expected = 0
    for details in session.scalars(select(AuditEntry.details).where(AuditEntry.details.contains('"outbox_seq"'))):
        first, last = json.loads(details)["outbox_seq"]
        expected += last - first + 1
    present = session.scalar(select(func.count()).select_from(Outbox))
    return max(0, expected - present)


def broken_audit_rows(session: Session) -> list[int]:
    """Return the seq of every audit row whose hash or link to the previous row does not match."""
    broken = []
    previous = GENESIS_HASH
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        if entry.prev_hash != previous or _entry_hash(entry) != entry.hash:
            broken.append(entry.seq)
        previous = entry.hash
    return broken
