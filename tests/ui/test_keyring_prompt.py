"""The GUI asks for the encrypted file keyring's passphrase instead of a terminal prompt."""

import os

from nwrc_desktop.ui import keyring_prompt


def test_passphrase_put_into_environment(qtbot, monkeypatch):
    monkeypatch.setattr(keyring_prompt, "uses_encrypted_file_keyring", lambda: True)
    monkeypatch.delenv("NWRC_KEYRING_PASSWORD", raising=False)
    answers = iter([("short", True), ("a long passphrase", True)])
    warnings = []
    monkeypatch.setattr(keyring_prompt.QInputDialog, "getText", lambda *args: next(answers))
    monkeypatch.setattr(keyring_prompt.QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    assert keyring_prompt.ask_keyring_passphrase() is True
    assert os.environ["NWRC_KEYRING_PASSWORD"] == "a long passphrase"
    assert "too short" in warnings[0]


def test_cancel_stops(qtbot, monkeypatch):
    monkeypatch.setattr(keyring_prompt, "uses_encrypted_file_keyring", lambda: True)
    monkeypatch.delenv("NWRC_KEYRING_PASSWORD", raising=False)
    monkeypatch.setattr(keyring_prompt.QInputDialog, "getText", lambda *args: ("", False))
    assert keyring_prompt.ask_keyring_passphrase() is False
    assert "NWRC_KEYRING_PASSWORD" not in os.environ


def test_system_keyring_asks_nothing(qtbot, monkeypatch):
    monkeypatch.setattr(keyring_prompt, "uses_encrypted_file_keyring", lambda: False)
    monkeypatch.setattr(keyring_prompt.QInputDialog, "getText", lambda *args: 1 / 0)
    assert keyring_prompt.ask_keyring_passphrase() is True
