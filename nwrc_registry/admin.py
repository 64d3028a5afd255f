"""Headquarters' administration of the registry: sites, enrolment codes, revocations and statistics."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from nwrc_registry import auth
from nwrc_registry.models import (
    AppliedChange,
    CertificatePrint,
    CheckIn,
    Credential,
    CredentialStatus,
    ExamSession,
    Learner,
    RejectedChange,
    Revocation,
    Score,
    ScoreVoid,
    Site,
    SiteKey,
    SiteToken,
    utc_now,
)

log = logging.getLogger(__name__)

SITE_CODE_PATTERN = re.compile(r"^[A-Z0-9]{2,12}$")


class AdminError(Exception):
    """An administration command cannot be carried out; the message gives the reason."""


@dataclass
class NewSite:
    site_id: str
    code: str
    name: str
    enrolment_code: str


def add_site(session: Session, code: str, name: str) -> NewSite:
    """Create a site and return it with its first one-time enrolment code."""
    code = code.strip().upper()
    if not SITE_CODE_PATTERN.match(code):
        raise AdminError(f"invalid site code {code!r}: use 2 to 12 letters A-Z or digits")
    if not name.strip():
        raise AdminError("the site name is missing")
    if session.scalar(select(Site.id).where(Site.code == code)) is not None:
        raise AdminError(f"site {code} already exists; use 'site code {code}' for a new enrolment code")
    site = Site(code=code, name=name.strip(), settings="{}", created_at=utc_now())
    session.add(site)
    session.flush()
    enrolment_code = auth.issue_enrolment_code(session, site)
    log.info("site %s added", code)
    return NewSite(site.id, site.code, site.name, enrolment_code)


def find_site(session: Session, code: str) -> Site:
    site = session.scalar(select(Site).where(Site.code == code.strip().upper()))
    if site is None:
        raise AdminError(f"site {code} not found; list sites with 'nwrc-registry stats'")
    return site


def new_enrolment_code(session: Session, code: str) -> str:
    """Return a new one-time code for an existing site, for example to enrol a replacement computer."""
    return auth.issue_enrolment_code(session, find_site(session, code))


def revoke_site_tokens(session: Session, code: str) -> int:
    """Revoke every live token of the site and return how many were revoked."""
    site = find_site(session, code)
    result = session.execute(
        update(SiteToken)
        .where(SiteToken.site_id == site.id, SiteToken.revoked_at.is_(None))
        .values(revoked_at=utc_now())
    )
    log.info("revoked %d tokens of site %s", result.rowcount, site.code)
    return result.rowcount


def set_site_settings(session: Session, code: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Merge `changes` into the site's settings (a None value removes the key) and return the result."""
    site = find_site(session, code)
    settings = json.loads(site.settings or "{}")
    for key, value in changes.items():
        if value is None:
            settings.pop(key, None)
        else:
            settings[key] = value
    site.settings = json.dumps(settings, sort_keys=True)
    return settings


def revoke_certificate(session: Session, number: str, reason: str, site_code: str | None = None) -> Revocation:
    """Revoke a certificate; the owning site learns of it on its next pull.

    A certificate the site has not synced yet can be revoked from its number when `site_code` names
    the issuing site; the revocation then applies as soon as the credential arrives.
    """
    number = number.strip()
    if not reason.strip():
        raise AdminError("a revocation needs a reason")
    if session.scalar(select(Revocation.id).where(Revocation.certificate_number == number)) is not None:
        raise AdminError(f"certificate {number} is already revoked")
    credential = session.scalar(select(Credential).where(Credential.certificate_number == number))
    if credential is not None:
        site_id = credential.site_id
        if site_code is not None and find_site(session, site_code).id != site_id:
            raise AdminError(f"certificate {number} was issued by another site than {site_code}")
    elif site_code is not None:
        site_id = find_site(session, site_code).id
    else:
        raise AdminError(
            f"certificate {number} has not been synced yet; give --site CODE to revoke it before it arrives"
        )

    now = utc_now()
    revocation = Revocation(
        site_id=site_id,
        certificate_number=number,
        credential_id=credential.id if credential else None,
        reason=reason.strip(),
        revoked_at=now,
    )
    session.add(revocation)
    if credential is not None:
        credential.status = "revoked"
        credential.status_reason = reason.strip()
        session.add(
            CredentialStatus(
                credential_id=credential.id,
                site_id=site_id,
                status="revoked",
                reason=reason.strip(),
                source="registry",
                recorded_at=now,
            )
        )
    session.flush()
    log.info("certificate %s revoked", number)
    return revocation


# The records a site sends, by the name `stats` reports them under.
RECORD_TABLES = {
    "learners": Learner,
    "sessions": ExamSession,
    "checkins": CheckIn,
    "scores": Score,
    "score_voids": ScoreVoid,
    "credentials": Credential,
    "credential_statuses": CredentialStatus,
    "prints": CertificatePrint,
    "applied_changes": AppliedChange,
    "rejected_changes": RejectedChange,
}


def stats(session: Session) -> dict[str, Any]:
    """Return what the registry stores: per site, the count of each kind of record and of changes by kind."""
    sites = session.scalars(select(Site).order_by(Site.code)).all()
    result: dict[str, Any] = {"registry_time": utc_now().isoformat(), "sites": {}, "totals": {}}
    per_site: dict[str, dict[str, Any]] = {}
    for site in sites:
        per_site[site.id] = {
            "name": site.name,
            "enrolled_keys": 0,
            "live_tokens": 0,
            "revocations": 0,
            "changes_by_kind": {},
            **{name: 0 for name in RECORD_TABLES},
        }

    for name, model in RECORD_TABLES.items():
        rows = session.execute(select(model.site_id, func.count()).group_by(model.site_id)).all()
        for site_id, count in rows:
            per_site[site_id][name] = count
    for site_id, kind, count in session.execute(
        select(AppliedChange.site_id, AppliedChange.kind, func.count()).group_by(
            AppliedChange.site_id, AppliedChange.kind
        )
    ):
        per_site[site_id]["changes_by_kind"][kind] = count
    for site_id, count in session.execute(select(SiteKey.site_id, func.count()).group_by(SiteKey.site_id)):
        per_site[site_id]["enrolled_keys"] = count
    live = select(SiteToken.site_id, func.count()).where(
        SiteToken.revoked_at.is_(None), SiteToken.expires_at > utc_now()
    )
    for site_id, count in session.execute(live.group_by(SiteToken.site_id)):
        per_site[site_id]["live_tokens"] = count
    for site_id, count in session.execute(select(Revocation.site_id, func.count()).group_by(Revocation.site_id)):
        per_site[site_id]["revocations"] = count

    for site in sites:
        result["sites"][site.code] = per_site[site.id]
    for name in [*RECORD_TABLES, "revocations"]:
        result["totals"][name] = sum(entry[name] for entry in per_site.values())
    return result
