"""Fixtures of the registry tests: a PostgreSQL database per test, cloned from a migrated template."""

from __future__ import annotations

import os
import secrets

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from nwrc_registry.app import create_app
from nwrc_registry.database import migrate

ADMIN_DSN = os.environ.get("NWRC_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _database_url(name: str) -> str:
    base = ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


def _admin(statement: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as connection:
        connection.execute(statement)


@pytest.fixture(scope="session")
def template_database():
    """A migrated PostgreSQL database that each test clones; dropped with every clone at the end."""
    prefix = f"nwrc_test_{secrets.token_hex(4)}"
    template = f"{prefix}_template"
    _admin(f'CREATE DATABASE "{template}"')
    engine = create_engine(_database_url(template))
    migrate(engine)
    engine.dispose()
    clones: list[str] = []
    yield template, prefix, clones
    for name in [*clones, template]:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(template_database) -> str:
    template, prefix, clones = template_database
    name = f"{prefix}_{len(clones)}"
    clones.append(name)
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return _database_url(name)


@pytest.fixture
def app(database_url):
    application = create_app(database_url, migrate_on_start=False)
    yield application
    application.state.database.dispose()


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client
