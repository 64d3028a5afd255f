"""Fixtures for operating tests: a set-up site's data folder, the CLI in-process, and log clean-up."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SUPPORT_DIR = REPO_ROOT / "tests" / "support"
if str(SUPPORT_DIR) not in sys.path:
    sys.path.insert(0, str(SUPPORT_DIR))

from site_cli import ADMIN, ADMIN_PASSWORD, SITE_CODE, SITE_NAME  # noqa: E402

from nwrc_desktop.logs import QUIET_LOGGERS  # noqa: E402
from nwrc_desktop.store.accounts import init_site  # noqa: E402
from nwrc_desktop.store.database import Database  # noqa: E402


@pytest.fixture(autouse=True)
def remove_log_file_handler():
    """Take away the file handler and levels that configure_logging sets, so tests do not share a log."""
    loggers = [logging.getLogger(name) for name in ("", "nwrc_desktop", "nwrc_registry", *QUIET_LOGGERS)]
    previous_levels = [logger.level for logger in loggers]
    yield
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "nwrc_file", False):
            root.removeHandler(handler)
            handler.close()
    for logger, level in zip(loggers, previous_levels, strict=True):
        logger.setLevel(level)


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    """Return a data folder with a set-up site and no open connection to it."""
    data_dir = tmp_path / "site"
    database = Database(data_dir)
    try:
        init_site(database, SITE_CODE, SITE_NAME, ADMIN, ADMIN_PASSWORD)
    finally:
        database.close()
    return data_dir


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let in-process CLI commands sign in as the site's admin without prompting."""
    monkeypatch.setenv("NWRC_USER", ADMIN)
    monkeypatch.setenv("NWRC_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.delenv("NWRC_DATA_DIR", raising=False)

