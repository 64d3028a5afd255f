"""The wheel carries the resources and migrations, and works when installed in a new virtual environment."""

from __future__ import annotations

import subprocess
import sys
import time
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest
from site_cli import SiteCli

from nwrc_desktop.store.migrate import head_revision

REPO_ROOT = Path(__file__).resolve().parents[2]

PACKAGE_DIR = REPO_ROOT / "nwrc_desktop"


def _project_version() -> str:
    with open(REPO_ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]["version"]


def _shipped_files(folder: str, *, python_files: bool) -> set[str]:
    """Return the files under nwrc_desktop/`folder` that an installation needs, relative to the repository."""
    files = set()
    for path in (PACKAGE_DIR / folder).rglob("*"):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        if path.suffix == ".py" and not python_files:
            continue
        files.add(path.relative_to(REPO_ROOT).as_posix())
    return files


def test_wheel_carries_resources(wheel_file: Path):
    names = set(zipfile.ZipFile(wheel_file).namelist())
    expected = _shipped_files("resources", python_files=False)

    assert any(name.endswith(".ttf") for name in expected)
    assert any(name.startswith("nwrc_desktop/resources/onet/") for name in expected)
    assert sorted(expected - names) == []


def test_wheel_carries_migrations(wheel_file: Path):
    names = set(zipfile.ZipFile(wheel_file).namelist())
    expected = _shipped_files("migrations", python_files=True)

    assert "nwrc_desktop/migrations/script.py.mako" in expected
    assert "nwrc_desktop/migrations/env.py" in expected
    assert sorted(expected - names) == []


def test_wheel_leaves_out_tests(wheel_file: Path):
    names = zipfile.ZipFile(wheel_file).namelist()

    assert [name for name in names if name.startswith("tests/")] == []
    assert [name for name in names if "__pycache__" in name] == []


@pytest.fixture(scope="module")
def installed_program(wheel_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Install the wheel with its dependencies into a new virtual environment; return its nwrc-desktop."""
    environment = tmp_path_factory.mktemp("venv") / "env"
    started = time.monotonic()
    venv.EnvBuilder(with_pip=True).create(environment)
    scripts = environment / ("Scripts" if sys.platform == "win32" else "bin")
    completed = subprocess.run([str(scripts / "python"), "-m", "pip", "install", "--disable-pip-version-check",
                                str(wheel_file)], capture_output=True, text=True, timeout=1200)
    assert completed.returncode == 0, f"installing the wheel failed:\n{completed.stdout}\n{completed.stderr}"
    print(f"new virtual environment with the wheel installed in {time.monotonic() - started:.1f} s")
    return scripts / "nwrc-desktop"


def test_installed_program_is_outside_checkout(installed_program: Path, tmp_path: Path):
    python = installed_program.parent / "python"
    completed = subprocess.run([str(python), "-c", "import nwrc_desktop; print(nwrc_desktop.__file__)"],
                               cwd=tmp_path, capture_output=True, text=True, timeout=120,
                               env={"PATH": str(installed_program.parent)})
    location = Path(completed.stdout.strip())

    assert completed.returncode == 0, completed.stderr
    assert installed_program.parent.parent in location.parents
    assert REPO_ROOT not in location.parents


def test_installed_program_reports_version(installed_program: Path, tmp_path: Path):
    cli = SiteCli([str(installed_program)], tmp_path)
    completed = cli.run("--version")

    assert completed.stdout.strip() == f"nwrc-desktop {_project_version()} (store schema {head_revision()})"


def test_installed_program_runs_site(installed_program: Path, tmp_path: Path, sample_rosters: Path):
    cli = SiteCli([str(installed_program)], tmp_path)

    cli.init_site()
    check = cli.run("check")
    imported = cli.run("learners", "import", str(sample_rosters / "site-roster-clean.csv"))
    check_after = cli.run("check")

    assert f"schema: up to date (revision {head_revision()})" in check.stdout
    assert "resources: fonts and O*NET extract present" in check.stdout
    assert check.stdout.rstrip().endswith("healthy")
    assert "imported 250 rows" in imported.stdout
    assert "0 rejected" in imported.stdout
    assert "250 pending" in check_after.stdout
