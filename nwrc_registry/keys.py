"""Hashes of enrolment codes and tokens, and Ed25519 signature checks."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

# Enrolment codes avoid letters and digits that are easy to confuse when read aloud (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16


def new_enrolment_code() -> str:
    """Return a random one-time code shaped XXXX-XXXX-XXXX-XXXX (about 79 bits)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def hash_enrolment_code(code: str) -> str:
    """Return the SHA-256 hex of the code with case, spaces and dashes ignored."""
    normalised = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(normalised.encode("ascii", "replace")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def decode_base64(text: str) -> bytes:
    """Decode standard or URL-safe base64, with or without padding; raise ValueError if invalid."""
    cleaned = text.strip().replace("-", "+").replace("_", "/")
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned, validate=True)
    except binascii.Error as error:
        raise ValueError(f"invalid base64: {error}") from None


def parse_public_key(text: str) -> bytes:
    """Return the raw 32 bytes of a base64 Ed25519 public key; raise ValueError if it is not one."""
    raw = decode_base64(text)
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 public key has 32 bytes, this one has {len(raw)}")
    Ed25519PublicKey.from_public_bytes(raw)
    return raw


def signature_verifies(public_key: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
