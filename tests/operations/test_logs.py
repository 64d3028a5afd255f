"""The log file: masking of secrets and personal data, levels, and a full headless flow that leaks nothing."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import json
import logging
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from site_cli import ADMIN_PASSWORD, SiteCli
from sqlalchemy import create_engine, text

from nwrc_desktop import logs
from nwrc_desktop.logs import (
    LOG_BACKUPS,
    LOG_FILE_NAME,
    configure_logging,
    redact,
    register_secret,
)

ROSTERS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "rosters"

TODAY = dt.date(2026, 12, 4)


@pytest.mark.parametrize(("raw", "masked"), [
    ("born 8/22/1989, tested 11/14/2026", "born [date], tested 11/14/2026"),
    ("born 1989-08-22, tested 2026-11-14", "born [date], tested 2026-11-14"),
    ("born 22.08.1989", "born [date]"),
    ("mail siobhan.wisniewski0@example.org now", "mail [email] now"),
    ("call (555) 740-9179 or 555-807-6095", "call [phone] or [phone]"),
    ("password=hunter2-long next", "password=[secret] next"),
    ("{'token': 'abc.def', 'n': 1}", "{'token': [secret], 'n': 1}"),
    ('{"signing_key": "QUJDREVG"}', '{"signing_key": [secret]}'),
    ("enrolment_code=7Q4K-9ZTW", "enrolment_code=[secret]"),
    ("header Bearer eyJhbGciOi.abc", "header Bearer [secret]"),
    ("GET https://registry.test/verify/TX014?sig=abc&p=1 done", "GET https://registry.test/verify/TX014?[query] done"),
    ("-----BEGIN PRIVATE KEY-----\nMC4CAQ\n-----END PRIVATE KEY-----", "[private key]"),
])
def test_redact_masks(raw: str, masked: str):
    assert redact(raw, today=TODAY) == masked


@pytest.mark.parametrize("kept", [
    "made the daily backup nwrc-20261204T200217882316Z-daily.sqlite3",
    "site 5d0b3c1e-8f1a-4a57-9c3e-2b7d9e4f6a10 learner TX014-000001 changed",
    "wrote 12 certificates (123456 bytes) to /tmp/out.pdf",
    "sync batch 12 rejected 1 of 200 changes: unknown learner",
    "the site's token was stored",
])
def test_redact_keeps_operational_text(kept: str):
    assert redact(kept, today=TODAY) == kept


def test_registered_secret_is_masked():
    key = bytes(range(32))
    register_secret(key)

    line = redact(f"key {base64.b64encode(key).decode()} hex {key.hex()}", today=TODAY)

    assert line == "key [secret] hex [secret]"


def _log_text(data_dir: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return "".join(path.read_text(encoding="utf-8") for path in sorted(data_dir.glob(f"{LOG_FILE_NAME}*")))


def test_traceback_is_masked(tmp_path: Path):
    configure_logging(tmp_path)
    try:
        raise ValueError("bad email olivia.mcallister1@example.org")
    except ValueError:
        logging.getLogger("nwrc_desktop.test").exception("import of row 3 failed")

    log = _log_text(tmp_path)

    assert "import of row 3 failed" in log
    assert "ValueError: bad email [email]" in log
    assert "olivia.mcallister1" not in log


def test_log_line_keeps_its_own_date(tmp_path: Path):
    configure_logging(tmp_path)
    logging.getLogger("nwrc_desktop.test").info("started")

    first_line = _log_text(tmp_path).splitlines()[0]

    assert re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} INFO nwrc_desktop.test: started$", first_line)


def test_debug_level_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NWRC_LOG_LEVEL", "DEBUG")
    configure_logging(tmp_path)
    logging.getLogger("nwrc_desktop.test").debug("queue has %d changes", 3)

    assert "DEBUG nwrc_desktop.test: queue has 3 changes" in _log_text(tmp_path)


def test_log_file_rotates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    max_bytes = 10_000  # in place of 1 MB, so the test writes a few hundred lines instead of 70,000
    monkeypatch.setattr(logs, "MAX_LOG_BYTES", max_bytes)
    configure_logging(tmp_path)
    logger = logging.getLogger("nwrc_desktop.test")
    for number in range(max_bytes // 100 * (LOG_BACKUPS + 2)):
        logger.info("line %06d %s", number, "x" * 80)

    files = sorted(path.name for path in tmp_path.glob(f"{LOG_FILE_NAME}*"))

    assert files == sorted([LOG_FILE_NAME] + [f"{LOG_FILE_NAME}.{index}" for index in range(1, LOG_BACKUPS + 1)])
    assert all((tmp_path / name).stat().st_size <= max_bytes for name in files)


def test_sql_parameters_stay_out_at_debug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NWRC_LOG_LEVEL", "DEBUG")
    configure_logging(tmp_path / "logs")
    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE person (name TEXT)"))
        connection.execute(text("INSERT INTO person VALUES (:name)"), {"name": "Zbigniewa"})
        connection.execute(text("SELECT name FROM person")).fetchall()
    engine.dispose()

    log = _log_text(tmp_path / "logs")

    assert "Zbigniewa" not in log
    assert "INSERT INTO person" not in log


# --- a full headless flow, run as separate processes with DEBUG logging ----------------------------

NEW_ACCOUNT_PASSWORD = "Copper-Meadow-Violin-27"
UNUSED_ENROLMENT_CODE = "ENR-7Q4K-9ZTW-PLMX-3C8D"
REGISTRY_START_TIMEOUT_SECONDS = 60


def _free_loopback_port() -> int:
    """Return a loopback TCP port that nothing listens on (it was bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LoopbackRegistry:
    """The reference registry on SQLite, served on a loopback port by a child process."""

    url: str
    enrolment_code: str
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


def _registry_command(database_url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "nwrc_registry.cli", *args, "--database-url", database_url]


def _start_registry(folder: Path) -> LoopbackRegistry:
    database_url = f"sqlite:///{folder / 'registry.sqlite3'}"
    added = subprocess.run(_registry_command(database_url, "site", "add", "TX014", "--name", "Pecos County"),
                           capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stdout + added.stderr
    code = re.search(r"one-time enrolment code: (\S+)", added.stdout)
    assert code, f"no enrolment code in: {added.stdout}"

    port = _free_loopback_port()
    log_file = (folder / "registry.log").open("wb")
    process = subprocess.Popen(
        _registry_command(database_url, "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
        stdout=log_file, stderr=subprocess.STDOUT)
    log_file.close()
    registry = LoopbackRegistry(f"http://127.0.0.1:{port}", code.group(1), process)
    deadline = time.monotonic() + REGISTRY_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the registry exited with {process.returncode}: {(folder / 'registry.log').read_text()}")
        try:
            if httpx.get(f"{registry.url}/api/v1/health", timeout=1).status_code == 200:
                return registry
        except httpx.HTTPError:
            time.sleep(0.2)
    registry.stop()
    pytest.fail(f"the registry did not answer within {REGISTRY_START_TIMEOUT_SECONDS} s")


def _date_forms(text: str) -> set[str]:
    month, day, year = (int(part) for part in text.split("/"))
    born = dt.date(year, month, day)
    return {text, born.isoformat(), f"{month:02d}/{day:02d}/{year}", f"{born:%d.%m.%Y}", f"{born:%Y%m%d}"}


def _personal_values(roster: Path) -> tuple[set[str], set[str]]:
    """Return the roster's names (whole words to look for) and its other personal values (substrings).

    A name of several words is looked for whole, because one of its words alone can be an ordinary
    word ('Running' of 'Running Bear' starts Alembic's 'Running upgrade' lines).
    """
    names: set[str] = set()
    others: set[str] = set()
    with roster.open(encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            for field in ("first_name", "middle_name", "last_name"):
                if len(row[field].strip().rstrip(".")) > 2:
                    names.add(row[field].strip())
            names.add(f"{row['first_name']} {row['last_name']}".strip())
            for field in ("email", "phone"):
                if row[field]:
                    others.add(row[field])
            others.update(_date_forms(row["date_of_birth"]))
    return names, others


def _keyring_values(keyring_file: Path) -> set[str]:
    """Return every keyring secret in the forms a log line could show: as stored, as text, hex and base64."""
    values: set[str] = set()
    for encoded in json.loads(keyring_file.read_text(encoding="utf-8")).values():
        raw = base64.b64decode(encoded)
        values.update({encoded, raw.hex(), base64.urlsafe_b64encode(raw).decode().rstrip("=")})
        try:
            values.add(raw.decode("utf-8"))  # the registry token is text
        except UnicodeDecodeError:
            pass  # the signing key is raw bytes
    return values


@dataclass
class Flow:
    """What a site's day left behind: the log text, the CLI, and the output of the failed commands."""

    log: str
    cli: SiteCli
    enrolment_code: str
    first_sync_output: str
    failure_output: str


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> Flow:
    """Run a site's day with DEBUG logging: set-up, imports, printing, enrolment and a sync with a
    loopback registry, then a sync and an enrolment that fail because the registry has stopped."""
    home = tmp_path_factory.mktemp("flow")
    cli = SiteCli([sys.executable, "-m", "nwrc_desktop.cli"], home / "site",
                  extra_env={"NWRC_LOG_LEVEL": "DEBUG", "NWRC_NEW_PASSWORD": NEW_ACCOUNT_PASSWORD})
    registry = _start_registry(home)
    try:
        cli.init_site()
        cli.run("accounts", "add", "proctor1", "--role", "proctor", "--display-name", "Proctor One")
        cli.run("learners", "import", str(ROSTERS / "site-roster-clean.csv"))
        cli.run("learners", "find", "Garcia")
        cli.run("learners", "find", "8/22/1989")
        cli.run("scores", "import", str(ROSTERS / "scores-2026-11-14.csv"))
        cli.run("certificates", "print", "--unprinted", "--out", str(cli.home / "certificates.pdf"))
        cli.run("enroll", "--registry", registry.url, "--site", "TX014", "--code", registry.enrolment_code)
        first_sync = cli.run("sync")
    finally:
        registry.stop()

    cli.run("learners", "add", "--first", "Zbigniewa", "--last", "Quintanilla-Ortiz", "--dob", "02/29/1996",
            "--email", "zq.late.entry@example.org", "--phone", "(555) 010-4477")
    failed_sync = cli.run("sync", expect_success=False)
    failed_enrolment = cli.run("enroll", "--registry", registry.url, "--site", "TX014",
                               "--code", UNUSED_ENROLMENT_CODE, expect_success=False)
    cli.run("check")
    return Flow(_log_text(cli.data_dir), cli, registry.enrolment_code, first_sync.stdout + first_sync.stderr,
                failed_sync.stdout + failed_sync.stderr + failed_enrolment.stdout + failed_enrolment.stderr)


def test_flow_log_records_the_work(flow: Flow):
    assert "imported 250 rows" in flow.log
    assert "certificates" in flow.log
    assert "enrolled" in flow.log
    assert (flow.cli.home / "certificates.pdf").is_file()


def test_flow_first_sync_delivers(flow: Flow):
    assert " accepted" in flow.first_sync_output
    assert " 0 rejected" in flow.first_sync_output
    assert "error" not in flow.first_sync_output.lower()


def test_flow_sync_fails_on_closed_port(flow: Flow):
    assert "connect" in flow.failure_output.lower()
    assert "connect" in flow.log.lower()


def test_flow_log_has_no_personal_data(flow: Flow):
    names, others = _personal_values(ROSTERS / "site-roster-clean.csv")
    names |= {"Zbigniewa", "Quintanilla-Ortiz"}
    others |= {"zq.late.entry@example.org", "(555) 010-4477", "02/29/1996", "1996-02-29"}

    leaked_names = sorted(name for name in names if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", flow.log))
    leaked_others = sorted(value for value in others if value in flow.log)

    assert leaked_names == []
    assert leaked_others == []


def test_flow_log_has_no_secrets(flow: Flow):
    keyring_values = _keyring_values(flow.cli.keyring_file)
    secrets = {ADMIN_PASSWORD, NEW_ACCOUNT_PASSWORD, flow.enrolment_code, UNUSED_ENROLMENT_CODE} | keyring_values

    assert len(json.loads(flow.cli.keyring_file.read_text(encoding="utf-8"))) >= 2, "expected a token and a key"
    assert sorted(secret for secret in secrets if secret in flow.log) == []
