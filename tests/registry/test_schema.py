"""Registry migrations: one head, upgrade from empty on SQLite and PostgreSQL, models match migrations."""

from __future__ import annotations

import json
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from nwrc_registry.database import alembic_config, current_revision, head_revision, migrate
from nwrc_registry.models import Base


def test_single_head():
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_sqlite_upgrade_from_empty_matches_models(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'registry.sqlite3'}")
    assert migrate(engine) == (None, head_revision())
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    assert migrate(engine) == (head_revision(), head_revision())
    engine.dispose()


def test_postgresql_schema_matches_models(app):
    with app.state.database.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nwrc_registry.cli", *args], capture_output=True, text=True, timeout=60
    )


def test_cli_site_add_revoke_and_stats(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    added = run_cli("site", "add", "dm01", "--name", "Demo Center", "--database-url", url)
    assert added.returncode == 0, added.stderr
    assert "one-time enrolment code: " in added.stdout

    duplicate = run_cli("site", "add", "DM01", "--name", "Again", "--database-url", url)
    assert duplicate.returncode == 2
    assert "already exists" in duplicate.stderr

    unsynced = run_cli("certificates", "revoke", "DM01-1", "--reason", "fraud", "--database-url", url)
    assert unsynced.returncode == 2
    assert "--site" in unsynced.stderr
    revoked = run_cli("certificates", "revoke", "DM01-1", "--reason", "fraud", "--site", "DM01", "--database-url", url)
    assert revoked.returncode == 0, revoked.stderr

    stats = run_cli("stats", "--json", "--database-url", url)
    assert stats.returncode == 0, stats.stderr
    entry = json.loads(stats.stdout)["sites"]["DM01"]
    assert entry["name"] == "Demo Center"
    assert entry["revocations"] == 1
    assert entry["learners"] == 0


def test_cli_without_database_says_how(monkeypatch):
    monkeypatch.delenv("NWRC_REGISTRY_DATABASE_URL", raising=False)
    result = run_cli("stats")
    assert result.returncode != 0
    assert "--database-url" in result.stderr
