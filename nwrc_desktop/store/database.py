"""Opening the site's SQLite store: pragmas, the single-instance lock, backups and migrations."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from nwrc_desktop.store import backups, migrate
from nwrc_desktop.store.lock import InstanceLock

log = logging.getLogger(__name__)

DATABASE_NAME = "nwrc.sqlite3"
BUSY_TIMEOUT_MS = 10_000


def _set_pragmas(dbapi_connection: sqlite3.Connection, connection_record: object) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers (a search, a sync run) work while one writer commits.
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a score a proctor has just saved must survive a power cut, not only a crash.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Wait for another connection's write instead of failing at once with 'database is locked'.
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def make_engine(database_path: Path) -> Engine:
    """Return an engine on `database_path` with the store's pragmas set on every connection."""
    engine = create_engine(f"sqlite:///{database_path}", future=True)
    event.listen(engine, "connect", _set_pragmas)

    # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; let SQLAlchemy emit BEGIN.
    @event.listens_for(engine, "connect")
    def _disable_pysqlite_begin(dbapi_connection: sqlite3.Connection, record: object) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: object) -> None:
        # IMMEDIATE takes the write lock at the start, so two writers queue on busy_timeout
        # instead of one failing half-way with SQLITE_BUSY on upgrade from a read lock.
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # type: ignore[attr-defined]

    return engine


@dataclass
class OpenedStore:
    """The migration made when the store was opened, if any, and the backup taken before it."""

    migrated_from: str | None
    migrated_to: str
    backup_path: Path | None


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message states why and what to do."""


class Database:
    """The data folder's SQLite database, opened with the lock held and the schema up to date."""

    def __init__(self, data_dir: Path, *, lock: bool = True, migrate_on_open: bool = True) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DATABASE_NAME
        self.backup_dir = self.data_dir / "backups"
        self._lock = InstanceLock(self.data_dir / "nwrc.lock") if lock else None
        self.opened: OpenedStore | None = None
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._lock is not None:
            self._lock.acquire()
        try:
            self._check_not_damaged()
            if migrate_on_open:
                self.opened = self._migrate()
            self.engine = make_engine(self.path)
            self.sessions = sessionmaker(self.engine, expire_on_commit=False)
            if migrate_on_open:
                backups.daily_backup(self)
        except BaseException:
            self.close()
            raise

    def _check_not_damaged(self) -> None:
        if not self.path.exists() or self.path.stat().st_size == 0:
            copies = backups.automatic_backups(self.backup_dir)
            if copies:
                state = "empty" if self.path.exists() else "missing"
                raise StoreError(
                    f"The database {self.path} is {state}, but this data folder has backups, so the site's data "
                    f"was lost or moved. Nothing was created. Restore the newest backup with "
                    f"'nwrc-desktop restore {copies[-1]}', or use a new data folder for a new site."
                )
            return
        problems = integrity_problems(self.path, quick=True)
        if problems:
            raise StoreError(
                f"The database {self.path} is damaged ({problems[0]}). Nothing was changed. "
                f"Restore the newest good backup with 'nwrc-desktop restore FILE' "
                f"(backups are in {self.backup_dir})."
            )

    def _migrate(self) -> OpenedStore:
        current = migrate.current_revision(self.path) if self.path.exists() else None
        head = migrate.head_revision()
        if current == head:
            return OpenedStore(None, head, None)
        if current is not None and not migrate.is_known_revision(current):
            raise StoreError(
                f"This store was made by a newer version of NWRC Desktop (schema {current}). "
                f"Nothing was changed. Install the newer version to open it."
            )
        backup_path = None
        if current is not None:
            backup_path = backups.make_backup(self.path, self.backup_dir, label=f"before-migration-{current}")
            log.info("backed up the store to %s before migrating from %s to %s", backup_path, current, head)
        migrate.upgrade(self.path)
        return OpenedStore(current, head, backup_path)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """Yield an ORM session in one transaction, committed on success and rolled back on error."""
        with self.sessions.begin() as session:
            yield session

    def close(self) -> None:
        engine = getattr(self, "engine", None)
        if engine is not None:
            engine.dispose()
        if self._lock is not None:
            self._lock.release()


def integrity_problems(path: Path, *, quick: bool = False) -> list[str]:
    """Return what SQLite's integrity check finds wrong with the file at `path` (empty when healthy).

    `quick` runs quick_check, which skips comparing indexes with their tables; it serves every open,
    while `check`, backups and restores run the full check.
    """
    pragma = "quick_check" if quick else "integrity_check"
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = connection.execute(f"PRAGMA {pragma}").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return [str(error)]
    results = [row[0] for row in rows]
    return [] if results == ["ok"] else results


def default_data_dir() -> Path:
    """Return the data folder: $NWRC_DATA_DIR, or the operating system's per-user application data folder."""
    configured = os.environ.get("NWRC_DATA_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_data_dir("NWRC Desktop", "NWRC"))
