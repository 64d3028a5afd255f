"""The PyInstaller bundle built by installer/build_linux_bundle.sh runs the site's headless commands.

Building the bundle took about three minutes on a two-core machine, so these tests are marked `bundle`
and skipped when NWRC_SKIP_BUNDLE=1. NWRC_BUNDLE_DIR may name an already built bundle folder
(the one that contains the nwrc-desktop program) to test instead of building one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from site_cli import SiteCli

from nwrc_desktop.resources import REQUIRED_RESOURCES
from nwrc_desktop.store.migrate import head_revision

REPO_ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(os.environ.get("NWRC_SKIP_BUNDLE") == "1", reason="NWRC_SKIP_BUNDLE=1"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the script builds the Linux bundle"),
]


def _folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the bundle folder, building it with installer/build_linux_bundle.sh unless NWRC_BUNDLE_DIR is set."""
    prebuilt = os.environ.get("NWRC_BUNDLE_DIR")
    if prebuilt:
        return Path(prebuilt)
    out = tmp_path_factory.mktemp("bundle")
    env = dict(os.environ, PYTHON=sys.executable, NWRC_BUILD_WORK=str(out / "work"))
    started = time.monotonic()
    completed = subprocess.run(["bash", str(REPO_ROOT / "installer" / "build_linux_bundle.sh"), str(out / "dist")],
                               env=env, capture_output=True, text=True, timeout=1800)
    assert completed.returncode == 0, f"building the bundle failed:\n{completed.stdout}\n{completed.stderr}"
    folder = out / "dist" / "nwrc-desktop"
    print(f"built the bundle in {time.monotonic() - started:.0f} s: {_folder_size(folder) / 2**20:.0f} MiB")
    return folder


def _timed(cli: SiteCli, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    completed = cli.run(*args)
    return completed, time.monotonic() - started


def test_bundle_has_programs_and_desktop_entry(bundle: Path):
    for name in ("nwrc-desktop", "nwrc-desktop-gui", "install-desktop-entry.sh"):
        assert os.access(bundle / name, os.X_OK), f"{name} is missing or not executable"
    entry = (bundle / "nwrc-desktop.desktop").read_text(encoding="utf-8")
    assert "Exec=nwrc-desktop-gui" in entry
    assert "Icon=nwrc-desktop" in entry
    assert (bundle / "nwrc-desktop.png").is_file()


def test_desktop_entry_installs_for_user(bundle: Path, tmp_path: Path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path), HOME=str(tmp_path))
    completed = subprocess.run(["bash", str(bundle / "install-desktop-entry.sh")], env=env,
                               capture_output=True, text=True, timeout=60)
    entry = (tmp_path / "applications" / "nwrc-desktop.desktop").read_text(encoding="utf-8")

    assert completed.returncode == 0, completed.stderr
    assert f'Exec="{bundle.resolve()}/nwrc-desktop-gui"' in entry
    assert f"TryExec={bundle.resolve()}/nwrc-desktop-gui" in entry
    assert (tmp_path / "icons" / "hicolor" / "256x256" / "apps" / "nwrc-desktop.png").is_file()
    assert (tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "nwrc-desktop.svg").is_file()


def test_bundle_carries_resources_and_migrations(bundle: Path):
    package = bundle / "_internal" / "nwrc_desktop"
    migrations = package / "migrations"

    for name in REQUIRED_RESOURCES:
        assert (package / "resources" / name).is_file(), f"resources/{name} is missing"
    assert (migrations / "env.py").is_file()
    assert (migrations / "script.py.mako").is_file()
    expected = {path.name for path in (REPO_ROOT / "nwrc_desktop" / "migrations" / "versions").glob("*.py")}
    assert {path.name for path in (migrations / "versions").glob("*.py")} == expected


def test_bundle_carries_qt_without_unused_modules(bundle: Path):
    qt = bundle / "_internal" / "PySide6" / "Qt"
    names = {path.name for path in qt.rglob("*") if path.is_file()}

    assert "libqoffscreen.so" in names
    assert "libqxcb.so" in names
    assert not [name for name in names if "WebEngine" in name]
    assert not [name for name in names if "Qt6Quick" in name or "Qt6Qml" in name]


def test_bundle_runs_site_headless(bundle: Path, tmp_path: Path, sample_rosters: Path):
    cli = SiteCli([str(bundle / "nwrc-desktop")], tmp_path, keyring_from_config=True)

    version, version_seconds = _timed(cli, "--version")
    cli.init_site()
    check, check_seconds = _timed(cli, "check")
    imported, import_seconds = _timed(cli, "learners", "import", str(sample_rosters / "site-roster-clean.csv"))
    print(f"bundle cold start: --version {version_seconds:.2f} s, check {check_seconds:.2f} s; "
          f"import of 250 learners {import_seconds:.1f} s; size {_folder_size(bundle) / 2**20:.0f} MiB")

    assert version.stdout.startswith("nwrc-desktop ")
    assert f"(store schema {head_revision()})" in version.stdout
    assert f"schema: up to date (revision {head_revision()})" in check.stdout
    assert check.stdout.rstrip().endswith("healthy")
    assert "imported 250 rows" in imported.stdout
    assert "0 rejected" in imported.stdout
    assert cli.keyring_file.is_file(), "site init did not store the signing key through the test keyring"


GUI_START_TIMEOUT_SECONDS = 60


def test_bundle_gui_starts_offscreen(bundle: Path, tmp_path: Path):
    """Start the windowed program on a new data folder and wait until it has opened the store.

    The set-up assistant then waits for input, so a program still running at that point has loaded Qt,
    its plugins and the store; the test ends it.
    """
    cli = SiteCli([str(bundle / "nwrc-desktop-gui")], tmp_path, keyring_from_config=True)
    log_file = cli.data_dir / "nwrc-desktop.log"
    process = subprocess.Popen(cli.program, cwd=tmp_path, env=cli.environment(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + GUI_START_TIMEOUT_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            if log_file.is_file() and "made the daily backup" in log_file.read_text(encoding="utf-8"):
                break
            time.sleep(0.2)
        exit_status = process.poll()
        log = log_file.read_text(encoding="utf-8") if log_file.is_file() else ""
    finally:
        process.kill()
        output = process.communicate(timeout=30)[0].decode("utf-8", "replace")

    assert exit_status is None, f"the GUI exited with {exit_status}:\n{output}\n{log}"
    assert "starting the GUI" in log
    assert "made the daily backup" in log
