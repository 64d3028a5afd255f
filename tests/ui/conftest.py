"""Fixtures of the GUI tests: a set-up site in a fresh data folder, the main window, and modal-dialog helpers."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from nwrc_desktop.domain.assessments import Role
from nwrc_desktop.domain.learners import validate_learner
from nwrc_desktop.store.accounts import create_account, init_site
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.journal import Actor
from nwrc_desktop.store.learners import register_learner
from nwrc_desktop.ui.context import AppContext
from nwrc_desktop.ui.main_window import MainWindow
from nwrc_desktop.ui.workers import Runner

ADMIN = Actor("admin", Role.ADMIN)
PASSWORDS = {"admin": "correct horse", "proctor1": "proctor pass", "staff1": "staff pass"}
SITE_NAME = "Pecos County Workforce Center"
REGISTRY_START_SECONDS = 30


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "site")
    init_site(database, "TX014", SITE_NAME, "admin", PASSWORDS["admin"])
    create_account(database, ADMIN, "proctor1", Role.PROCTOR, PASSWORDS["proctor1"])
    create_account(database, ADMIN, "staff1", Role.STAFF, PASSWORDS["staff1"])
    yield database
    database.close()


@pytest.fixture
def context(db, qtbot):
    runner = Runner()
    yield AppContext(db, runner, db.data_dir)
    runner.wait_for_all(10_000)


@pytest.fixture
def window(context, qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    main = MainWindow(context, SITE_NAME, settings)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.sync.stop()
    context.runner.wait_for_all(10_000)


def sign_in(qtbot, window: MainWindow, username: str) -> None:
    """Type the account's username and password into the sign-in screen and wait for the workspace."""
    panel = window.sign_in
    panel.username.clear()
    qtbot.keyClicks(panel.username, username)
    qtbot.keyClicks(panel.password, PASSWORDS[username])
    with qtbot.waitSignal(window.workspace_ready, timeout=10_000):
        qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)


def add_learner(db, first: str, last: str, born: str, external_id: str | None = None, actor=ADMIN):
    learner, problems = validate_learner(
        {"first_name": first, "last_name": last, "date_of_birth": born, "external_id": external_id},
        today=dt.date.today())
    assert learner is not None, problems
    return register_learner(db, actor, learner, allow_duplicate=True)


_modal_timers: list[QTimer] = []


@pytest.fixture(autouse=True)
def stop_modal_answers():
    """Stop every when_modal timer and close any modal dialog left open, so no test handles another test's dialog."""
    yield
    for timer in _modal_timers:
        timer.stop()
    _modal_timers.clear()
    for _ in range(5):
        modal = QApplication.activeModalWidget()
        if modal is None:
            break
        modal.close()


def when_modal(kind: type[QWidget], handler: Callable[[QWidget], None], interval_ms: int = 20) -> QTimer:
    """Call `handler` with the next modal dialog of type `kind` once it is open; exec() would block the test."""
    timer = QTimer()
    _modal_timers.append(timer)
    timer.setInterval(interval_ms)

    def poll() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, kind) and modal.isVisible():
            timer.stop()
            handler(modal)

    timer.timeout.connect(poll)
    timer.start()
    return timer


@dataclass
class RegistryProcess:
    url: str
    process: subprocess.Popen
    database: object

    def enrolment_code(self, code: str, name: str) -> str:
        from nwrc_registry import admin

        with self.database.session() as session:
            return admin.add_site(session, code, name).enrolment_code


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def registry(tmp_path):
    """A real `nwrc-registry serve` process on loopback with a SQLite database, stopped after the test."""
    from nwrc_registry.database import Database as RegistryDatabase

    database_url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    port = _free_port()
    log_file = open(tmp_path / "registry.log", "wb")  # noqa: SIM115 -- closed after the process stops
    process = subprocess.Popen(
        [sys.executable, "-m", "nwrc_registry.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--database-url", database_url, "--log-level", "warning"],
        stdout=log_file, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + REGISTRY_START_SECONDS
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the registry exited: {(tmp_path / 'registry.log').read_text()}")
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the registry did not answer within {REGISTRY_START_SECONDS} s")
        # Polling a starting subprocess; there is no Qt signal to wait on here.
        time.sleep(0.1)
    database = RegistryDatabase(database_url)
    yield RegistryProcess(url, process, database)
    database.dispose()
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    log_file.close()
