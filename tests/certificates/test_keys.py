import keyring
import pytest
from keyring.backends import fail

from nwrc_desktop import secrets
from nwrc_desktop.certificates import SigningKeyMissing, ensure_signing_key, load_signing_key
from nwrc_desktop.certificates.keys import SIGNING_KEY_NAME
from nwrc_desktop.certificates.signing import public_key_bytes


def test_ensure_creates_and_keeps_key(memory_keyring):
    first = ensure_signing_key("site-1")
    second = ensure_signing_key("site-1")

    assert len(first) == 32
    assert first == second
    assert public_key_bytes(load_signing_key("site-1")) == first
    assert secrets.get_secret("site-1", SIGNING_KEY_NAME) == load_signing_key("site-1")


def test_sites_get_separate_keys():
    assert ensure_signing_key("site-1") != ensure_signing_key("site-2")


def test_load_missing_key_raises():
    with pytest.raises(SigningKeyMissing, match="site-9"):
        load_signing_key("site-9")


def test_corrupt_stored_key_not_replaced():
    secrets.set_secret("site-1", SIGNING_KEY_NAME, b"too short")

    with pytest.raises(ValueError, match="9 bytes"):
        ensure_signing_key("site-1")
    assert secrets.get_secret("site-1", SIGNING_KEY_NAME) == b"too short"


def test_no_keyring_raises_unavailable():
    keyring.set_keyring(fail.Keyring())

    with pytest.raises(secrets.KeyringUnavailable):
        ensure_signing_key("site-1")
    with pytest.raises(secrets.KeyringUnavailable):
        load_signing_key("site-1")
