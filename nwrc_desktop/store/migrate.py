"""Alembic, run from code: the store's schema revision, the newest one, and upgrading to it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from nwrc_desktop.resources import migrations_path


def alembic_config(database_path: Path | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    if database_path is not None:
        config.set_main_option("sqlalchemy.url", f"sqlite:///{database_path}")
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations folder has no revisions"
    return head


def is_known_revision(revision: str) -> bool:
    script = ScriptDirectory.from_config(alembic_config())
    return any(rev.revision == revision for rev in script.walk_revisions())


def current_revision(database_path: Path) -> str | None:
    """Return the schema revision recorded in the database, or None for an empty database."""
    connection = sqlite3.connect(f"file:{database_path}?mode=ro", uri=True)
    try:
        has_table = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if not has_table:
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    finally:
        connection.close()


def upgrade(database_path: Path, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_path), revision)
