from __future__ import annotations

import pytest

from nwrc_desktop.domain.assessments import Role
from nwrc_desktop.store.accounts import create_account, init_site
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.journal import Actor

ADMIN = Actor("admin", Role.ADMIN)
PROCTOR = Actor("proctor1", Role.PROCTOR)
STAFF = Actor("staff1", Role.STAFF)


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "site")
    init_site(database, "TX014", "Pecos County Workforce Center", "admin", "correct horse")
    create_account(database, ADMIN, "proctor1", Role.PROCTOR, "proctor pass")
    create_account(database, ADMIN, "staff1", Role.STAFF, "staff pass")
    yield database
    database.close()
