"""A sync process killed at random instants loses nothing and duplicates nothing at the registry."""

from __future__ import annotations

import logging
import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import select

from nwrc_desktop.store.database import Database
from nwrc_desktop.store.models import Outbox, Site
from nwrc_desktop.sync.client import RetryPolicy
from nwrc_desktop.sync.commands import TOKEN_SECRET, enroll, run_sync

from .conftest import ADMIN, REPO_ROOT, STAFF, start_registry, stop_registry
from .work import add_learners, outbox_change_ids, outbox_states, registry_change_ids

log = logging.getLogger(__name__)

KILLS = 20
LEARNERS_PER_ROUND = 40
BATCH_SIZE = 5
# Kills land this long after the worker reports that it starts syncing; one round's sync takes about 0.5 s (estimate).
KILL_AFTER_SECONDS = (0.0, 0.8)
WORKER_TIMEOUT_SECONDS = 60


def worker_environment(tmp_path) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("NWRC_")}
    environment["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT / "tests" / "support"), str(REPO_ROOT)])
    environment["PYTHON_KEYRING_BACKEND"] = "file_keyring.FileKeyring"
    environment["NWRC_TEST_KEYRING_FILE"] = str(tmp_path / "keyring.json")
    return environment


def copy_token_to_file_keyring(site, memory_keyring, environment, monkeypatch) -> None:
    sys.path.insert(0, str(REPO_ROOT / "tests" / "support"))
    try:
        from file_keyring import FileKeyring
    finally:
        sys.path.pop(0)
    with site.session() as session:
        site_id = session.scalar(select(Site.id))
    username = f"{site_id}:{TOKEN_SECRET}"
    monkeypatch.setenv("NWRC_TEST_KEYRING_FILE", environment["NWRC_TEST_KEYRING_FILE"])
    FileKeyring().set_password("nwrc-desktop", username, memory_keyring.get_password("nwrc-desktop", username))


def check_invariants(site, registry) -> tuple[int, int]:
    """Assert that nothing is lost or doubled; return (delivered, applied but not yet confirmed)."""
    local = outbox_change_ids(site)
    delivered = outbox_change_ids(site, "delivered")
    applied = registry_change_ids(registry)
    assert applied <= local, "the registry holds a change the site never queued"
    assert delivered <= applied, "a change marked delivered is missing at the registry"
    assert outbox_states(site).get("rejected", 0) == 0
    return len(delivered), len(applied - delivered)


@pytest.mark.slow
def test_sync_killed_at_random_points(site, registry, memory_keyring, tmp_path, monkeypatch):
    enroll(site, registry.url, "TX014", registry.add_site("TX014", "Pecos County Workforce Center"), actor=ADMIN)
    environment = worker_environment(tmp_path)
    copy_token_to_file_keyring(site, memory_keyring, environment, monkeypatch)
    site.close()
    rng = random.Random(int(os.environ.get("NWRC_KILL_TEST_SEED", "20261204")))

    killed_mid_sync = 0
    answers_lost = 0
    finished = 0
    for _ in range(KILLS):
        database = Database(site.data_dir)
        try:
            add_learners(database, STAFF, LEARNERS_PER_ROUND)
            delivered_before, _ = check_invariants(database, registry)
        finally:
            database.close()

        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.sync.sync_worker", str(site.data_dir), str(BATCH_SIZE)],
            cwd=REPO_ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert worker.stdout.readline() == b"syncing\n"
        time.sleep(rng.uniform(*KILL_AFTER_SECONDS))
        if worker.poll() is None:
            worker.send_signal(signal.SIGKILL)
        else:
            finished += 1
        worker.wait(timeout=WORKER_TIMEOUT_SECONDS)
        worker.stdout.close()

        database = Database(site.data_dir)
        try:
            delivered_after, unconfirmed = check_invariants(database, registry)
        finally:
            database.close()
        if delivered_before < delivered_after < len(outbox_change_ids_of(site.data_dir)):
            killed_mid_sync += 1
        if unconfirmed:
            answers_lost += 1

    database = Database(site.data_dir)
    try:
        report = run_sync(database)
        assert report.error is None
        assert report.exit_code == 0
        queued = outbox_change_ids(database)
        assert outbox_states(database) == {"delivered": len(queued)}
        assert registry_change_ids(registry) == queued
        with database.session() as session:
            answers = set(session.scalars(select(Outbox.answer)))
        assert answers <= {"accepted", "duplicate"}
    finally:
        database.close()
    log.info(
        "kill test: %d kills inside a sync, %d with answers lost after commit, %d runs finished first",
        killed_mid_sync,
        answers_lost,
        finished,
    )
    assert registry.stats()["sites"]["TX014"]["learners"] == KILLS * LEARNERS_PER_ROUND
    # Without kills landing inside a sync the test would prove nothing.
    assert killed_mid_sync + answers_lost > 0, f"no kill landed inside a sync ({finished} runs finished)"


def outbox_change_ids_of(data_dir) -> set[str]:
    database = Database(data_dir)
    try:
        return outbox_change_ids(database)
    finally:
        database.close()


def test_registry_killed_during_sync(site, registry, tmp_path):
    enroll(site, registry.url, "TX014", registry.add_site("TX014", "Pecos County Workforce Center"), actor=ADMIN)
    add_learners(site, STAFF, 400)
    policy = RetryPolicy(max_attempts=2, base_delay=0.05, max_delay=1.0, max_total_wait=2.0)
    reports = []
    worker = threading.Thread(target=lambda: reports.append(run_sync(site, batch_size=5, policy=policy)))

    worker.start()
    # Kill the registry once it has applied part of the queue (bounded wait).
    deadline = time.monotonic() + WORKER_TIMEOUT_SECONDS
    while len(registry_change_ids(registry)) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    registry.process.send_signal(signal.SIGKILL)
    worker.join(timeout=WORKER_TIMEOUT_SECONDS)

    [cut_short] = reports
    assert cut_short.error is not None
    assert outbox_states(site)["pending"] > 0
    check_invariants(site, registry)

    restarted = start_registry(registry.database_url, tmp_path / "restarted.log")
    try:
        with site.session() as session:
            session.scalar(select(Site)).registry_url = restarted.url
        report = run_sync(site)
        assert report.exit_code == 0
        assert registry_change_ids(restarted) == outbox_change_ids(site)
        assert restarted.stats()["sites"]["TX014"]["learners"] == 400
    finally:
        stop_registry(restarted)
