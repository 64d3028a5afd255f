"""Copies of the store made with SQLite's online backup API, and restoring from one."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nwrc_desktop.store.database import Database

log = logging.getLogger(__name__)

# How many automatic copies stay in the data folder's backups/ folder; older ones are deleted.
KEEP_BACKUPS = 14
BACKUP_SUFFIX = ".sqlite3"


class BackupError(RuntimeError):
    """A backup or restore failed; the message names the file and what happened to it."""


def make_backup(database_path: Path, folder: Path, *, label: str = "backup") -> Path:
    """Copy the database into `folder` with the online backup API and return the copy's path.

    The copy is written under a temporary name and renamed when complete, so a cut-off backup never
    looks like a good one.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"nwrc-{stamp}-{label}{BACKUP_SUFFIX}"
    partial = target.with_suffix(".partial")
    try:
        _copy_database(database_path, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    problems = _integrity(partial)
    if problems:
        partial.unlink(missing_ok=True)
        raise BackupError(f"The backup copy {target} failed its integrity check: {problems}")
    os.replace(partial, target)
    return target


def _copy_database(source_path: Path, target_path: Path) -> None:
    """Copy a database with the online backup API into a single self-contained file (no -wal beside it)."""
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    try:
        destination = sqlite3.connect(target_path)
        try:
            source.backup(destination)
            # The copy inherits WAL mode from the source; a copy on a USB stick must be one file.
            destination.execute("PRAGMA journal_mode=DELETE")
        finally:
            destination.close()
    finally:
        source.close()


def automatic_backups(folder: Path) -> list[Path]:
    """Return the automatic copies in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"nwrc-*{BACKUP_SUFFIX}"))


def prune(folder: Path, keep: int = KEEP_BACKUPS) -> list[Path]:
    """Delete all but the newest `keep` automatic copies in `folder`; return the deleted paths."""
    copies = automatic_backups(folder)
    removed = copies[:-keep] if keep > 0 else copies
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def daily_backup(database: Database) -> Path | None:
    """Make the day's automatic copy unless one from today (UTC) exists; keep the newest copies."""
    today = dt.datetime.now(dt.UTC).strftime("%Y%m%d")
    if any(path.name.startswith(f"nwrc-{today}") for path in automatic_backups(database.backup_dir)):
        return None
    path = make_backup(database.path, database.backup_dir, label="daily")
    prune(database.backup_dir)
    log.info("made the daily backup %s", path.name)
    return path


def _integrity(path: Path) -> str | None:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
            connection.execute("SELECT count(*) FROM site").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return str(error)
    return None if result == "ok" else result


def verify_backup_file(path: Path) -> None:
    """Raise BackupError unless `path` is a readable, intact NWRC store."""
    if not path.is_file():
        raise BackupError(f"The backup file {path} does not exist. Check the path and try again.")
    problem = _integrity(path)
    if problem:
        raise BackupError(
            f"The file {path} is not a usable NWRC Desktop backup ({problem}). Nothing was changed. "
            "Choose another backup file."
        )
    from nwrc_desktop.store import migrate

    revision = migrate.current_revision(path)
    if revision is not None and not migrate.is_known_revision(revision):
        raise BackupError(
            f"The backup {path} was made by a newer version of NWRC Desktop (schema {revision}). "
            "Nothing was changed. Install the newer version to restore it."
        )


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def restore_conflicts(backup_file: Path, database_path: Path) -> list[str]:
    """Return what a restore would lose or mix up: another site's backup, or changes not yet sent.

    A damaged or missing current database has nothing to compare, so it gives no conflicts.
    """
    if not database_path.exists() or _integrity(database_path) is not None:
        return []
    conflicts = []
    current, backup = _read_only(database_path), _read_only(backup_file)
    try:
        current_site = current.execute("SELECT code FROM site").fetchone()
        backup_site = backup.execute("SELECT code FROM site").fetchone()
        if current_site and backup_site and current_site[0] != backup_site[0]:
            conflicts.append(f"the backup belongs to site {backup_site[0]}, but this data folder to site "
                             f"{current_site[0]}")
        unsent = {row[0] for row in current.execute(
            "SELECT change_id FROM outbox WHERE state IN ('pending', 'rejected')")}
        in_backup = {row[0] for row in backup.execute("SELECT change_id FROM outbox")}
        lost = len(unsent - in_backup)
        if lost:
            conflicts.append(f"{lost} changes not yet delivered to the registry are not in the backup and would "
                             "be lost (the replaced database is kept as a safety copy)")
    finally:
        current.close()
        backup.close()
    return conflicts


def restore(backup_file: Path, database_path: Path, backup_dir: Path) -> Path | None:
    """Replace the database with `backup_file` after checking the copy; return the safety copy made first.

    The current database (if any) is copied into `backup_dir` before it is replaced, so a restore
    can itself be undone. The caller must hold the data folder's lock and have no open connections.
    """
    verify_backup_file(backup_file)
    safety = None
    if database_path.exists() and database_path.stat().st_size > 0:
        if _integrity(database_path) is None:
            safety = make_backup(database_path, backup_dir, label="before-restore")
        else:
            # A damaged database cannot go through the backup API; keep its bytes as they are.
            backup_dir.mkdir(parents=True, exist_ok=True)
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
            safety = backup_dir / f"damaged-{stamp}-before-restore{BACKUP_SUFFIX}"
            shutil.copy2(database_path, safety)
    staged = database_path.with_name(database_path.name + ".restoring")
    _copy_database(backup_file, staged)
    for suffix in ("-wal", "-shm"):
        Path(str(database_path) + suffix).unlink(missing_ok=True)
    os.replace(staged, database_path)
    return safety
