"""Without a usable keyring the site cannot be set up, and the message explains how to get one."""

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring

from nwrc_desktop.secrets import KeyringUnavailable
from nwrc_desktop.store.accounts import init_site, is_set_up
from nwrc_desktop.store.database import Database


def test_no_keyring_explains_fix(tmp_path):
    keyring.set_keyring(FailKeyring())
    database = Database(tmp_path / "site")
    try:
        with pytest.raises(KeyringUnavailable) as raised:
            init_site(database, "TX014", "Pecos Center", "admin", "correct horse")
        assert "No usable keyring" in str(raised.value)
        assert "keyrings.cryptfile" in str(raised.value)
        assert not is_set_up(database)
    finally:
        database.close()
    assert not list((tmp_path / "site").rglob("*.key"))


def test_signing_key_not_in_database(tmp_path, memory_keyring):
    database = Database(tmp_path / "site")
    try:
        site = init_site(database, "TX014", "Pecos Center", "admin", "correct horse")
    finally:
        database.close()
    stored = memory_keyring.get_password("nwrc-desktop", f"{site.id}:signing-key")
    assert stored
    raw = (tmp_path / "site" / "nwrc.sqlite3").read_bytes()
    assert stored.encode() not in raw
    import base64

    assert base64.b64decode(stored) not in raw


def test_plaintext_keyring_refused(tmp_path):
    from keyrings.cryptfile.file import PlaintextKeyring

    plaintext = PlaintextKeyring()
    plaintext.file_path = str(tmp_path / "plain.cfg")
    keyring.set_keyring(plaintext)
    database = Database(tmp_path / "site")
    try:
        with pytest.raises(KeyringUnavailable, match="unencrypted"):
            init_site(database, "TX014", "Pecos Center", "admin", "correct horse")
    finally:
        database.close()
    assert not (tmp_path / "plain.cfg").exists()


def test_encrypted_file_keyring_needs_passphrase(tmp_path, monkeypatch):
    from keyrings.cryptfile.cryptfile import CryptFileKeyring

    file_keyring = CryptFileKeyring()
    file_keyring.file_path = str(tmp_path / "crypt.cfg")
    keyring.set_keyring(file_keyring)
    monkeypatch.delenv("NWRC_KEYRING_PASSWORD", raising=False)
    database = Database(tmp_path / "site")
    try:
        with pytest.raises(KeyringUnavailable, match="NWRC_KEYRING_PASSWORD"):
            init_site(database, "TX014", "Pecos Center", "admin", "correct horse")
        monkeypatch.setenv("NWRC_KEYRING_PASSWORD", "a long passphrase")
        site = init_site(database, "TX014", "Pecos Center", "admin", "correct horse")
    finally:
        database.close()
    assert site.public_key
    stored = file_keyring.get_password("nwrc-desktop", f"{site.id}:signing-key")
    assert stored
    assert stored.encode() not in (tmp_path / "crypt.cfg").read_bytes()
