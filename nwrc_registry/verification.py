"""The public verification of a certificate, from its signature (d, s) or from the synced record."""

from __future__ import annotations

import html
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nwrc_registry import keys
from nwrc_registry.models import Credential, Learner, Revocation, Site, SiteKey, utc_now
from nwrc_registry.schemas import VerificationResponse

# Payload fields that may name the issuing site, tried in this order before the certificate number's prefix.
SITE_FIELDS = ("site_code", "site")

MESSAGES = {
    "valid": "This certificate is genuine and in force.",
    "revoked": "This certificate was revoked and is no longer valid.",
    "superseded": "This certificate was replaced by a newer certificate for the same learner.",
    "invalidated": "This certificate no longer holds because the scores it rested on changed.",
    "invalid": "This certificate could not be confirmed: the signature does not match its content.",
    "unknown": "No certificate with this number is known to the registry.",
}


def verify(
    session: Session,
    certificate_number: str,
    data: str | None,
    signature: str | None,
    code: str | None = None,
) -> tuple[int, VerificationResponse]:
    """Return the HTTP status and the verdict for `certificate_number`.

    With `data` and `signature` (d and s of the QR code) the signature decides. Without them the
    synced record does, and the learner's name is shown only with the matching verification `code`
    printed on the certificate, so guessing certificate numbers reveals no names.
    """
    if data is not None or signature is not None:
        return _verify_signed(session, certificate_number, data or "", signature or "")
    return _verify_synced(session, certificate_number, code)


def _answer(number: str, verdict: str, **fields: Any) -> VerificationResponse:
    return VerificationResponse(
        registry_time=utc_now(),
        certificate_number=number,
        verdict=verdict,  # type: ignore[arg-type]
        message=MESSAGES[verdict],
        **{"signature_checked": False, "synced": False, "site_code": None, **fields},
    )


def _standing(session: Session, number: str) -> tuple[Credential | None, Revocation | None]:
    credential = session.scalar(select(Credential).where(Credential.certificate_number == number))
    revocation = session.scalar(select(Revocation).where(Revocation.certificate_number == number))
    return credential, revocation


def _verdict(credential: Credential | None, revocation: Revocation | None) -> tuple[str, str | None]:
    if revocation is not None:
        return "revoked", revocation.reason
    if credential is not None and credential.status != "active":
        return credential.status, credential.status_reason
    return "valid", None


def _verify_signed(session: Session, number: str, data: str, signature: str) -> tuple[int, VerificationResponse]:
    try:
        message = keys.decode_base64(data)
        signature_bytes = keys.decode_base64(signature)
        payload = json.loads(message.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        return 400, _answer(number, "invalid", reason=f"d or s is not valid base64url JSON: {error}")
    if not isinstance(payload, dict):
        return 400, _answer(number, "invalid", reason="d must encode a JSON object")
    named = payload.get("certificate_number")
    if named is not None and named != number:
        return 200, _answer(number, "invalid", reason=f"the signed data is for certificate {named}")

    site = _signing_site(session, number, payload, message, signature_bytes)
    if site is None:
        return 200, _answer(number, "invalid", reason="no enrolled site key verifies this signature")
    credential, revocation = _standing(session, number)
    verdict, reason = _verdict(credential, revocation)
    return 200, _answer(
        number,
        verdict,
        reason=reason,
        signature_checked=True,
        synced=credential is not None,
        site_code=site.code,
        certificate=payload,
    )


def _signing_site(
    session: Session, number: str, payload: dict[str, Any], message: bytes, signature: bytes
) -> Site | None:
    """Return the site whose enrolled key verifies the signature, trying the likely site first."""
    hints = [str(payload[field]) for field in SITE_FIELDS if isinstance(payload.get(field), str)]
    hints.append(number.split("-", 1)[0])
    tried: set[str] = set()
    for code in hints:
        site = session.scalar(select(Site).where(Site.code == code.upper()))
        if site is None or site.id in tried:
            continue
        tried.add(site.id)
        if _any_key_verifies(session, site.id, message, signature):
            return site
    # The certificate number format may not carry the site code; try every other enrolled site.
    rows = session.execute(select(SiteKey.site_id, SiteKey.public_key)).all()
    for site_id, public_key in rows:
        if site_id not in tried and keys.signature_verifies(public_key, message, signature):
            return session.get(Site, site_id)
    return None


def _any_key_verifies(session: Session, site_id: str, message: bytes, signature: bytes) -> bool:
    site_keys = session.scalars(select(SiteKey.public_key).where(SiteKey.site_id == site_id)).all()
    return any(keys.signature_verifies(key, message, signature) for key in site_keys)


def _normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def _verify_synced(session: Session, number: str, code: str | None) -> tuple[int, VerificationResponse]:
    credential, revocation = _standing(session, number)
    if credential is None:
        if revocation is not None:
            site = session.get(Site, revocation.site_id)
            return 200, _answer(number, "revoked", reason=revocation.reason, site_code=site.code if site else None)
        return 404, _answer(number, "unknown")
    site = session.get(Site, credential.site_id)
    site_code = site.code if site else None
    if code is not None and _normalise_code(code) != _normalise_code(credential.verification_code):
        reason = "the verification code does not match this certificate"
        return 200, _answer(number, "invalid", reason=reason, synced=True, site_code=site_code)
    verdict, reason = _verdict(credential, revocation)
    record = {
        "certificate_number": credential.certificate_number,
        "credential_type": credential.credential_type,
        "level": credential.level,
        "issued_on": credential.issued_on.isoformat(),
        "site_name": site.name if site else None,
    }
    if code is not None:
        learner = session.get(Learner, credential.learner_id)
        record["learner_name"] = _display_name(learner) if learner else None
    return 200, _answer(
        number,
        verdict,
        reason=reason,
        synced=True,
        site_code=site_code,
        certificate=record,
    )


def _display_name(learner: Learner) -> str:
    first = learner.preferred_name or learner.first_name
    return " ".join(part for part in (first, learner.last_name) if part)


def render_html(answer: VerificationResponse) -> str:
    """Return a small self-contained HTML page for a person who scanned the certificate's QR code."""
    colour = "#1b5e20" if answer.verdict == "valid" else "#b71c1c"
    rows = ""
    for name, value in (answer.certificate or {}).items():
        if isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False)
        label = html.escape(str(name).replace("_", " ").capitalize())
        rows += f"<tr><th>{label}</th><td>{html.escape(str(value))}</td></tr>\n"
    reason = f"<p>Reason: {html.escape(answer.reason)}</p>" if answer.reason else ""
    check_method = (
        "Checked against the issuing site's signature."
        if answer.signature_checked
        else "Checked against the records the site has sent to the registry."
    )
    checked_at = answer.registry_time.isoformat(timespec="seconds")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Certificate {html.escape(answer.certificate_number)}</title>
<style>body{{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}}
h1{{color:{colour}}}th{{text-align:left;padding-right:1em}}</style></head>
<body>
<p>National Work Readiness Credential certificate {html.escape(answer.certificate_number)}</p>
<h1>{html.escape(answer.verdict.capitalize())}</h1>
<p>{html.escape(answer.message)}</p>
{reason}
<table>
{rows}</table>
<p><small>{html.escape(check_method)} Registry time {html.escape(checked_at)}.</small></p>
</body></html>
"""
