"""Enrolment of a site with a one-time code, and the bearer-token check on every site request."""

from __future__ import annotations

import datetime as dt
import hmac
import logging
from dataclasses import dataclass

from fastapi import HTTPException, status
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nwrc_registry import keys
from nwrc_registry.changes import as_utc
from nwrc_registry.models import EnrolmentCode, Site, SiteKey, SiteToken, utc_now

log = logging.getLogger(__name__)

TOKEN_LIFETIME = dt.timedelta(days=365)
CODE_LIFETIME = dt.timedelta(days=14)
# After this many wrong guesses for a site, its open enrolment codes stop working.
MAX_FAILED_ENROLMENTS = 5

# One message for every token problem, so a caller learns nothing about which check failed.
UNAUTHORISED = "missing, invalid, revoked or expired token"
ENROLMENT_FAILED = "enrolment failed: the site code or the enrolment code is wrong, used or expired"


def unauthorised(detail: str = UNAUTHORISED) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def authenticate(session: Session, token: str | None) -> Site:
    """Return the site whose live token is `token`; raise 401 for anything else."""
    if not token:
        raise unauthorised()
    row = session.scalar(select(SiteToken).where(SiteToken.token_hash == keys.hash_token(token)))
    if row is None or row.revoked_at is not None or as_utc(row.expires_at) <= utc_now():
        raise unauthorised()
    site = session.get(Site, row.site_id)
    if site is None:
        raise unauthorised()
    return site


def issue_enrolment_code(session: Session, site: Site, lifetime: dt.timedelta = CODE_LIFETIME) -> str:
    """Store the hash of a new one-time code for `site` and return the code (shown once)."""
    code = keys.new_enrolment_code()
    session.add(
        EnrolmentCode(site_id=site.id, code_hash=keys.hash_enrolment_code(code), expires_at=utc_now() + lifetime)
    )
    return code


class EnrolmentFailed(Exception):
    """The site code or enrolment code is wrong, used or expired; the failed attempt is recorded."""


@dataclass
class Enrolment:
    site: Site
    token: str
    token_expires_at: dt.datetime


def enrol(session: Session, site_code: str, enrolment_code: str, public_key: bytes) -> Enrolment:
    """Use up the code, record the site's public key and return a new token; earlier tokens are revoked.

    Raises EnrolmentFailed for an unknown site and for a wrong, used or expired code alike. The caller
    commits the session after that too, so the failed attempt counts towards MAX_FAILED_ENROLMENTS.
    """
    site = session.scalar(select(Site).where(Site.code == site_code.strip().upper()))
    if site is None:
        raise EnrolmentFailed
    now = utc_now()
    open_codes = session.scalars(
        select(EnrolmentCode).where(EnrolmentCode.site_id == site.id, EnrolmentCode.used_at.is_(None))
    ).all()
    live = [
        code for code in open_codes if as_utc(code.expires_at) > now and code.failed_attempts < MAX_FAILED_ENROLMENTS
    ]
    given_hash = keys.hash_enrolment_code(enrolment_code)
    match = next((code for code in live if hmac.compare_digest(code.code_hash, given_hash)), None)
    if match is None:
        for code in live:
            code.failed_attempts += 1
        log.warning("enrolment of site %s failed: wrong, used or expired code", site.code)
        raise EnrolmentFailed

    match.used_at = now
    session.execute(
        update(SiteToken).where(SiteToken.site_id == site.id, SiteToken.revoked_at.is_(None)).values(revoked_at=now)
    )
    known_keys = session.scalars(select(SiteKey.public_key).where(SiteKey.site_id == site.id)).all()
    if public_key not in known_keys:
        session.add(SiteKey(site_id=site.id, public_key=public_key, enrolled_at=now))
    token = keys.new_token()
    expires_at = now + TOKEN_LIFETIME
    session.add(SiteToken(site_id=site.id, token_hash=keys.hash_token(token), expires_at=expires_at))
    log.info("site %s enrolled; earlier tokens revoked", site.code)
    return Enrolment(site=site, token=token, token_expires_at=expires_at)
