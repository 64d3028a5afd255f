"""Sync against a real registry process: delivery, responses lost in transit, failures, rejections, tokens."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid

import pytest
from sqlalchemy import select, update

from nwrc_desktop.certificates.signing import payload_from_canonical_bytes, verification_url
from nwrc_desktop.secrets import get_secret
from nwrc_desktop.store.credentials import get_credential, list_credentials
from nwrc_desktop.store.journal import queue_change
from nwrc_desktop.store.models import AuditEntry, Outbox, Site
from nwrc_desktop.store.printing import NotPrintable, prepare, verify_base_url
from nwrc_desktop.sync.client import RegistryClient, RetryPolicy
from nwrc_desktop.sync.commands import (
    TOKEN_SECRET,
    EnrolmentError,
    NotEnrolled,
    enroll,
    look_up_learners,
    run_sync,
)
from nwrc_desktop.sync.lock import SyncAlreadyRunning, SyncLock
from nwrc_desktop.sync.outbox import dismiss_rejected, list_rejected, retry_rejected
from nwrc_desktop.sync.run import sync_once
from nwrc_registry.models import Credential as RegistryCredential
from nwrc_registry.models import Learner as RegistryLearner
from nwrc_registry.models import SiteToken

from .conftest import ADMIN, PROCTOR, STAFF, make_site
from .tcp_proxy import FaultyProxy, Rule
from .work import add_learners, outbox_change_ids, outbox_states, pass_soft_skills, registry_change_ids

FAST_RETRIES = RetryPolicy(max_attempts=5, base_delay=0.05, max_delay=5.0, max_total_wait=20.0)


def enrol(site, registry, url: str | None = None) -> None:
    code = registry.add_site("TX014", "Pecos County Workforce Center")
    enroll(site, url or registry.url, "TX014", code, actor=ADMIN)


def assert_exactly_once(site, registry) -> None:
    """Every queued change is delivered, and the registry applied each of them once."""
    assert outbox_states(site) == {"delivered": len(outbox_change_ids(site))}
    assert registry_change_ids(registry) == outbox_change_ids(site)


def test_enrol_then_sync_delivers_everything(site, registry):
    enrol(site, registry)
    learners = add_learners(site, STAFF, 3)
    pass_soft_skills(site, PROCTOR, learners[0])

    report = run_sync(site)

    assert report.error is None
    assert report.exit_code == 0
    assert report.accepted == len(outbox_change_ids(site))
    assert_exactly_once(site, registry)
    entry = registry.stats()["sites"]["TX014"]
    assert entry["learners"] == 3
    assert entry["scores"] == 1
    assert entry["credentials"] == 1
    with site.session() as session:
        stored = session.scalar(select(Site))
        assert stored.last_sync_at is not None
        assert abs(stored.clock_offset_seconds) < 5

    again = run_sync(site)
    assert again.sent == 0
    assert again.exit_code == 0


def test_enrolment_keeps_token_in_keyring_only(site, registry, memory_keyring):
    enrol(site, registry)
    with site.session() as session:
        stored = session.scalar(select(Site))
        assert stored.registry_url == registry.url
        assert stored.enrolled_at is not None
        audit_text = " ".join(session.scalars(select(AuditEntry.details)))
    token = memory_keyring.get_password("nwrc-desktop", f"{stored.id}:registry-token")
    assert token
    assert token not in audit_text
    assert token not in site.path.read_bytes().decode("latin-1")


def test_enrolment_with_wrong_code_or_site(site, registry):
    registry.add_site("TX014", "Pecos County Workforce Center")
    with pytest.raises(EnrolmentError, match="new code"):
        enroll(site, registry.url, "TX014", "AAAA-BBBB-CCCC-DDDD", actor=ADMIN)
    with pytest.raises(EnrolmentError, match="does not match"):
        enroll(site, registry.url, "TX999", "AAAA-BBBB-CCCC-DDDD", actor=ADMIN)
    with pytest.raises(EnrolmentError, match="not encrypted"):
        enroll(site, "http://registry.example.org", "TX014", "AAAA-BBBB-CCCC-DDDD", actor=ADMIN)
    with pytest.raises(NotEnrolled):
        run_sync(site)


@pytest.fixture(params=["postgresql", "sqlite"])
def any_registry(request):
    return request.getfixturevalue("registry" if request.param == "postgresql" else "sqlite_registry")


def test_answer_lost_after_commit_then_retry(site, any_registry):
    proxy = FaultyProxy(any_registry.port)
    try:
        enrol(site, any_registry, proxy.url)
        add_learners(site, STAFF, 30)
        stranger = str(uuid.uuid4())
        bad = queue_raw(site, "learner.updated", stranger, {"learner_id": stranger, "last_name": "Nobody"})
        proxy.add(Rule("/api/v1/changes", "cut"))

        report = run_sync(site, batch_size=10, policy=FAST_RETRIES)
    finally:
        proxy.close()

    assert ("POST", "/api/v1/changes", "cut") in proxy.seen
    assert report.exit_code == 1
    # The first batch was applied before its response was lost, so the retry found all ten applied.
    assert report.duplicate == 10
    assert report.accepted == 20
    assert [item.change_id for item in report.rejected] == [bad]
    assert outbox_states(site) == {"delivered": 30, "rejected": 1}
    assert registry_change_ids(any_registry) == outbox_change_ids(site, "delivered")
    assert any_registry.stats()["sites"]["TX014"]["learners"] == 30


def test_answer_lost_and_run_abandoned_then_next_run(site, registry, proxy):
    enrol(site, registry, proxy.url)
    add_learners(site, STAFF, 5)
    proxy.add(Rule("/api/v1/changes", "cut"), times=2)
    one_try = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=1.0, max_total_wait=5.0)

    failed = run_sync(site, policy=one_try)
    assert failed.error is not None
    assert failed.exit_code == 1
    assert outbox_states(site) == {"pending": 5}
    assert len(registry_change_ids(registry)) == 5

    report = run_sync(site, policy=one_try)
    assert report.duplicate == 5
    assert_exactly_once(site, registry)
    with site.session() as session:
        # One failed send (with its retries inside the client) and one send that got a response.
        assert set(session.scalars(select(Outbox.attempts))) == {2}


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried(site, registry, proxy, status):
    enrol(site, registry, proxy.url)
    add_learners(site, STAFF, 4)
    proxy.add(Rule("/api/v1/changes", "status", status=status), times=2)

    report = run_sync(site, policy=FAST_RETRIES)

    batch_requests = [what for _, path, what in proxy.seen if path == "/api/v1/changes"]
    assert batch_requests == [f"status {status}", f"status {status}", "forwarded"]
    assert report.exit_code == 0
    assert_exactly_once(site, registry)


def test_retry_after_is_honoured(site, registry, proxy):
    enrol(site, registry, proxy.url)
    add_learners(site, STAFF, 2)
    proxy.add(Rule("/api/v1/changes", "status", status=503, headers={"Retry-After": "1"}))

    started = time.monotonic()
    report = run_sync(site, policy=FAST_RETRIES)
    elapsed = time.monotonic() - started

    assert report.exit_code == 0
    assert elapsed >= 1.0
    assert_exactly_once(site, registry)


def test_retry_after_beyond_bound_ends_run(site, registry, proxy):
    enrol(site, registry, proxy.url)
    add_learners(site, STAFF, 2)
    proxy.add(Rule("/api/v1/changes", "status", status=503, headers={"Retry-After": "3600"}))

    started = time.monotonic()
    report = run_sync(site, policy=FAST_RETRIES)

    assert time.monotonic() - started < 5
    assert "asked to wait 3600 s" in report.error
    assert outbox_states(site) == {"pending": 2}
    assert run_sync(site, policy=FAST_RETRIES).exit_code == 0
    assert_exactly_once(site, registry)


def test_registry_down_keeps_everything_pending(site, registry):
    enrol(site, registry)
    add_learners(site, STAFF, 2)
    with site.session() as session:
        session.scalar(select(Site)).registry_url = "http://127.0.0.1:9"

    report = run_sync(site, policy=RetryPolicy(max_attempts=2, base_delay=0.01, max_total_wait=1.0))

    assert report.exit_code == 1
    assert "failed 2 times" in report.error
    assert outbox_states(site) == {"pending": 2}


def queue_raw(site, kind: str, entity_id: str, payload: dict) -> str:
    with site.session() as session:
        row = queue_change(session, STAFF, kind, entity_id, payload)
        session.flush()
        return row.change_id


def test_batch_with_one_rejected_change(site, registry):
    enrol(site, registry)
    add_learners(site, STAFF, 2)
    stranger = str(uuid.uuid4())
    bad = queue_raw(site, "learner.updated", stranger, {"learner_id": stranger, "last_name": "Nobody"})
    add_learners(site, STAFF, 2)

    report = run_sync(site)

    assert report.accepted == 4
    assert report.rejected_count == 1
    assert report.exit_code == 1
    assert report.rejected[0].change_id == bad
    assert any(bad in line and "rejected" in line for line in report.summary_lines())
    rejected = list_rejected(site)
    assert [entry.change_id for entry in rejected] == [bad]
    assert "invalid payload" in rejected[0].reason

    # Running again sends nothing: a rejected change waits for a person.
    again = run_sync(site)
    assert again.sent == 0
    assert again.rejected_waiting == 1

    dismissed = dismiss_rejected(site, ADMIN, bad, "test learner that never existed")
    assert dismissed.state == "dismissed"
    assert run_sync(site).exit_code == 0
    with site.session() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("sync.%"))))
    assert actions == ["sync.dismiss"]


def test_rejected_change_retried_after_fix(site, registry):
    enrol(site, registry)
    [learner_id] = add_learners(site, STAFF, 1)
    with site.session() as session:
        payload = json.loads(session.scalar(select(Outbox.payload).order_by(Outbox.seq.desc()).limit(1)))
        session.execute(update(Outbox).values(kind="learner.updated"))
    first = run_sync(site)
    assert first.rejected_count == 1
    assert "not known to the registry" in first.rejected[0].reason

    # Headquarters' records catch up (here: the registration arrives under another change).
    queue_raw(site, "learner.registered", learner_id, payload)
    second = run_sync(site)
    assert second.accepted == 1
    retry_rejected(site, STAFF, first.rejected[0].change_id, "registration arrived")
    third = run_sync(site)
    assert third.accepted == 1
    assert third.exit_code == 0


def test_second_site_cannot_write_first_sites_learner(site, registry, tmp_path):
    enrol(site, registry)
    [learner_id] = add_learners(site, STAFF, 1)
    assert run_sync(site).exit_code == 0

    other = make_site(tmp_path / "other", "TX020", "Second Center")
    try:
        code = registry.add_site("TX020", "Second Center")
        enroll(other, registry.url, "TX020", code, actor=ADMIN)
        payload = {
            "learner_id": learner_id,
            "learner_number": "TX020-000001",
            "first_name": "Taken",
            "middle_name": "",
            "last_name": "Over",
            "date_of_birth": "1990-01-01",
        }
        bad = queue_raw(other, "learner.updated", learner_id, payload)
        report = run_sync(other)
    finally:
        other.close()

    assert report.rejected_count == 1
    assert report.rejected[0].change_id == bad
    assert "belongs to another site" in report.rejected[0].reason
    with registry.database.session() as session:
        assert session.get(RegistryLearner, learner_id).last_name == "Testcase"
    assert_exactly_once(site, registry)


def test_expired_token_is_refused_then_re_enrolment(site, registry):
    enrol(site, registry)
    add_learners(site, STAFF, 3)
    with registry.database.session() as session:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        session.execute(update(SiteToken).values(expires_at=past))

    refused = run_sync(site)
    assert refused.exit_code == 1
    assert "enrol the site again" in refused.error
    assert outbox_states(site) == {"pending": 3}
    assert registry_change_ids(registry) == set()

    enroll(site, registry.url, "TX014", registry.new_code("TX014"), actor=ADMIN)
    assert run_sync(site).exit_code == 0
    assert_exactly_once(site, registry)


def test_revocation_reaches_the_site_and_blocks_printing(site, registry):
    enrol(site, registry)
    [learner_id] = add_learners(site, STAFF, 1)
    pass_soft_skills(site, PROCTOR, learner_id)
    assert run_sync(site).exit_code == 0
    [credential] = list_credentials(site, learner_id=learner_id)
    number = credential.certificate_number

    with registry.database.session() as session:
        from nwrc_registry import admin

        admin.revoke_certificate(session, number, "score report withdrawn")
    report = run_sync(site)

    assert report.revoked == [number]
    assert get_credential(site, number).status == "revoked"
    with pytest.raises(NotPrintable, match="revoked"):
        prepare(site, [credential.id])
    # The revocation came from the registry, so it is not queued back to it.
    assert report.exit_code == 0
    assert run_sync(site).revoked == []


def test_certificate_verifies_on_registry_before_and_after_sync(site, registry):
    import httpx

    enrol(site, registry)
    [learner_id] = add_learners(site, STAFF, 1)
    pass_soft_skills(site, PROCTOR, learner_id)
    [credential] = list_credentials(site, learner_id=learner_id)
    with site.session() as session:
        stored_site = session.scalar(select(Site))
        from nwrc_desktop.store.models import Credential

        row = session.get(Credential, credential.id)
        payload = payload_from_canonical_bytes(row.signed_payload.encode())
        url = verification_url(verify_base_url(stored_site), payload, row.signature)

    before = httpx.get(url + "&format=json").json()
    assert before["verdict"] == "valid"
    assert before["synced"] is False
    assert run_sync(site).exit_code == 0
    after = httpx.get(url, headers={"Accept": "application/json"}).json()
    assert after["synced"] is True
    with registry.database.session() as session:
        assert session.get(RegistryCredential, credential.id).status == "active"


def test_settings_arrive_with_pull(site, registry):
    enrol(site, registry)
    with registry.database.session() as session:
        from nwrc_registry import admin

        admin.set_site_settings(session, "TX014", {"idle_lock_minutes": 5})
    report = run_sync(site)
    assert report.settings_updated is True
    with site.session() as session:
        assert json.loads(session.scalar(select(Site.settings)))["idle_lock_minutes"] == 5


def test_look_up_learner_registered_at_another_site(site, registry, tmp_path):
    enrol(site, registry)
    add_learners(site, STAFF, 1)
    assert run_sync(site).exit_code == 0
    with site.session() as session:
        external_id = json.loads(session.scalar(select(Outbox.payload)))["external_id"]

    other = make_site(tmp_path / "other", "TX020", "Second Center")
    try:
        enroll(other, registry.url, "TX020", registry.add_site("TX020", "Second Center"), actor=ADMIN)
        matches = look_up_learners(other, external_id=external_id)
    finally:
        other.close()
    assert [match["site_code"] for match in matches] == ["TX014"]


def test_clock_skew_is_reported(site, registry):
    enrol(site, registry)
    add_learners(site, STAFF, 1)
    with site.session() as session:
        token = memory_token(session)

    def slow_clock() -> dt.datetime:
        return dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20)

    with RegistryClient(registry.url, token, clock=slow_clock) as client:
        report = sync_once(site, client)

    assert report.exit_code == 0
    assert any("20 minutes behind" in warning for warning in report.warnings)
    assert report.clock_offset_seconds == pytest.approx(1200, abs=30)
    with site.session() as session:
        assert session.scalar(select(Site.clock_offset_seconds)) == pytest.approx(1200, abs=30)
    assert_exactly_once(site, registry)


def memory_token(session) -> str:  # noqa: ANN001
    site_id = session.scalar(select(Site.id))
    return get_secret(site_id, TOKEN_SECRET).decode()


def test_one_sync_at_a_time(site, registry):
    enrol(site, registry)
    with SyncLock(site.data_dir):
        with pytest.raises(SyncAlreadyRunning):
            run_sync(site)


def test_max_batches_leaves_the_rest_pending(site, registry):
    enrol(site, registry)
    add_learners(site, STAFF, 25)
    report = run_sync(site, batch_size=10, max_batches=2)
    assert report.sent == 20
    assert report.pending == 5
    assert report.exit_code == 1
    assert run_sync(site).exit_code == 0
    assert_exactly_once(site, registry)


def test_sqlite_registry_round_trip(site, sqlite_registry):
    enrol(site, sqlite_registry)
    [learner_id] = add_learners(site, STAFF, 1)
    pass_soft_skills(site, PROCTOR, learner_id)
    assert run_sync(site).exit_code == 0
    assert_exactly_once(site, sqlite_registry)
