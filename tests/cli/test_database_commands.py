"""Backup, restore, the single-instance lock and migrations, through the real files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nwrc_desktop.store import migrate
from nwrc_desktop.store.database import DATABASE_NAME, Database
from nwrc_desktop.store.lock import AlreadyRunning


def table_counts(data_dir) -> dict[str, int]:
    connection = sqlite3.connect(data_dir / DATABASE_NAME)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}
    finally:
        connection.close()


def test_backup_and_restore_round_trip(site, rosters, tmp_path):
    site("learners", "import", str(rosters / "excel-utf8-bom.csv"))
    usb = tmp_path / "usb"
    code, out, err = site("backup", "--to", str(usb))
    assert code == 0, err
    copy = next(usb.glob("*.sqlite3"))
    with_40 = table_counts(site.data_dir)

    site("learners", "import", str(rosters / "windows-1252.csv"))
    assert table_counts(site.data_dir)["learner"] == 70

    code, _, err = site("restore", str(copy))
    assert code == 1
    assert "30 changes not yet delivered" in err
    assert table_counts(site.data_dir)["learner"] == 70

    code, out, err = site("restore", str(copy), "--force")
    assert code == 0, err
    assert table_counts(site.data_dir) == with_40
    assert "before-restore" in out
    safety = next((site.data_dir / "backups").glob("*before-restore*"))
    assert sqlite3.connect(safety).execute("SELECT count(*) FROM learner").fetchone()[0] == 70


@pytest.mark.parametrize("content", [b"not a database at all", b"SQLite format 3\x00" + b"\x00" * 200])
def test_restore_bad_file_changes_nothing(site, tmp_path, content):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(content)
    before = (site.data_dir / DATABASE_NAME).read_bytes()
    code, _, err = site("restore", str(bad))
    assert code == 1
    assert "not a usable NWRC Desktop backup" in err
    assert (site.data_dir / DATABASE_NAME).read_bytes() == before


def test_daily_backup_made_once(site):
    site("check")
    site("check")
    daily = list((site.data_dir / "backups").glob("*-daily.sqlite3"))
    assert len(daily) == 1


def test_second_instance_refused(site):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from nwrc_desktop.store.lock import InstanceLock
            from pathlib import Path
            with InstanceLock(Path({str(site.data_dir)!r}) / "nwrc.lock"):
                print("locked", flush=True)
                sys.stdin.read()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(AlreadyRunning, match="already running"):
            Database(site.data_dir)
        code, _, err = site("check")
        assert code == 1
        assert "already running" in err
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    code, _, _ = site("check")
    assert code == 0


def test_lock_released_when_process_killed(site):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import time
            from nwrc_desktop.store.lock import InstanceLock
            from pathlib import Path
            InstanceLock(Path({str(site.data_dir)!r}) / "nwrc.lock").acquire()
            print("locked", flush=True)
            time.sleep(60)
        """)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    holder.kill()
    holder.wait(timeout=10)
    Database(site.data_dir).close()


def test_migrations_have_one_head():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert len(script.get_heads()) == 1


def test_upgrade_from_empty(tmp_path):
    path = tmp_path / "empty.sqlite3"
    migrate.upgrade(path)
    assert migrate.current_revision(path) == migrate.head_revision()
    triggers = {row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert "score_no_update" in triggers


def test_upgrade_with_data_from_previous_revision(tmp_path):
    data_dir = tmp_path / "old"
    data_dir.mkdir()
    path = data_dir / DATABASE_NAME
    migrate.upgrade(path, "0001")
    connection = sqlite3.connect(path)
    connection.execute("INSERT INTO site (id, code, name, created_at, settings, next_learner_serial) "
                       "VALUES ('s1', 'TX014', 'Old Site', '2026-01-01T00:00:00+00:00', '{}', 7)")
    connection.commit()
    connection.close()

    database = Database(data_dir)
    try:
        assert database.opened.migrated_from == "0001"
        assert database.opened.backup_path.exists()
    finally:
        database.close()
    assert table_counts(data_dir)["site"] == 1
    row = sqlite3.connect(path).execute("SELECT next_learner_serial, pull_cursor FROM site").fetchone()
    assert row == (7, None)


def test_newer_store_refused(tmp_path):
    data_dir = tmp_path / "newer"
    data_dir.mkdir()
    path = data_dir / DATABASE_NAME
    migrate.upgrade(path)
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    with pytest.raises(Exception, match="newer version"):
        Database(data_dir)
    assert path.read_bytes() == before


def test_restore_other_site_refused(site, tmp_path):
    from nwrc_desktop.cli import main

    other = str(tmp_path / "other")
    assert main(["--data-dir", other, "site", "init", "--code", "CA777", "--name", "Other", "--admin", "admin"]) == 0
    assert main(["--data-dir", other, "backup", "--to", str(tmp_path / "theirs")]) == 0
    theirs = next((tmp_path / "theirs").glob("*.sqlite3"))
    code, _, err = site("restore", str(theirs))
    assert code == 1
    assert "belongs to site CA777" in err


def test_restore_over_damaged_store(site, tmp_path):
    site("backup", "--to", str(tmp_path / "copies"))
    copy = next((tmp_path / "copies").glob("*.sqlite3"))
    path = site.data_dir / DATABASE_NAME
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))
    code, out, err = site("restore", str(copy))
    assert code == 0, err
    assert list((site.data_dir / "backups").glob("damaged-*-before-restore.sqlite3"))
    assert site("check")[0] == 0


def test_restore_newer_schema_changes_nothing(site, tmp_path):
    site("backup", "--to", str(tmp_path / "copies"))
    copy = next((tmp_path / "copies").glob("*.sqlite3"))
    connection = sqlite3.connect(copy)
    connection.execute("UPDATE alembic_version SET version_num = '0099'")
    connection.commit()
    connection.close()
    before = (site.data_dir / DATABASE_NAME).read_bytes()
    code, _, err = site("restore", str(copy), "--force")
    assert code == 1
    assert "newer version" in err
    assert (site.data_dir / DATABASE_NAME).read_bytes() == before


@pytest.mark.parametrize("damage", ["delete", "empty"])
def test_lost_store_not_recreated(site, damage):
    site("check")
    path = site.data_dir / DATABASE_NAME
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    if damage == "delete":
        path.unlink()
    else:
        path.write_bytes(b"")
    code, _, err = site("check")
    assert code == 1
    assert "has backups" in err
    assert "restore" in err
