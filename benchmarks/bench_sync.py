"""Benchmark the sync client against bare httpx posting the same JSON, and its memory at two queue sizes.

Each run starts its own registry processes (``nwrc-registry serve``) on 127.0.0.1, each on a fresh
PostgreSQL database created on the server named by $NWRC_TEST_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test) and dropped at the end.

- Throughput: a site store with 10,000 queued changes (2,000 learners, each with 4 scores) is synced with
  ``run_sync`` to one registry. The baseline reads the same outbox rows with sqlite3 and posts the same
  JSON in the same batches of 200 with a bare ``httpx.Client`` to another registry, storing nothing.
  Every registry starts empty, so both arms cause the same work per change. Each arm runs twice, in
  the order baseline, ours, ours, baseline, and the best time of each counts.
- Memory: peak Python memory traced by ``tracemalloc`` during ``run_sync`` of 10,000 and of 100,000
  queued changes (learner registrations). The row carries MiB, not seconds: the 100,000 peak in the
  first column, the 10,000 peak in the second.

The queued changes are written straight to the outbox with the store's ``queue_change`` in large
transactions, because making 100,000 of them through the services one transaction at a time would take
longer than the benchmark itself.

Rows are (name, our_seconds, baseline_seconds, ratio). Run with ``python -m benchmarks.bench_sync``.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import gc
import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import keyring
import psycopg
from sqlalchemy import select

from nwrc_desktop.secrets import MemoryKeyring
from nwrc_desktop.store.accounts import init_site
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.journal import SYSTEM, queue_change
from nwrc_desktop.store.models import Site
from nwrc_desktop.sync.commands import enroll, run_sync
from nwrc_desktop.sync.protocol import DEFAULT_BATCH_SIZE
from nwrc_registry import admin
from nwrc_registry.database import Database as RegistryDatabase

ADMIN_DSN = os.environ.get("NWRC_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
THROUGHPUT_CHANGES = 10_000
# Each arm runs this many times, each on a fresh registry; the best time counts, because other load on
# the machine only ever adds time.
THROUGHPUT_ROUNDS = 2
MEMORY_SIZES = (10_000, 100_000)
SCORES_PER_LEARNER = 4
# Rows per store transaction while filling the outbox.
FILL_CHUNK = 5_000
START_TIMEOUT_SECONDS = 60
MIB = 1024 * 1024


def _admin(statement: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as connection:
        connection.execute(statement)


@contextlib.contextmanager
def registry_process(log_path: Path) -> Iterator[tuple[str, str]]:
    """Start a registry on a fresh PostgreSQL database; yield (base URL, database URL)."""
    name = f"nwrc_bench_{secrets.token_hex(6)}"
    _admin(f'CREATE DATABASE "{name}"')
    database_url = ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "nwrc_registry.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--database-url", database_url, "--log-level", "warning"]
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process)
        yield url, database_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_until_healthy(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the registry exited with status {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the registry did not become healthy within {START_TIMEOUT_SECONDS} s")


def add_registry_site(database_url: str, code: str, name: str) -> str:
    database = RegistryDatabase(database_url)
    try:
        with database.session() as session:
            return admin.add_site(session, code, name).enrolment_code
    finally:
        database.dispose()


def make_store(data_dir: Path, changes: int, *, with_scores: bool) -> Database:
    """Return a site store whose outbox holds `changes` pending changes."""
    store = Database(data_dir)
    init_site(store, "BN001", "Benchmark Center", "admin", "benchmark password")
    written = 0
    serial = 0
    while written < changes:
        with store.session() as session:
            chunk_end = min(changes, written + FILL_CHUNK)
            while written < chunk_end:
                serial += 1
                learner_id = str(uuid.uuid4())
                queue_change(session, SYSTEM, "learner.registered", learner_id, _learner(learner_id, serial))
                written += 1
                if not with_scores:
                    continue
                for index in range(min(SCORES_PER_LEARNER, changes - written)):
                    score = _score(learner_id, index)
                    queue_change(session, SYSTEM, "score.recorded", score["score_id"], score)
                    written += 1
    return store


def _learner(learner_id: str, serial: int) -> dict:
    return {
        "learner_id": learner_id,
        "learner_number": f"BN001-{serial:06d}",
        "external_id": f"BENCH{serial:08d}",
        "first_name": f"Learner{serial}",
        "middle_name": "",
        "last_name": "Benchmark",
        "preferred_name": None,
        "date_of_birth": (dt.date(1970, 1, 1) + dt.timedelta(days=serial % 15000)).isoformat(),
        "email": f"learner{serial}@example.org",
        "phone": None,
    }


ASSESSMENTS = ("Work Ready Math", "Work Ready Reading", "Work Ready Data", "Essential Soft Skills")


def _score(learner_id: str, index: int) -> dict:
    assessment = ASSESSMENTS[index % len(ASSESSMENTS)]
    leveled = assessment.startswith("Work Ready")
    return {
        "score_id": str(uuid.uuid4()),
        "learner_id": learner_id,
        "assessment": assessment,
        "level": 3 if leveled else None,
        "passed": None if leveled else True,
        "scale_score": 75,
        "form": "A",
        "tested_on": "2026-11-14",
        "session_id": None,
        "proctor": "proctor1",
        "supersedes_id": None,
        "reason": None,
    }


def post_with_bare_httpx(database_path: Path, url: str, token: str) -> int:
    """Post every outbox row in batches of DEFAULT_BATCH_SIZE, as plain JSON, storing nothing."""
    connection = sqlite3.connect(database_path)
    rows = connection.execute(
        "SELECT seq, change_id, kind, entity_id, created_at, actor, payload FROM outbox ORDER BY seq"
    ).fetchall()
    connection.close()
    accepted = 0
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        for start in range(0, len(rows), DEFAULT_BATCH_SIZE):
            changes = [
                {
                    "change_id": change_id,
                    "seq": seq,
                    "kind": kind,
                    "entity_id": entity_id,
                    "created_at": created_at,
                    "actor": actor,
                    "payload": json.loads(payload),
                }
                for seq, change_id, kind, entity_id, created_at, actor, payload in rows[
                    start : start + DEFAULT_BATCH_SIZE
                ]
            ]
            response = client.post("/api/v1/changes", json={"changes": changes})
            response.raise_for_status()
            accepted += sum(item["result"] == "accepted" for item in response.json()["results"])
    return accepted


def enrol_bare(url: str, database_url: str, store: Database) -> str:
    code = add_registry_site(database_url, "BN001", "Benchmark Center")
    with store.session() as session:
        public_key = session.scalar(select(Site.public_key))
    body = {"site_code": "BN001", "enrolment_code": code, "public_key": base64.b64encode(public_key).decode()}
    response = httpx.post(f"{url}/api/v1/enrol", json=body, timeout=30)
    response.raise_for_status()
    return response.json()["token"]


def enrol_store(url: str, database_url: str, store: Database) -> None:
    enroll(store, url, "BN001", add_registry_site(database_url, "BN001", "Benchmark Center"))


def time_bare_httpx(work_dir: Path, round_number: int) -> float:
    store = make_store(work_dir / f"baseline-{round_number}", THROUGHPUT_CHANGES, with_scores=True)
    try:
        with registry_process(work_dir / f"baseline-{round_number}.log") as (url, database_url):
            token = enrol_bare(url, database_url, store)
            started = time.perf_counter()
            accepted = post_with_bare_httpx(store.path, url, token)
            seconds = time.perf_counter() - started
    finally:
        store.close()
    assert accepted == THROUGHPUT_CHANGES, f"baseline: {accepted} of {THROUGHPUT_CHANGES} accepted"
    return seconds


def time_run_sync(work_dir: Path, round_number: int) -> float:
    store = make_store(work_dir / f"ours-{round_number}", THROUGHPUT_CHANGES, with_scores=True)
    try:
        with registry_process(work_dir / f"ours-{round_number}.log") as (url, database_url):
            enrol_store(url, database_url, store)
            started = time.perf_counter()
            report = run_sync(store)
            seconds = time.perf_counter() - started
    finally:
        store.close()
    assert report.exit_code == 0, report.summary_lines()
    assert report.accepted == THROUGHPUT_CHANGES, report.summary_lines()
    return seconds


def measure_throughput(work_dir: Path) -> tuple[float, float]:
    """Return the best of THROUGHPUT_ROUNDS times of each arm, run in the order B O O B (B: baseline)."""
    baseline_times = [time_bare_httpx(work_dir, 0)]
    our_times = [time_run_sync(work_dir, round_number) for round_number in range(THROUGHPUT_ROUNDS)]
    baseline_times += [time_bare_httpx(work_dir, round_number) for round_number in range(1, THROUGHPUT_ROUNDS)]
    return min(our_times), min(baseline_times)


def measure_peak_memory(work_dir: Path, changes: int) -> tuple[float, float]:
    """Return (peak traced MiB during run_sync, seconds) for a queue of `changes` registrations."""
    store = make_store(work_dir / f"memory-{changes}", changes, with_scores=False)
    try:
        with registry_process(work_dir / f"memory-{changes}.log") as (url, database_url):
            enrol_store(url, database_url, store)
            gc.collect()
            tracemalloc.start()
            started = time.perf_counter()
            report = run_sync(store)
            seconds = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert report.exit_code == 0, report.summary_lines()
            assert report.accepted == changes, report.summary_lines()
    finally:
        store.close()
    return peak / MIB, seconds


def run() -> list[tuple[str, float, float, float]]:
    previous_keyring = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        with tempfile.TemporaryDirectory(prefix="nwrc-bench-sync-") as directory:
            work_dir = Path(directory)
            ours, baseline = measure_throughput(work_dir)
            small_peak, small_seconds = measure_peak_memory(work_dir, MEMORY_SIZES[0])
            large_peak, large_seconds = measure_peak_memory(work_dir, MEMORY_SIZES[1])
    finally:
        keyring.set_keyring(previous_keyring)
    return [
        (f"sync {THROUGHPUT_CHANGES:,} changes vs bare httpx posts", ours, baseline, ours / baseline),
        (
            f"sync peak MiB, {MEMORY_SIZES[1]:,} vs {MEMORY_SIZES[0]:,} queued",
            large_peak,
            small_peak,
            large_peak / small_peak,
        ),
        (
            f"sync seconds, {MEMORY_SIZES[1]:,} vs {MEMORY_SIZES[0]:,} queued",
            large_seconds,
            small_seconds,
            large_seconds / small_seconds,
        ),
    ]


def main() -> int:
    from benchmarks.run import print_table

    print_table(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
