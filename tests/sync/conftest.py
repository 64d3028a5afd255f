"""Fixtures of the sync tests: a real registry process on loopback, on a fresh PostgreSQL database."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest

from nwrc_desktop.domain.assessments import Role
from nwrc_desktop.store.accounts import create_account, init_site
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.journal import Actor
from nwrc_registry import admin
from nwrc_registry.database import Database as RegistryDatabase

from .tcp_proxy import FaultyProxy

ADMIN_DSN = os.environ.get("NWRC_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REPO_ROOT = Path(__file__).resolve().parents[2]
# Bounds of the wait for the registry process to respond to its health check.
START_TIMEOUT_SECONDS = 30
START_POLL_SECONDS = 0.1

ADMIN = Actor("admin", Role.ADMIN)
PROCTOR = Actor("proctor1", Role.PROCTOR)
STAFF = Actor("staff1", Role.STAFF)


def _admin(statement: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as connection:
        connection.execute(statement)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Registry:
    url: str
    port: int
    database_url: str
    process: subprocess.Popen
    database: RegistryDatabase

    def add_site(self, code: str, name: str) -> str:
        with self.database.session() as session:
            return admin.add_site(session, code, name).enrolment_code

    def new_code(self, code: str) -> str:
        with self.database.session() as session:
            return admin.new_enrolment_code(session, code)

    def stats(self) -> dict:
        with self.database.session() as session:
            return admin.stats(session)


def start_registry(database_url: str, log_path: Path, tls: tuple[Path, Path] | None = None) -> Registry:
    """Start `nwrc-registry serve` on a free loopback port; `tls` is (certificate, key) to serve HTTPS."""
    port = free_port()
    tls_options = [] if tls is None else ["--ssl-certfile", str(tls[0]), "--ssl-keyfile", str(tls[1])]
    log_file = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nwrc_registry.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--database-url",
            database_url,
            "--log-level",
            "warning",
            *tls_options,
        ],
        stdout=log_file,
        stderr=subprocess.STDOUT,
        cwd=REPO_ROOT,
    )
    url = f"{'http' if tls is None else 'https'}://127.0.0.1:{port}"
    verify = True if tls is None else str(tls[0])
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the registry exited with {process.returncode}: {log_path.read_text()}")
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=1, verify=verify).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(START_POLL_SECONDS)
    else:
        process.kill()
        raise RuntimeError(f"the registry did not answer within {START_TIMEOUT_SECONDS} s")
    return Registry(url, port, database_url, process, RegistryDatabase(database_url))


def stop_registry(registry: Registry) -> None:
    registry.database.dispose()
    registry.process.terminate()
    try:
        registry.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        registry.process.kill()
        registry.process.wait(timeout=10)


@pytest.fixture
def postgres_url():
    name = f"nwrc_test_{secrets.token_hex(6)}"
    _admin(f'CREATE DATABASE "{name}"')
    base = ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    yield f"{base}/{name}"
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def registry(postgres_url, tmp_path):
    started = start_registry(postgres_url, tmp_path / "registry.log")
    yield started
    stop_registry(started)


@pytest.fixture
def sqlite_registry(tmp_path):
    started = start_registry(f"sqlite:///{tmp_path / 'registry.sqlite3'}", tmp_path / "registry.log")
    yield started
    stop_registry(started)


@pytest.fixture
def proxy(registry):
    faulty = FaultyProxy(registry.port)
    yield faulty
    faulty.close()


def make_site(data_dir: Path, code: str, name: str) -> Database:
    database = Database(data_dir)
    init_site(database, code, name, "admin", "correct horse")
    create_account(database, ADMIN, "proctor1", Role.PROCTOR, "proctor pass")
    create_account(database, ADMIN, "staff1", Role.STAFF, "staff pass")
    return database


@pytest.fixture
def site(tmp_path):
    database = make_site(tmp_path / "site", "TX014", "Pecos County Workforce Center")
    yield database
    database.close()
