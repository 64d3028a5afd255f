"""Backups to a chosen folder, and restoring from the CLI with a check of the copy before anything is replaced."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from store_files import count_rows

from nwrc_desktop.cli import main
from nwrc_desktop.store.backups import KEEP_BACKUPS, automatic_backups, make_backup, verify_backup_file
from nwrc_desktop.store.database import DATABASE_NAME, Database


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _add_learner(data_dir: Path, last_name: str) -> None:
    code = main(["--data-dir", str(data_dir), "learners", "add", "--first", "Amara", "--last", last_name,
                 "--dob", "03/04/1990"])
    assert code == 0


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


def test_backup_to_chosen_folder(site_dir: Path, cli_env, tmp_path: Path, capsys):
    usb = tmp_path / "usb-stick"

    code = main(["--data-dir", str(site_dir), "backup", "--to", str(usb)])
    copies = list(usb.glob("*.sqlite3"))

    assert code == 0
    assert len(copies) == 1
    verify_backup_file(copies[0])
    assert count_rows(copies[0], "site") == 1
    assert str(copies[0]) in capsys.readouterr().out


def test_opening_makes_one_daily_backup(site_dir: Path):
    daily_before = [path.name for path in automatic_backups(site_dir / "backups") if "daily" in path.name]

    Database(site_dir).close()
    daily_after = [path.name for path in automatic_backups(site_dir / "backups") if "daily" in path.name]

    assert len(daily_before) == 1
    assert daily_after == daily_before


def test_daily_backups_keep_newest(site_dir: Path):
    backup_dir = site_dir / "backups"
    for path in automatic_backups(backup_dir):
        path.unlink()
    old_names = [f"nwrc-202601{day:02d}T080000000000Z-daily.sqlite3" for day in range(1, 21)]
    for name in old_names:
        shutil.copy2(site_dir / DATABASE_NAME, backup_dir / name)

    Database(site_dir).close()
    kept = [path.name for path in automatic_backups(backup_dir)]

    assert len(kept) == KEEP_BACKUPS
    assert kept[:-1] == old_names[-(KEEP_BACKUPS - 1):]
    assert "daily" in kept[-1]
    assert kept[-1] not in old_names


def _corrupt_by_truncating(copy: Path) -> None:
    data = copy.read_bytes()
    copy.write_bytes(data[: len(data) // 3])


def _corrupt_by_overwriting_pages(copy: Path) -> None:
    data = bytearray(copy.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for page in range(1, len(data) // page_size):
        start = page * page_size
        data[start:start + 64] = b"\xa5" * 64
    copy.write_bytes(bytes(data))


def _not_a_database(copy: Path) -> None:
    copy.write_text("external_id,first_name,last_name\nWF1,Amara,Okafor\n", encoding="utf-8")


@pytest.mark.parametrize("spoil", [_corrupt_by_truncating, _corrupt_by_overwriting_pages, _not_a_database])
def test_restore_rejects_bad_file(site_dir: Path, cli_env, tmp_path: Path, capsys, spoil):
    bad_copy = make_backup(site_dir / DATABASE_NAME, tmp_path / "copies", label="spoiled")
    spoil(bad_copy)
    database_digest = _digest(site_dir / DATABASE_NAME)
    backups_before = _files(site_dir / "backups")

    code = main(["--data-dir", str(site_dir), "restore", str(bad_copy)])
    message = capsys.readouterr().err

    assert code == 1
    assert "Nothing was changed" in message
    assert _digest(site_dir / DATABASE_NAME) == database_digest
    assert _files(site_dir / "backups") == backups_before


def test_restore_rejects_missing_file(site_dir: Path, cli_env, tmp_path: Path, capsys):
    database_digest = _digest(site_dir / DATABASE_NAME)

    code = main(["--data-dir", str(site_dir), "restore", str(tmp_path / "no-such-backup.sqlite3")])

    assert code == 1
    assert "does not exist" in capsys.readouterr().err
    assert _digest(site_dir / DATABASE_NAME) == database_digest


def test_restore_brings_back_data(site_dir: Path, cli_env, tmp_path: Path, capsys):
    _add_learner(site_dir, "Okafor")
    assert main(["--data-dir", str(site_dir), "backup", "--to", str(tmp_path / "copies")]) == 0
    good_copy = next((tmp_path / "copies").glob("*.sqlite3"))
    _add_learner(site_dir, "Lindqvist")
    assert count_rows(site_dir / DATABASE_NAME, "learner") == 2

    code = main(["--data-dir", str(site_dir), "restore", str(good_copy), "--force"])
    output = capsys.readouterr().out
    safety_copies = [path for path in automatic_backups(site_dir / "backups") if "before-restore" in path.name]

    assert code == 0
    assert count_rows(site_dir / DATABASE_NAME, "learner") == 1
    assert len(safety_copies) == 1
    assert count_rows(safety_copies[0], "learner") == 2
    assert str(safety_copies[0]) in output
    assert main(["--data-dir", str(site_dir), "check"]) == 0


def test_restore_waits_for_running_program(site_dir: Path, cli_env, tmp_path: Path, capsys):
    good_copy = tmp_path / "copy.sqlite3"
    shutil.copy2(make_backup(site_dir / DATABASE_NAME, tmp_path / "copies"), good_copy)
    database_digest = _digest(site_dir / DATABASE_NAME)

    running = Database(site_dir)
    try:
        code = main(["--data-dir", str(site_dir), "restore", str(good_copy)])
    finally:
        running.close()

    assert code == 1
    assert "already running" in capsys.readouterr().err
    assert _digest(site_dir / DATABASE_NAME) == database_digest
