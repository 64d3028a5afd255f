"""The site's certificate-signing key, kept only in the operating system's keyring.

Both functions raise :class:`nwrc_desktop.secrets.KeyringUnavailable` when no usable keyring exists.
Nothing here writes the key to disk or logs it.
"""

from __future__ import annotations

import logging

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from nwrc_desktop import secrets
from nwrc_desktop.certificates.signing import generate_signing_key, public_key_bytes

log = logging.getLogger(__name__)

SIGNING_KEY_NAME = "signing-key"
_PRIVATE_KEY_LENGTH = 32


class SigningKeyMissing(LookupError):
    """The keyring has no signing key for the site, so certificates cannot be signed."""


def _check_private_key(site_id: str, private_key: bytes) -> bytes:
    if len(private_key) != _PRIVATE_KEY_LENGTH:
        raise ValueError(
            f"the signing key of site {site_id} in the keyring is {len(private_key)} bytes, "
            f"expected {_PRIVATE_KEY_LENGTH}; restore it from the keyring backup or re-enrol the site"
        )
    Ed25519PrivateKey.from_private_bytes(private_key)
    return private_key


def ensure_signing_key(site_id: str) -> bytes:
    """Create the site's signing key in the keyring unless it exists, and return its public key bytes.

    An existing key is never replaced, because the registry knows its public key from enrolment. A
    stored key of the wrong length raises ValueError.
    """
    stored = secrets.get_secret(site_id, SIGNING_KEY_NAME)
    if stored is not None:
        return public_key_bytes(_check_private_key(site_id, stored))
    private_key = generate_signing_key()
    secrets.set_secret(site_id, SIGNING_KEY_NAME, private_key)
    log.info("created a certificate-signing key for site %s", site_id)
    return public_key_bytes(private_key)


def load_signing_key(site_id: str) -> bytes:
    """Return the site's raw private signing key; raise SigningKeyMissing if set-up never created it."""
    stored = secrets.get_secret(site_id, SIGNING_KEY_NAME)
    if stored is None:
        raise SigningKeyMissing(
            f"site {site_id} has no certificate-signing key in the keyring; run the site set-up again "
            "to create one and send its public key to the registry"
        )
    return _check_private_key(site_id, stored)
