"""Printing certificates: which credentials may print, their certificate data, and the print record."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select

from nwrc_desktop.certificates.data import CertificateData
from nwrc_desktop.certificates.render import render_pdf, write_pdf
from nwrc_desktop.certificates.signing import payload_from_canonical_bytes, verification_url
from nwrc_desktop.store.credentials import ACTIVE, CredentialSummary, credential_summaries
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.journal import Actor, audit, queue_change
from nwrc_desktop.store.models import CertificatePrint, Credential, Site
from nwrc_desktop.store.permissions import Permission, require

log = logging.getLogger(__name__)

# The QR code of a site that has no registry address yet carries this base: the payload and signature
# are still complete, so `nwrc-desktop certificates verify --url` can check it offline.
UNENROLLED_VERIFY_BASE = "nwrc://unenrolled"


class NotPrintable(ValueError):
    """A certificate cannot be printed; the message names which and why."""


def verify_base_url(site: Site) -> str:
    return site.registry_url or UNENROLLED_VERIFY_BASE


def _certificate_data(site: Site, credential: Credential) -> CertificateData:
    payload = payload_from_canonical_bytes(credential.signed_payload.encode("utf-8"))
    return CertificateData(
        certificate_number=credential.certificate_number,
        learner_name=credential.certificate_name,
        credential_type=payload.credential_type,
        level=credential.level,
        issued_on=credential.issued_on,
        site_name=site.name,
        site_code=site.code,
        verification_code=credential.verification_code,
        verification_url=verification_url(verify_base_url(site), payload, credential.signature),
    )


def prepare(db: Database, credential_ids: Sequence[str], *, reprint_reason: str | None = None
            ) -> tuple[list[CertificateData], list[CredentialSummary]]:
    """Return the certificate data of credentials that may print; raise NotPrintable naming each that may not.

    A credential printed before needs `reprint_reason`.
    """
    if not credential_ids:
        raise NotPrintable("Nothing to print: choose at least one certificate.")
    with db.session() as session:
        site = session.scalar(select(Site))
        credentials = list(session.scalars(select(Credential).where(Credential.id.in_(credential_ids))))
        found = {credential.id for credential in credentials}
        missing = [credential_id for credential_id in credential_ids if credential_id not in found]
        if missing:
            raise NotPrintable(f"No credential with id {missing[0]} in this store.")
        order = {credential_id: index for index, credential_id in enumerate(credential_ids)}
        credentials.sort(key=lambda credential: order[credential.id])
        summaries = credential_summaries(session, credentials)
        problems = []
        for summary in summaries:
            if summary.status != ACTIVE:
                problems.append(f"{summary.certificate_number} ({summary.learner_name}, {summary.title}) was "
                                f"{summary.status}: {summary.status_reason}")
            elif summary.print_count and not (reprint_reason and reprint_reason.strip()):
                problems.append(f"{summary.certificate_number} ({summary.learner_name}) was printed before; "
                                "give a reason to reprint it")
        if problems:
            raise NotPrintable("Cannot print: " + "; ".join(problems))
        return [_certificate_data(site, credential) for credential in credentials], summaries


def record_prints(db: Database, actor: Actor, summaries: Sequence[CredentialSummary], destination: str,
                  reprint_reason: str | None = None) -> list[str]:
    """Record one print row per certificate, queue each for sync and audit the batch; return the print ids."""
    require(actor, Permission.PRINT_CERTIFICATES)
    reason = " ".join(reprint_reason.split()) if reprint_reason else None
    ids = []
    with db.session() as session:
        for summary in summaries:
            reprint = summary.print_count > 0
            row = CertificatePrint(credential_id=summary.id, printed_by=actor.username, reprint=reprint,
                                   reason=reason if reprint else None, destination=destination)
            session.add(row)
            session.flush()
            queue_change(session, actor, "certificate.printed", row.id, {
                "print_id": row.id, "credential_id": summary.id, "certificate_number": summary.certificate_number,
                "printed_at": row.printed_at, "printed_by": actor.username, "reprint": reprint,
                "reason": row.reason,
            })
            ids.append(row.id)
        audit(session, actor, "certificate.print", "certificate_print", ids[0] if len(ids) == 1 else None, {
            "certificate_numbers": [summary.certificate_number for summary in summaries],
            "destination": destination, "reprint_reason": reason,
        })
    return ids


def print_to_pdf(db: Database, actor: Actor, credential_ids: Sequence[str], path: Path, *,
                 reprint_reason: str | None = None) -> list[CredentialSummary]:
    """Write the certificates to one PDF and record the prints; the file is removed if recording fails."""
    require(actor, Permission.PRINT_CERTIFICATES)
    items, summaries = prepare(db, credential_ids, reprint_reason=reprint_reason)
    path = Path(path)
    # The finished file gets its name only after the prints are recorded, so a crash never leaves a
    # certificate PDF that the store does not know was printed.
    staged = path.with_name(path.name + ".partial")
    write_pdf(items, staged)
    try:
        record_prints(db, actor, summaries, f"pdf:{path.name}", reprint_reason)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    os.replace(staged, path)
    log.info("wrote %d certificates to %s", len(items), path)
    return summaries


def render_preview(db: Database, credential_ids: Sequence[str], *, reprint_reason: str | None = None) -> bytes:
    """Return the PDF of the certificates in memory, for a print preview; nothing is recorded."""
    items, _ = prepare(db, credential_ids, reprint_reason=reprint_reason)
    return render_pdf(items)
