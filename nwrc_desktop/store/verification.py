"""Checking a certificate offline against the site's public key."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from nwrc_desktop.certificates.numbers import is_valid_certificate_number, normalize_certificate_number
from nwrc_desktop.certificates.signing import (
    parse_verification_url,
    payload_from_canonical_bytes,
    verification_code,
    verify,
)
from nwrc_desktop.store.credentials import latest_statuses
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.models import Credential, Site


@dataclass(frozen=True)
class VerificationResult:
    valid: bool
    message: str


def _describe(payload) -> str:
    level = "" if payload.level is None else f", level {payload.level}"
    return (f"{payload.certificate_number}: {payload.learner_name}, {payload.credential_type.title}{level}, "
            f"issued {payload.issued_on:%m/%d/%Y} by site {payload.site_code}")


def verify_offline(db: Database, *, number: str | None = None, code: str | None = None,
                   url: str | None = None) -> VerificationResult:
    """Check a certificate number plus verification code, or a QR code's address, with this site's public key."""
    with db.session() as session:
        site = session.scalar(select(Site))
        if url:
            try:
                payload, signature = parse_verification_url(url)
            except ValueError as error:
                return VerificationResult(False, f"NOT VALID: the address is not a certificate QR code ({error}).")
            if payload.site_code != site.code:
                return VerificationResult(False, f"UNKNOWN: the certificate is from site {payload.site_code}, not "
                                                 f"{site.code}; check it on the registry's verification page.")
            if not verify(site.public_key, payload, signature):
                return VerificationResult(False, "NOT VALID: the signature does not match the certificate's "
                                                 "details; the certificate was altered or is forged.")
            credential = session.scalar(select(Credential).where(
                Credential.certificate_number == payload.certificate_number))
        else:
            if not number or not code:
                return VerificationResult(False, "Give a certificate number and its verification code, or --url.")
            if not is_valid_certificate_number(number):
                return VerificationResult(False, f"NOT VALID: {number!r} is not a well-formed certificate number "
                                                 "(a character may be mistyped).")
            normalized = normalize_certificate_number(number)
            credential = session.scalar(select(Credential).where(Credential.certificate_number == normalized))
            if credential is None:
                return VerificationResult(False, f"NOT FOUND: no certificate {normalized} was issued by this site.")
            payload = payload_from_canonical_bytes(credential.signed_payload.encode("utf-8"))
            if not verify(site.public_key, payload, credential.signature):
                return VerificationResult(False, f"NOT VALID: the stored signature of {normalized} does not match; "
                                                 "run 'nwrc-desktop check'.")
            expected = verification_code(credential.signature).replace("-", "").upper()
            # Crockford base32 has no O, I or L, so those are read as the digits people mistake them for.
            given = "".join(code.split()).replace("-", "").upper().translate(str.maketrans("OIL", "011"))
            if given != expected:
                return VerificationResult(False, f"NOT VALID: the verification code does not match certificate "
                                                 f"{normalized}; check the code printed beside the QR code.")
        status = latest_statuses(session, [credential.id]).get(credential.id) if credential is not None else None
    if status is not None and status.status == "revoked":
        return VerificationResult(False, f"REVOKED: {_describe(payload)}; reason: {status.reason}")
    suffix = f" (note: {status.status}: {status.reason})" if status is not None else ""
    return VerificationResult(True, f"VALID: {_describe(payload)}{suffix}")
