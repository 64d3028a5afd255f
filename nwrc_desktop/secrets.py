"""The site's secrets (registry token, certificate-signing key) in the operating system's keyring.

There is no fallback that writes a secret to disk: without a usable keyring every call raises
:class:`KeyringUnavailable` with a message that explains how to get one.
"""

from __future__ import annotations

import base64
import logging
import os
import sys

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from nwrc_desktop.logs import register_secret

log = logging.getLogger(__name__)

SERVICE = "nwrc-desktop"


class KeyringUnavailable(RuntimeError):
    """The operating system's keyring cannot be used."""


def _how_to_fix() -> str:
    if sys.platform.startswith("linux"):
        return (
            "On Linux install and unlock a Secret Service keyring (for example GNOME Keyring: "
            "'sudo apt-get install gnome-keyring', or KWallet on KDE) and start the program inside "
            "the desktop session. On a machine without a desktop, install the encrypted file keyring "
            "('pip install keyrings.cryptfile') and set PYTHON_KEYRING_BACKEND="
            "keyrings.cryptfile.cryptfile.CryptFileKeyring and NWRC_KEYRING_PASSWORD."
        )
    if sys.platform == "darwin":
        return "Check that the login Keychain is unlocked."
    return "Check that Windows Credential Manager is available for this user account."


# Backends that write secrets to disk unencrypted; keyrings.cryptfile ships one beside its encrypted one.
PLAINTEXT_BACKENDS = frozenset({"PlaintextKeyring"})


def _writing_backend(backend: KeyringBackend) -> KeyringBackend:
    """Return the backend a write goes to: a chainer writes to its first (highest-priority) backend."""
    chained = getattr(backend, "backends", None)
    return chained[0] if chained else backend


def _check_backend() -> KeyringBackend:
    backend = keyring.get_keyring()
    if type(_writing_backend(backend)).__name__ in PLAINTEXT_BACKENDS:
        raise KeyringUnavailable(
            f"The keyring backend {type(_writing_backend(backend)).__name__} keeps secrets unencrypted on disk, "
            f"so NWRC Desktop does not use it. {_how_to_fix()}"
        )
    _unlock_encrypted_file_keyring(backend)
    # keyring picks the 'fail' or 'null' backend when it finds nothing usable; both have priority 0 or less.
    module = type(backend).__module__
    if module.startswith("keyring.backends.fail") or module.startswith("keyring.backends.null"):
        raise KeyringUnavailable(f"No usable keyring was found to keep the site's secrets. {_how_to_fix()}")
    return backend


def _encrypted_file_keyrings(backend: KeyringBackend) -> list[KeyringBackend]:
    """Return the keyrings.cryptfile backends in use: the backend itself, or those a chainer delegates to."""
    candidates = [backend, *getattr(backend, "backends", [])]
    return [candidate for candidate in candidates if type(candidate).__name__ == "CryptFileKeyring"]


def uses_encrypted_file_keyring() -> bool:
    """Return True when secrets go to keyrings.cryptfile, which needs a passphrase to open."""
    return bool(_encrypted_file_keyrings(keyring.get_keyring()))


def _unlock_encrypted_file_keyring(backend: KeyringBackend) -> None:
    """Give keyrings.cryptfile its passphrase from NWRC_KEYRING_PASSWORD, so nothing prompts on a terminal.

    That backend keeps secrets in a file encrypted with the passphrase; it is meant for Linux machines
    without a desktop session, where no Secret Service runs. The GUI asks for the passphrase at start and
    puts it into this variable for its own process.
    """
    for file_keyring in _encrypted_file_keyrings(backend):
        if getattr(file_keyring, "_nwrc_unlocked", False):
            continue
        password = os.environ.get("NWRC_KEYRING_PASSWORD")
        if not password:
            raise KeyringUnavailable(
                "The encrypted file keyring needs its passphrase: set NWRC_KEYRING_PASSWORD "
                "(the GUI asks for it when it starts)."
            )
        try:
            file_keyring.keyring_key = password  # type: ignore[attr-defined]
        except Exception as error:  # noqa: BLE001 - the backend raises ValueError for a wrong passphrase
            raise KeyringUnavailable(
                f"The encrypted file keyring could not be opened ({type(error).__name__}: {error}); "
                "check that NWRC_KEYRING_PASSWORD is the passphrase it was created with."
            ) from error
        file_keyring._nwrc_unlocked = True  # type: ignore[attr-defined]


def _username(site_id: str, name: str) -> str:
    return f"{site_id}:{name}"


def set_secret(site_id: str, name: str, value: bytes) -> None:
    """Store `value` under `name` for the site `site_id`."""
    _check_backend()
    register_secret(value)
    try:
        keyring.set_password(SERVICE, _username(site_id, name), base64.b64encode(value).decode("ascii"))
    except Exception as error:  # noqa: BLE001 - backends raise their own types (ValueError, DBus errors)
        raise KeyringUnavailable(f"Saving to the keyring failed: {error}. {_how_to_fix()}") from error


def get_secret(site_id: str, name: str) -> bytes | None:
    """Return the secret `name` of the site `site_id`, or None if it was never stored."""
    _check_backend()
    try:
        value = keyring.get_password(SERVICE, _username(site_id, name))
    except Exception as error:  # noqa: BLE001 - backends raise their own types (ValueError, DBus errors)
        raise KeyringUnavailable(
            f"Reading the keyring failed ({type(error).__name__}: {error}); if it is an encrypted file "
            f"keyring, check NWRC_KEYRING_PASSWORD. {_how_to_fix()}"
        ) from error
    if value is None:
        return None
    secret = base64.b64decode(value)
    register_secret(secret)
    return secret


def delete_secret(site_id: str, name: str) -> None:
    """Remove the secret `name` of the site `site_id`; a missing secret is not an error."""
    _check_backend()
    try:
        keyring.delete_password(SERVICE, _username(site_id, name))
    except keyring.errors.PasswordDeleteError:
        log.debug("secret %s of site %s was not in the keyring", name, site_id)


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in process memory, for tests and demos; nothing reaches the disk."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self._values:
            raise keyring.errors.PasswordDeleteError(username)
        del self._values[(service, username)]
