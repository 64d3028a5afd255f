"""Fixtures of the domain tests: the shared roster files and a fixed today."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def rosters_dir() -> Path:
    """The folder of sample roster and score files, beside the repository in shared/data/rosters."""
    path = REPO_ROOT.parent / "shared" / "data" / "rosters"
    if not path.is_dir():
        pytest.fail(
            f"sample roster files not found at {path}; the shared folder must sit beside the repository"
        )
    return path


@pytest.fixture
def today() -> datetime.date:
    """A fixed today, shortly after the sample score day, so future-date checks do not drift."""
    return datetime.date(2026, 12, 4)
