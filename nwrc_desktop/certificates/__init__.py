"""Certificates: numbers, Ed25519 signatures, O*NET Job Zone figures and PDF rendering (fpdf2, no Qt)."""

from nwrc_desktop.certificates.data import CertificateData
from nwrc_desktop.certificates.keys import SigningKeyMissing, ensure_signing_key, load_signing_key
from nwrc_desktop.certificates.layout import NameLayout, NameTooLong
from nwrc_desktop.certificates.numbers import (
    check_character,
    is_valid_certificate_number,
    new_certificate_number,
    normalize_certificate_number,
    site_code_of,
)
from nwrc_desktop.certificates.onet import JobZoneShare, cumulative_share
from nwrc_desktop.certificates.render import UnprintableName, learner_name_layout, render_pdf, write_pdf
from nwrc_desktop.certificates.signing import (
    CertificatePayload,
    canonical_bytes,
    generate_signing_key,
    parse_verification_url,
    payload_from_canonical_bytes,
    public_key_bytes,
    sign,
    verification_code,
    verification_url,
    verify,
)

__all__ = [
    "CertificateData",
    "CertificatePayload",
    "JobZoneShare",
    "NameLayout",
    "NameTooLong",
    "SigningKeyMissing",
    "UnprintableName",
    "canonical_bytes",
    "check_character",
    "cumulative_share",
    "ensure_signing_key",
    "generate_signing_key",
    "is_valid_certificate_number",
    "learner_name_layout",
    "load_signing_key",
    "new_certificate_number",
    "normalize_certificate_number",
    "parse_verification_url",
    "payload_from_canonical_bytes",
    "public_key_bytes",
    "render_pdf",
    "sign",
    "site_code_of",
    "verification_code",
    "verification_url",
    "verify",
    "write_pdf",
]
