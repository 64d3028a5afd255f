"""Fixtures shared by all tests: an in-memory keyring, a fresh data folder and a set-up site."""

from __future__ import annotations

import os
from pathlib import Path

import keyring
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from nwrc_desktop.secrets import MemoryKeyring  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
ROSTERS = REPO_ROOT.parent / "shared" / "data" / "rosters"


@pytest.fixture(autouse=True)
def memory_keyring():
    """Keep every secret in memory, so no test touches or prompts for the OS keyring."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def rosters() -> Path:
    if not ROSTERS.is_dir():
        pytest.fail(f"the sample rosters are missing: expected them in {ROSTERS}")
    return ROSTERS
