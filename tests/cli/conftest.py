from __future__ import annotations

import pytest

from nwrc_desktop.cli import main

ADMIN_PASSWORD = "admin-pass-1"


class Cli:
    """Runs `nwrc-desktop` in this process on one data folder, as a script would."""

    def __init__(self, data_dir, capsys):
        self.data_dir = data_dir
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(self.data_dir), *args])
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NWRC_USER", "admin")
    monkeypatch.setenv("NWRC_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.delenv("NWRC_DATA_DIR", raising=False)
    return Cli(tmp_path / "site", capsys)


@pytest.fixture
def site(cli):
    code, out, err = cli("site", "init", "--code", "TX014", "--name", "Pecos County Workforce Center",
                         "--admin", "admin")
    assert code == 0, err
    return cli
