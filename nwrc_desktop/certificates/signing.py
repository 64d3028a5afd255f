"""Ed25519 signatures over certificates, the short verification code and the verification URL.

The site signs the canonical bytes of a :class:`CertificatePayload`: compact JSON with sorted keys,
UTF-8, every string in NFC. The registry rebuilds the same bytes from the URL in the certificate's QR
code and checks them with the public key the site sent at enrolment, so a certificate verifies before
the site has synced.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import hashlib
import json
import unicodedata
import urllib.parse
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from nwrc_desktop.certificates.numbers import normalize_certificate_number
from nwrc_desktop.domain.assessments import MAX_LEVEL, MIN_CREDENTIAL_LEVEL, CredentialType

# Bumped when the fields or their encoding change, so a registry can tell old certificates apart.
PAYLOAD_FORMAT = 1
SIGNATURE_LENGTH = 64
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
VERIFICATION_CODE_LENGTH = 10

_PAYLOAD_KEYS = frozenset(
    {"format", "certificate_number", "learner_name", "credential_type", "level", "issued_on", "site_code"}
)


@dataclasses.dataclass(frozen=True)
class CertificatePayload:
    """The signed facts of one certificate.

    Construction normalises the name to NFC without surrounding spaces, as CertificateData prints it, and
    the number to its printed form. It raises ValueError
    when the level does not suit the credential or the number's site code differs from `site_code`.
    """

    certificate_number: str
    learner_name: str
    credential_type: CredentialType
    level: int | None
    issued_on: datetime.date
    site_code: str

    def __post_init__(self) -> None:
        number = normalize_certificate_number(self.certificate_number)
        object.__setattr__(self, "certificate_number", number)
        object.__setattr__(self, "learner_name", unicodedata.normalize("NFC", self.learner_name).strip())
        object.__setattr__(self, "credential_type", CredentialType(self.credential_type))
        if number.partition("-")[0] != self.site_code:
            raise ValueError(f"certificate number {number} does not belong to site {self.site_code!r}")
        if not self.learner_name.strip():
            raise ValueError("the learner's certificate name is empty")
        check_level(self.credential_type, self.level)
        if type(self.issued_on) is not datetime.date:
            raise ValueError(f"issued_on must be a date, not {type(self.issued_on).__name__}")


def check_level(credential_type: CredentialType, level: int | None) -> None:
    """Raise ValueError unless `level` suits `credential_type`.

    Academic Skills certificates carry a level from 2 to 5, because level 1 earns no credential. Soft
    Skills and Digital Skills are pass or not pass and carry no level.
    """
    if credential_type is CredentialType.ACADEMIC:
        if type(level) is not int or not MIN_CREDENTIAL_LEVEL <= level <= MAX_LEVEL:
            raise ValueError(
                f"invalid level {level!r} for {credential_type.title}; expected {MIN_CREDENTIAL_LEVEL} to {MAX_LEVEL}"
            )
    elif level is not None:
        raise ValueError(f"{credential_type.title} has no level, but level {level!r} was given")


def canonical_bytes(payload: CertificatePayload) -> bytes:
    """Encode `payload` as the exact bytes that are signed: sorted compact JSON in UTF-8, strings in NFC."""
    document = {
        "format": PAYLOAD_FORMAT,
        "certificate_number": payload.certificate_number,
        "learner_name": payload.learner_name,
        "credential_type": payload.credential_type.value,
        "level": payload.level,
        "issued_on": payload.issued_on.isoformat(),
        "site_code": payload.site_code,
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def payload_from_canonical_bytes(data: bytes) -> CertificatePayload:
    """Decode bytes made by :func:`canonical_bytes`; raise ValueError on any other encoding of the facts."""
    try:
        document: Any = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"certificate payload is not UTF-8 JSON: {error}") from error
    if not isinstance(document, dict) or set(document) != _PAYLOAD_KEYS:
        raise ValueError(f"certificate payload must have exactly the keys {sorted(_PAYLOAD_KEYS)}")
    if document["format"] != PAYLOAD_FORMAT:
        raise ValueError(f"unsupported certificate payload format {document['format']!r}")
    try:
        payload = CertificatePayload(
            certificate_number=str(document["certificate_number"]),
            learner_name=str(document["learner_name"]),
            credential_type=CredentialType(document["credential_type"]),
            level=document["level"],
            issued_on=datetime.date.fromisoformat(str(document["issued_on"])),
            site_code=str(document["site_code"]),
        )
    except (TypeError, ValueError) as error:
        raise ValueError(f"invalid certificate payload: {error}") from error
    if canonical_bytes(payload) != data:
        raise ValueError("certificate payload is not in canonical form")
    return payload


def generate_signing_key() -> bytes:
    """Generate a new Ed25519 private key and return its 32 raw bytes."""
    return Ed25519PrivateKey.generate().private_bytes_raw()


def public_key_bytes(private_key: bytes) -> bytes:
    """Return the 32 raw bytes of the Ed25519 public key that belongs to `private_key`."""
    return Ed25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes_raw()


def sign(private_key: bytes, payload: CertificatePayload) -> bytes:
    """Sign the canonical bytes of `payload` and return the 64-byte Ed25519 signature."""
    return Ed25519PrivateKey.from_private_bytes(private_key).sign(canonical_bytes(payload))


def verify(public_key: bytes, payload: CertificatePayload, signature: bytes) -> bool:
    """Return whether `signature` is the signature of `payload` by the key `public_key`.

    Any malformed key or signature returns False instead of raising.
    """
    try:
        key = Ed25519PublicKey.from_public_bytes(public_key)
        key.verify(signature, canonical_bytes(payload))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def verification_code(signature: bytes) -> str:
    """Return the short code printed beside the QR code, such as ``7K3M9-QX2PH``.

    The code is the first 50 bits of SHA-256 of the signature in Crockford base32, so the registry can
    recompute it from a stored signature. It lets a person check a certificate by typing it.
    """
    digest = int.from_bytes(hashlib.sha256(signature).digest()[:8], "big")
    bits = digest >> (64 - 5 * VERIFICATION_CODE_LENGTH)
    chars = []
    for shift in range(5 * (VERIFICATION_CODE_LENGTH - 1), -1, -5):
        chars.append(CROCKFORD_ALPHABET[(bits >> shift) & 0x1F])
    half = VERIFICATION_CODE_LENGTH // 2
    return "".join(chars[:half]) + "-" + "".join(chars[half:])


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    padding = "=" * (-len(text) % 4)
    try:
        return base64.urlsafe_b64decode(text + padding)
    except (ValueError, TypeError) as error:
        raise ValueError(f"invalid base64url value: {error}") from error


def verification_url(registry_base_url: str, payload: CertificatePayload, signature: bytes) -> str:
    """Build the URL the QR code carries: ``{base}/verify/{number}?d={payload}&s={signature}``.

    Both query values are unpadded base64url: `d` of the canonical payload bytes, `s` of the signature.
    Raise ValueError unless `registry_base_url` has a scheme and a host and no query or fragment.
    """
    parts = urllib.parse.urlsplit(registry_base_url)
    if not parts.scheme or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"invalid registry URL {registry_base_url!r}; expected https://host or https://host/path")
    base = registry_base_url.rstrip("/")
    data = _b64url_encode(canonical_bytes(payload))
    return f"{base}/verify/{payload.certificate_number}?d={data}&s={_b64url_encode(signature)}"


def parse_verification_url(url: str) -> tuple[CertificatePayload, bytes]:
    """Return the payload and signature that a verification URL carries; raise ValueError if malformed.

    The number in the path must match the number in the payload. The signature is not checked here;
    call :func:`verify` with the site's public key for that.
    """
    parts = urllib.parse.urlsplit(url)
    _, separator, number = parts.path.rpartition("/verify/")
    if not separator or not number:
        raise ValueError(f"not a certificate verification URL: {url!r}")
    query = urllib.parse.parse_qs(parts.query, strict_parsing=False)
    if len(query.get("d", [])) != 1 or len(query.get("s", [])) != 1:
        raise ValueError("verification URL must have exactly one 'd' and one 's' parameter")
    payload = payload_from_canonical_bytes(_b64url_decode(query["d"][0]))
    signature = _b64url_decode(query["s"][0])
    if len(signature) != SIGNATURE_LENGTH:
        raise ValueError(f"signature must be {SIGNATURE_LENGTH} bytes, not {len(signature)}")
    if normalize_certificate_number(urllib.parse.unquote(number)) != payload.certificate_number:
        raise ValueError("the certificate number in the URL path differs from the one in the payload")
    return payload, signature
