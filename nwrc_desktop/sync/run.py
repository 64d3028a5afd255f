"""One sync run: send the outbox in seq order and in batches, store each answer, then pull.

Order of writes, which is what makes a run safe to cut off at any instant: a batch is read from the
outbox, sent, and only after the registry's response arrives is it stored, in one transaction. A run
killed before that transaction leaves the changes pending; the next run sends them again and the
registry answers "duplicate" for those it had already applied.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from nwrc_desktop.store.database import Database
from nwrc_desktop.store.models import Site, utc_now
from nwrc_desktop.sync import outbox
from nwrc_desktop.sync.client import (
    RegistryClient,
    RegistryError,
    RequestRejected,
    TokenRejected,
)
from nwrc_desktop.sync.lock import SyncLock
from nwrc_desktop.sync.protocol import (
    DEFAULT_BATCH_SIZE,
    MAX_BATCH_BYTES,
    MAX_BATCH_CHANGES,
    ProtocolError,
    QueuedChange,
    encode_batch,
)
from nwrc_desktop.sync.pull import PullResult, pull

log = logging.getLogger(__name__)

# A clock further than this from the registry's is reported, because certificates and scores carry dates.
CLOCK_WARNING_SECONDS = 300
# Rejected changes listed one by one in a report; more are counted only.
MAX_LISTED_REJECTIONS = 50
# A run that finds this many changes the registry cannot read ends, leaving the rest pending: a registry
# that rejects every change as malformed is more likely a version mismatch than a queue of bad changes.
MAX_UNREADABLE_PER_RUN = 10
# Room left in a batch body for the envelope, so a batch stays under the registry's byte limit.
_BODY_MARGIN = 1024


@dataclass(frozen=True)
class RejectedChange:
    change_id: str
    kind: str
    entity_id: str
    reason: str


@dataclass
class SyncReport:
    """The outcome of one sync run, for the command line, the GUI and a scheduler's log."""

    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    batches: int = 0
    sent: int = 0
    accepted: int = 0
    duplicate: int = 0
    rejected: list[RejectedChange] = field(default_factory=list)
    rejected_count: int = 0
    pending: int = 0
    rejected_waiting: int = 0
    revoked: list[str] = field(default_factory=list)
    unknown_revocations: list[str] = field(default_factory=list)
    settings_updated: bool = False
    clock_offset_seconds: float | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def delivered(self) -> int:
        return self.accepted + self.duplicate

    @property
    def ok(self) -> bool:
        """True when the run ended without error and nothing is left pending or rejected."""
        return self.error is None and self.pending == 0 and self.rejected_waiting == 0

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def summary_lines(self) -> list[str]:
        lines = [
            f"sent {self.sent} changes in {self.batches} batches: {self.accepted} accepted, "
            f"{self.duplicate} already at the registry, {self.rejected_count} rejected",
        ]
        for item in self.rejected:
            lines.append(f"  rejected {item.kind} {item.entity_id} (change {item.change_id}): {item.reason}")
        if self.rejected_count > len(self.rejected):
            lines.append(f"  and {self.rejected_count - len(self.rejected)} more rejected changes")
        lines.append(f"waiting: {self.pending} pending, {self.rejected_waiting} rejected and waiting for action")
        if self.revoked:
            lines.append(f"revocations applied: {', '.join(self.revoked)}")
        if self.unknown_revocations:
            lines.append(f"revocations of certificates not in this store: {', '.join(self.unknown_revocations)}")
        if self.settings_updated:
            lines.append("site settings updated from the registry")
        lines.extend(f"warning: {warning}" for warning in self.warnings)
        if self.error:
            lines.append(f"error: {self.error}")
        return lines


class NotEnrolled(RuntimeError):
    """The site has no registry address or no token yet."""


ClientFactory = Callable[[str, str], RegistryClient]


def sync_once(
    db: Database,
    client: RegistryClient,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_batches: int | None = None,
) -> SyncReport:
    """Run one sync with `client`, holding the data folder's sync lock; see the module docstring."""
    report = SyncReport(started_at=utc_now())
    with SyncLock(db.data_dir):
        try:
            _push(db, client, report, min(batch_size, MAX_BATCH_CHANGES), max_batches)
            if report.error is None:
                _apply_pull(db, client, report)
        except TokenRejected as error:
            report.error = f"{error}; an admin must enrol the site again with a new code from headquarters"
        except (RegistryError, ProtocolError) as error:
            report.error = str(error)
        finally:
            _finish(db, report)
    for line in report.summary_lines():
        log.info("sync: %s", line)
    return report


def _push(db: Database, client: RegistryClient, report: SyncReport, batch_size: int, max_batches: int | None) -> None:
    after_seq = 0
    limit = batch_size
    unreadable = 0
    while max_batches is None or report.batches < max_batches:
        changes = outbox.next_pending(db, after_seq, limit)
        if not changes:
            return
        batch = _fit_batch(db, changes, report)
        if not batch:
            after_seq = changes[0].seq
            continue
        try:
            answer, timed = client.send_batch(encode_batch([encoded for _, encoded in batch]))
        except RequestRejected as error:
            if error.status_code not in (413, 422):
                outbox.count_attempt(db, [change for change, _ in batch])
                raise
            if len(batch) == 1:
                change = batch[0][0]
                reason = f"the registry cannot read this change ({error.status_code}): {error.detail}"
                outbox.reject_locally(db, change, reason)
                _note_rejection(report, change, reason)
                after_seq = change.seq
                unreadable += 1
                if unreadable >= MAX_UNREADABLE_PER_RUN:
                    raise ProtocolError(
                        f"the registry could not read {unreadable} changes in this run, so the run stopped; "
                        "check that the program and the registry speak the same protocol version"
                    ) from error
                continue
            # Split the batch to find the change the registry cannot take; the rest still go.
            limit = max(1, len(batch) // 2)
            log.warning("registry rejected a batch of %d (%s); retrying in smaller batches", len(batch), error)
            continue
        except RegistryError:
            outbox.count_attempt(db, [change for change, _ in batch])
            raise

        sent = [change for change, _ in batch]
        unanswered = outbox.store_answers(db, sent, answer)
        report.batches += 1
        report.sent += len(sent)
        _check_clock(report, answer.registry_time, timed.local_time)
        for change in sent:
            item = answer.answers.get(change.change_id)
            if item is None:
                continue
            if item.result == "accepted":
                report.accepted += 1
            elif item.result == "duplicate":
                report.duplicate += 1
            else:
                _note_rejection(report, change, item.reason or "no reason given")
        if unanswered:
            outbox.count_attempt(db, unanswered)
            raise ProtocolError(
                f"the registry's response covered {len(sent) - len(unanswered)} of {len(sent)} changes; "
                "the others stay pending"
            )
        after_seq = sent[-1].seq
        limit = batch_size


def _fit_batch(db: Database, changes: list[QueuedChange], report: SyncReport) -> list[tuple[QueuedChange, str]]:
    """Encode changes in order until the byte limit; a change that can never be sent is rejected locally."""
    batch: list[tuple[QueuedChange, str]] = []
    size = 0
    for change in changes:
        problem = _unsendable(change)
        encoded = "" if problem else change.encode()
        length = len(encoded.encode("utf-8"))
        if problem is None and length > MAX_BATCH_BYTES - _BODY_MARGIN:
            problem = f"the change is {length} bytes, more than a batch may carry ({MAX_BATCH_BYTES} bytes)"
        if problem is not None:
            if batch:
                break  # send what precedes it first, so the order is kept
            outbox.reject_locally(db, change, problem)
            _note_rejection(report, change, problem)
            return []
        if batch and size + length > MAX_BATCH_BYTES - _BODY_MARGIN:
            break
        batch.append((change, encoded))
        size += length + 1
    return batch


def _unsendable(change: QueuedChange) -> str | None:
    try:
        payload = json.loads(change.payload)
    except ValueError as error:
        return f"the queued payload is not valid JSON: {error}"
    if not isinstance(payload, dict):
        return "the queued payload is not a JSON object"
    return None


def _note_rejection(report: SyncReport, change: QueuedChange, reason: str) -> None:
    report.rejected_count += 1
    if len(report.rejected) < MAX_LISTED_REJECTIONS:
        report.rejected.append(RejectedChange(change.change_id, change.kind, change.entity_id, reason))


def _check_clock(report: SyncReport, registry_time: dt.datetime, local_time: dt.datetime) -> None:
    offset = (registry_time - local_time).total_seconds()
    report.clock_offset_seconds = offset
    if abs(offset) > CLOCK_WARNING_SECONDS:
        direction = "behind" if offset > 0 else "ahead of"
        warning = (
            f"this computer's clock is {abs(offset) / 60:.0f} minutes {direction} the registry's; "
            "correct the date and time, because scores and certificates carry them"
        )
        if warning not in report.warnings:
            report.warnings.append(warning)


def _apply_pull(db: Database, client: RegistryClient, report: SyncReport) -> None:
    result: PullResult = pull(db, client)
    report.revoked = result.revoked
    report.unknown_revocations = result.unknown
    report.settings_updated = result.settings_updated
    if result.answers and result.local_time is not None:
        _check_clock(report, result.answers[-1].registry_time, result.local_time)


def _finish(db: Database, report: SyncReport) -> None:
    counts = outbox.counts_by_state(db)
    report.pending = counts.get(outbox.PENDING, 0)
    report.rejected_waiting = counts.get(outbox.REJECTED, 0)
    report.finished_at = utc_now()
    if report.error is None or report.clock_offset_seconds is not None:
        with db.session() as session:
            site = session.scalar(select(Site))
            if report.error is None:
                site.last_sync_at = report.finished_at
            if report.clock_offset_seconds is not None:
                site.clock_offset_seconds = report.clock_offset_seconds
