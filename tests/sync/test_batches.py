"""Changes the registry cannot read are isolated and rejected one by one; the rest of the queue goes on."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from nwrc_desktop.store.models import Outbox
from nwrc_desktop.sync.commands import enroll, run_sync
from nwrc_desktop.sync.outbox import list_rejected
from nwrc_desktop.sync.protocol import MAX_BATCH_BYTES
from nwrc_desktop.sync.run import MAX_UNREADABLE_PER_RUN
from nwrc_registry.models import Learner

from .conftest import ADMIN, STAFF
from .work import add_learners, outbox_states, registry_change_ids


def enrol(site, registry) -> None:
    enroll(site, registry.url, "TX014", registry.add_site("TX014", "Pecos County Workforce Center"), actor=ADMIN)


def queue_row(site, **fields) -> str:
    """Add an outbox row as given, bypassing the services, to stand for a damaged or odd queue entry."""
    values = {"kind": "learner.updated", "entity_id": str(uuid.uuid4()), "payload": "{}", "actor": "staff1"}
    values.update(fields)
    with site.session() as session:
        row = Outbox(**values)
        session.add(row)
        session.flush()
        return row.change_id


def test_envelope_the_registry_cannot_read_is_isolated(site, registry):
    enrol(site, registry)
    add_learners(site, STAFF, 6)
    bad = queue_row(site, entity_id="x" * 80)
    add_learners(site, STAFF, 6)

    report = run_sync(site, batch_size=20)

    assert report.accepted == 12
    assert report.rejected_count == 1
    [rejected] = list_rejected(site)
    assert rejected.change_id == bad
    assert "(422)" in rejected.reason
    assert "entity_id" in rejected.reason
    assert bad not in registry_change_ids(registry)
    assert outbox_states(site) == {"delivered": 12, "rejected": 1}


def test_unreadable_payload_is_rejected_before_sending(site, registry):
    enrol(site, registry)
    bad_json = queue_row(site, payload="{not json")
    not_object = queue_row(site, payload="[1, 2]")
    add_learners(site, STAFF, 2)

    report = run_sync(site)

    reasons = {entry.change_id: entry.reason for entry in list_rejected(site)}
    assert "not valid JSON" in reasons[bad_json]
    assert "not a JSON object" in reasons[not_object]
    assert report.accepted == 2
    assert registry_change_ids(registry).isdisjoint({bad_json, not_object})


def test_change_over_byte_limit_is_rejected_locally(site, registry):
    enrol(site, registry)
    add_learners(site, STAFF, 1)
    huge = queue_row(site, payload='{"notes": "' + "x" * MAX_BATCH_BYTES + '"}')
    add_learners(site, STAFF, 1)

    report = run_sync(site)

    assert report.accepted == 2
    [rejected] = list_rejected(site)
    assert rejected.change_id == huge
    assert "more than a batch may carry" in rejected.reason


def test_batches_split_by_bytes_keep_order(site, registry):
    enrol(site, registry)
    [learner_id] = add_learners(site, STAFF, 1)
    padding = "x" * (MAX_BATCH_BYTES // 3)
    # Three updates that fit two to a batch; the registry applies them in seq order, the last one wins.
    for number in range(3):
        payload = (
            f'{{"learner_id": "{learner_id}", "learner_number": "TX014-000001", "last_name": "Name{number}",'
            f' "date_of_birth": "1990-01-02", "notes": "{padding}"}}'
        )
        queue_row(site, entity_id=learner_id, payload=payload)

    report = run_sync(site)

    assert report.exit_code == 0
    assert report.batches == 2
    with registry.database.session() as session:
        assert session.get(Learner, learner_id).last_name == "Name2"
    with site.session() as session:
        assert set(session.scalars(select(Outbox.state))) == {"delivered"}


def test_run_stops_when_registry_reads_nothing(site, registry):
    enrol(site, registry)
    for _ in range(MAX_UNREADABLE_PER_RUN + 5):
        queue_row(site, entity_id="x" * 80)

    report = run_sync(site, batch_size=4)

    assert "could not read 10 changes" in report.error
    assert outbox_states(site) == {"rejected": MAX_UNREADABLE_PER_RUN, "pending": 5}
