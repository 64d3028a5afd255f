"""The registry's database: engines for PostgreSQL or SQLite, sessions and migrations run from code."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(database_url: str) -> Engine:
    """Return an engine for `database_url`; SQLite gets WAL, foreign keys and a busy timeout."""
    if database_url.startswith("sqlite"):
        engine = create_engine(database_url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    return create_engine(database_url, pool_pre_ping=True)


def _set_sqlite_pragmas(dbapi_connection, connection_record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    # WAL lets the verification page read while a batch commits.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Concurrent requests wait for the writer instead of failing with 'database is locked'.
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    # The sqlite3 module's own transaction handling would let the first RELEASE SAVEPOINT commit a
    # batch half-way; SQLAlchemy emits BEGIN itself instead (see _begin_immediate).
    dbapi_connection.isolation_level = None


def _begin_immediate(connection) -> None:  # noqa: ANN001
    # IMMEDIATE takes the write lock at the start, so concurrent batches queue on busy_timeout instead
    # of failing with SQLITE_BUSY when a reader upgrades to a writer.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the registry has no migrations"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> tuple[str | None, str]:
    """Upgrade the database behind `engine` to the newest schema; return (revision before, revision after)."""
    before = current_revision(engine)
    head = head_revision()
    if before != head:
        with engine.begin() as connection:
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        log.info("registry database migrated from %s to %s", before or "empty", head)
    return before, head


class Database:
    """An engine and a session factory for one registry database."""

    def __init__(self, database_url: str) -> None:
        self.engine = make_engine(database_url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """Yield a session in one transaction, committed on success and rolled back on error."""
        with self.sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
