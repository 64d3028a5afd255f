"""Running the `nwrc-desktop` command as a subprocess against a test site's data folder.

Each run gets a clean environment: its own data folder, the file-backed test keyring from
file_keyring.py, the offscreen Qt platform, and no NWRC_* variables from the caller's shell.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

SUPPORT_DIR = Path(__file__).resolve().parent
KEYRING_BACKEND = "file_keyring.FileKeyring"
ADMIN = "admin"
ADMIN_PASSWORD = "Harbor-Lantern-Quartz-81"
SITE_CODE = "TX014"
SITE_NAME = "Pecos County Workforce Center"


@dataclass
class SiteCli:
    """The `nwrc-desktop` program (`program` is its command line prefix) working on one data folder.

    With `keyring_from_config`, the test keyring is chosen by a keyringrc.cfg file (with keyring's
    `keyring-path` option) instead of PYTHON_KEYRING_BACKEND and PYTHONPATH, for a frozen bundle that
    may not read PYTHONPATH.
    """

    program: Sequence[str]
    home: Path
    keyring_from_config: bool = False
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def keyring_file(self) -> Path:
        return self.home / "keyring.json"

    def environment(self) -> dict[str, str]:
        env = {name: value for name, value in os.environ.items()
               if not name.startswith(("NWRC_", "PYTHON", "XDG_CONFIG_HOME"))}
        config_home = self.home / "config"
        env.update({
            "NWRC_DATA_DIR": str(self.data_dir),
            "NWRC_USER": ADMIN,
            "NWRC_PASSWORD": ADMIN_PASSWORD,
            "NWRC_TEST_KEYRING_FILE": str(self.keyring_file),
            "QT_QPA_PLATFORM": "offscreen",
            "XDG_CONFIG_HOME": str(config_home),
            "PYTHONUTF8": "1",
        })
        if self.keyring_from_config:
            keyring_config = config_home / "python_keyring" / "keyringrc.cfg"
            keyring_config.parent.mkdir(parents=True, exist_ok=True)
            keyring_config.write_text(
                f"[backend]\ndefault-keyring = {KEYRING_BACKEND}\nkeyring-path = {SUPPORT_DIR}\n", encoding="utf-8")
        else:
            env["PYTHON_KEYRING_BACKEND"] = KEYRING_BACKEND
            env["PYTHONPATH"] = str(SUPPORT_DIR)
        env.update(self.extra_env)
        return env

    def run(self, *args: str, expect_success: bool | None = True,
            timeout: float = 300) -> subprocess.CompletedProcess:
        """Run the program with `args`; raise AssertionError with its output if the exit status is unexpected.

        `expect_success` None accepts any exit status.
        """
        self.home.mkdir(parents=True, exist_ok=True)
        completed = subprocess.run([*self.program, *args], cwd=self.home, env=self.environment(),
                                   capture_output=True, text=True, encoding="utf-8", timeout=timeout)
        succeeded = completed.returncode == 0
        if expect_success is not None and succeeded != expect_success:
            expected = "success" if expect_success else "failure"
            raise AssertionError(
                f"{' '.join(args)} exited with {completed.returncode}, expected {expected}\n"
                f"--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}")
        return completed

    def init_site(self) -> subprocess.CompletedProcess:
        return self.run("site", "init", "--code", SITE_CODE, "--name", SITE_NAME, "--admin", ADMIN,
                        "--admin-name", "Site Administrator")
