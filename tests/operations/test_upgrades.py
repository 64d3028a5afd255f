"""Upgrades: a newer program migrates an older store after a backup; an older program rejects a newer store."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from store_files import count_rows

from nwrc_desktop.cli import main
from nwrc_desktop.store import migrate
from nwrc_desktop.store.backups import automatic_backups
from nwrc_desktop.store.database import DATABASE_NAME, Database, StoreError
from nwrc_desktop.store.lock import InstanceLock

OLD_REVISION = "0001"
FUTURE_REVISION = "9f7c1e2d4b6a"
SITE_ID = "5d0b3c1e-8f1a-4a57-9c3e-2b7d9e4f6a10"
LEARNERS = [
    ("1b4e28ba-2fa1-41d2-883f-0016d3cca427", "TX014-000001", "WF21118521", "Siobhán", "Wiśniewski", "1989-08-22"),
    ("6fa459ea-ee8a-4ca4-894e-db77e160355e", "TX014-000002", "WF12825635", "Olivia", "McAllister", "1988-02-03"),
]
NOW = "2026-01-05T15:30:00+00:00"


def _make_old_store(data_dir: Path) -> Path:
    """Create a store at revision 0001 holding a site and two learners, as an older release left it."""
    data_dir.mkdir(parents=True)
    path = data_dir / DATABASE_NAME
    migrate.upgrade(path, OLD_REVISION)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "INSERT INTO site (id, code, name, created_at, settings, next_learner_serial) VALUES (?, ?, ?, ?, ?, ?)",
            (SITE_ID, "TX014", "Pecos County Workforce Center", NOW, "{}", 3))
        for learner_id, number, external_id, first, last, born in LEARNERS:
            connection.execute(
                "INSERT INTO learner (id, learner_number, external_id, first_name, middle_name, last_name, "
                "date_of_birth, name_key, search_text, created_at, updated_at, created_by) "
                "VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, 'admin')",
                (learner_id, number, external_id, first, last, born, f"{first} {last}".lower(),
                 f"{first} {last} {number}".lower(), NOW, NOW))
    connection.close()
    return path


def _learners(path: Path) -> list[tuple]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(
            "SELECT id, learner_number, external_id, first_name, last_name, date_of_birth FROM learner ORDER BY id"
        ).fetchall()
    finally:
        connection.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_old_store_is_migrated_after_backup(tmp_path: Path):
    data_dir = tmp_path / "site"
    path = _make_old_store(data_dir)

    database = Database(data_dir)
    opened = database.opened
    database.close()

    assert opened is not None
    assert opened.migrated_from == OLD_REVISION
    assert opened.migrated_to == migrate.head_revision()
    assert migrate.current_revision(path) == migrate.head_revision()
    assert opened.backup_path is not None
    assert opened.backup_path.is_file()
    assert f"before-migration-{OLD_REVISION}" in opened.backup_path.name
    assert migrate.current_revision(opened.backup_path) == OLD_REVISION
    assert _learners(path) == sorted(LEARNERS)
    assert _learners(opened.backup_path) == sorted(LEARNERS)
    assert count_rows(path, "site") == 1


def test_cli_says_what_migration_did(tmp_path: Path, capsys):
    data_dir = tmp_path / "site"
    _make_old_store(data_dir)

    code = main(["--data-dir", str(data_dir), "check"])
    captured = capsys.readouterr()
    backup = next(path for path in automatic_backups(data_dir / "backups") if "before-migration" in path.name)

    assert code == 0
    assert f"Upgraded the store from schema {OLD_REVISION} to {migrate.head_revision()}" in captured.err
    assert str(backup) in captured.err
    assert f"schema: up to date (revision {migrate.head_revision()})" in captured.out


def _make_future_store(data_dir: Path) -> Path:
    database = Database(data_dir)
    database.close()
    path = data_dir / DATABASE_NAME
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (FUTURE_REVISION,))
    connection.close()
    return path


def test_newer_store_is_rejected_unchanged(tmp_path: Path):
    data_dir = tmp_path / "site"
    path = _make_future_store(data_dir)
    digest = _digest(path)
    folder_before = sorted(p.name for p in data_dir.rglob("*"))

    with pytest.raises(StoreError, match="made by a newer version of NWRC Desktop") as raised:
        Database(data_dir)

    assert FUTURE_REVISION in str(raised.value)
    assert "Nothing was changed" in str(raised.value)
    assert _digest(path) == digest
    assert sorted(p.name for p in data_dir.rglob("*")) == folder_before
    with InstanceLock(data_dir / "nwrc.lock"):
        pass  # the failed open released the data folder's lock


def test_cli_rejects_newer_store(tmp_path: Path, capsys):
    data_dir = tmp_path / "site"
    path = _make_future_store(data_dir)
    digest = _digest(path)

    code = main(["--data-dir", str(data_dir), "check"])

    assert code == 1
    assert "newer version of NWRC Desktop" in capsys.readouterr().err
    assert _digest(path) == digest


def test_restored_old_backup_is_migrated(site_dir: Path, cli_env, tmp_path: Path, capsys):
    old_copy = _make_old_store(tmp_path / "old-site")

    code = main(["--data-dir", str(site_dir), "restore", str(old_copy)])
    output = capsys.readouterr().out
    database_path = site_dir / DATABASE_NAME
    safety_copies = [path for path in automatic_backups(site_dir / "backups") if "before-restore" in path.name]
    migration_copies = [path for path in automatic_backups(site_dir / "backups") if "before-migration" in path.name]

    assert code == 0
    assert migrate.current_revision(database_path) == migrate.head_revision()
    assert _learners(database_path) == sorted(LEARNERS)
    assert len(safety_copies) == 1
    assert str(safety_copies[0]) in output
    assert len(migration_copies) == 1
    assert migrate.current_revision(migration_copies[0]) == OLD_REVISION
