"""Fixtures for packaging tests: a wheel built from the checkout, and the sample rosters' folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SUPPORT_DIR = REPO_ROOT / "tests" / "support"
if str(SUPPORT_DIR) not in sys.path:
    sys.path.insert(0, str(SUPPORT_DIR))

# What the source tree copy for a build needs; a copy keeps build/ and *.egg-info out of the checkout.
BUILD_INPUTS = ("nwrc_desktop", "nwrc_registry", "pyproject.toml", "README.md")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "bundle: builds the PyInstaller bundle (skipped when NWRC_SKIP_BUNDLE=1)")


@pytest.fixture(scope="session")
def wheel_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the project's wheel with `pip wheel` from a copy of the checkout and return its path.

    pip builds it in an isolated environment with the build backend that pyproject.toml names.
    """
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_INPUTS:
        path = REPO_ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif path.is_file():
            shutil.copy2(path, source / name)
    out = tmp_path_factory.mktemp("wheel")
    completed = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
                                "--wheel-dir", str(out), str(source)], capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, f"building the wheel failed:\n{completed.stdout}\n{completed.stderr}"
    wheels = list(out.glob("nwrc_desktop-*.whl"))
    assert len(wheels) == 1, f"expected one wheel in {out}, found {wheels}"
    return wheels[0]


@pytest.fixture(scope="session")
def sample_rosters() -> Path:
    rosters = REPO_ROOT.parent / "shared" / "data" / "rosters"
    if not rosters.is_dir():
        pytest.fail(f"the sample rosters are missing: expected them in {rosters}")
    return rosters
