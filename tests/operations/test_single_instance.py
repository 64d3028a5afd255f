"""One running program per data folder: a second process is turned away until the first one ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from nwrc_desktop.cli import main
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.lock import AlreadyRunning

# Opens the store, reports its process id, and keeps the store open until its standard input closes.
HOLDER = """
import sys
from nwrc_desktop.store.database import Database
database = Database(sys.argv[1])
print("open", flush=True)
sys.stdin.read()
database.close()
"""


@pytest.fixture
def holder(site_dir: Path):
    """Start a second process that keeps the site's store open; yield the running process."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(site_dir)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if line.strip() != "open":
        process.kill()
        pytest.fail(f"the holding process did not open the store: {line!r} {process.stderr.read()}")
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(timeout=30)
    process.stdout.close()
    process.stderr.close()


def test_second_database_raises_already_running(site_dir: Path, holder):
    with pytest.raises(AlreadyRunning) as raised:
        Database(site_dir)

    assert f"process {holder.pid}" in str(raised.value)
    assert str(site_dir) in str(raised.value)


def test_second_command_exits_with_message(site_dir: Path, holder, capsys):
    code = main(["--data-dir", str(site_dir), "check"])

    assert code == 1
    assert "already running" in capsys.readouterr().err


def test_store_opens_after_first_process_ends(site_dir: Path, holder):
    holder.stdin.close()
    holder.wait(timeout=30)

    Database(site_dir).close()


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX only")
def test_store_opens_after_first_process_is_killed(site_dir: Path, holder):
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)

    database = Database(site_dir)
    database.close()

    assert (site_dir / "nwrc.lock").exists(), "the stale lock file stays, and does not block"
