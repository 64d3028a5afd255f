"""Credentials kept in step with the scores in force: issued, superseded, invalidated and revoked."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nwrc_desktop.certificates.keys import load_signing_key
from nwrc_desktop.certificates.numbers import new_certificate_number, normalize_certificate_number
from nwrc_desktop.certificates.signing import CertificatePayload, canonical_bytes, sign, verification_code
from nwrc_desktop.domain.assessments import Assessment, CredentialType
from nwrc_desktop.domain.credentials import (
    Earned,
    HeldCredential,
    ScoreFact,
    earned_credentials,
    plan_credentials,
)
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.journal import Actor, audit, queue_change
from nwrc_desktop.store.learners import LearnerSummary
from nwrc_desktop.store.models import CertificatePrint, Credential, CredentialStatus, Learner, Score, Site
from nwrc_desktop.store.permissions import Permission, require

log = logging.getLogger(__name__)

ACTIVE = "active"


class CredentialError(ValueError):
    """A credential cannot be found or changed as asked; the message states why."""


@dataclass(frozen=True)
class CredentialSummary:
    """A credential with its current standing, as the GUI and the CLI show it."""

    id: str
    learner_id: str
    learner_number: str
    learner_name: str
    certificate_name: str
    credential_type: CredentialType
    level: int | None
    issued_on: dt.date
    certificate_number: str
    verification_code: str
    status: str  # active, superseded, invalidated or revoked
    status_reason: str | None
    print_count: int

    @property
    def title(self) -> str:
        if self.level is None:
            return self.credential_type.title
        return f"{self.credential_type.title}, level {self.level}"


def scores_in_force(session: Session, learner_id: str) -> list[Score]:
    """Return the learner's scores that are not voids and that no later row supersedes."""
    rows = list(session.scalars(select(Score).where(Score.learner_id == learner_id)))
    superseded = {row.supersedes_id for row in rows if row.supersedes_id}
    return [row for row in rows if row.kind != "void" and row.id not in superseded]


def latest_statuses(session: Session, credential_ids: list[str]) -> dict[str, CredentialStatus]:
    """Return the latest status row of each credential that has one."""
    latest: dict[str, CredentialStatus] = {}
    if not credential_ids:
        return latest
    rows = session.scalars(
        select(CredentialStatus)
        .where(CredentialStatus.credential_id.in_(credential_ids))
        .order_by(CredentialStatus.recorded_at)
    )
    for row in rows:
        # A revocation remains in force whatever status rows come after it.
        if latest.get(row.credential_id) is not None and latest[row.credential_id].status == "revoked":
            continue
        latest[row.credential_id] = row
    return latest


def _sign_new(session: Session, site: Site, learner: Learner, earned: Earned, supersedes_id: str | None,
              actor: Actor, private_key: bytes) -> Credential:
    certificate_name = LearnerSummary.of(learner).certificate_name
    number = new_certificate_number(site.code)
    payload = CertificatePayload(number, certificate_name, earned.credential_type, earned.level,
                                 dt.date.today(), site.code)
    signature = sign(private_key, payload)
    credential = Credential(
        learner_id=learner.id,
        credential_type=earned.credential_type.value,
        level=earned.level,
        issued_on=payload.issued_on,
        certificate_name=payload.learner_name,
        certificate_number=payload.certificate_number,
        signed_payload=canonical_bytes(payload).decode("utf-8"),
        signature=signature,
        verification_code=verification_code(signature),
        basis_score_ids=json.dumps(list(earned.basis_score_ids)),
        supersedes_id=supersedes_id,
        issued_by=actor.username,
    )
    session.add(credential)
    session.flush()
    return credential


def _add_status(session: Session, actor: Actor, credential: Credential, status: str, reason: str) -> None:
    session.add(CredentialStatus(credential_id=credential.id, status=status, reason=reason,
                                 recorded_by=actor.username))
    queue_change(session, actor, "credential.status", credential.id, {
        "credential_id": credential.id,
        "certificate_number": credential.certificate_number,
        "status": status,
        "reason": reason,
    })


class SigningKeySource:
    """The site's private signing key, read from the keyring on first use and kept for one service call.

    Some keyrings take about a second per read (an encrypted file keyring), so a score import that
    issues credentials to many learners reads the key once, not once per learner.
    """

    def __init__(self, site_id: str) -> None:
        self.site_id = site_id
        self._key: bytes | None = None

    def get(self) -> bytes:
        if self._key is None:
            self._key = load_signing_key(self.site_id)
        return self._key


def reconcile_credentials(session: Session, actor: Actor, learner_id: str, reason: str,
                          signing_key: SigningKeySource | None = None) -> list[str]:
    """Issue, supersede or invalidate the learner's credentials so they match the scores in force.

    Runs inside the caller's transaction, and queues every change. Returns one line per change, for
    the caller's audit row and messages. Pass one `signing_key` to calls for several learners.
    """
    learner = session.get(Learner, learner_id)
    site = session.scalar(select(Site))
    facts = [
        ScoreFact(row.id, Assessment(row.assessment), row.level, row.passed, row.tested_on)
        for row in scores_in_force(session, learner_id)
    ]
    earned = earned_credentials(facts)
    credentials = list(session.scalars(select(Credential).where(Credential.learner_id == learner_id)))
    statuses = latest_statuses(session, [credential.id for credential in credentials])
    held = [
        HeldCredential(credential.id, CredentialType(credential.credential_type), credential.level)
        for credential in credentials if credential.id not in statuses
    ]
    revoked = [
        (CredentialType(credential.credential_type), credential.level)
        for credential in credentials
        if credential.id in statuses and statuses[credential.id].status == "revoked"
    ]
    plan = plan_credentials(held, earned, revoked)
    by_id = {credential.id: credential for credential in credentials}
    changes: list[str] = []
    if signing_key is None:
        signing_key = SigningKeySource(site.id)
    private_key = signing_key.get() if plan.issue else b""
    for earned_credential, supersedes_id in plan.issue:
        new = _sign_new(session, site, learner, earned_credential, supersedes_id, actor, private_key)
        queue_change(session, actor, "credential.issued", new.id, {
            "credential_id": new.id,
            "learner_id": learner.id,
            "credential_type": new.credential_type,
            "level": new.level,
            "issued_on": new.issued_on,
            "certificate_number": new.certificate_number,
            "verification_code": new.verification_code,
            "payload": new.signed_payload,
            "signature": new.signature,
            "supersedes_id": supersedes_id,
        })
        changes.append(f"issued {new.certificate_number} ({CredentialType(new.credential_type).title}"
                       f"{'' if new.level is None else f', level {new.level}'})")
        if supersedes_id is not None:
            old = by_id[supersedes_id]
            direction = "raised" if (new.level or 0) > (old.level or 0) else "lowered"
            _add_status(session, actor, old, "superseded",
                        f"superseded by {new.certificate_number}: the result was {direction} ({reason})")
            changes.append(f"superseded {old.certificate_number}")
    for credential_id in plan.invalidate:
        old = by_id[credential_id]
        _add_status(session, actor, old, "invalidated", f"no longer supported by the scores in force ({reason})")
        changes.append(f"invalidated {old.certificate_number}")
    if changes:
        log.info("credentials of learner %s changed: %s", learner.learner_number, "; ".join(changes))
    return changes


def credential_summaries(session: Session, credentials: list[Credential]) -> list[CredentialSummary]:
    statuses = latest_statuses(session, [credential.id for credential in credentials])
    counts = dict(session.execute(
        select(CertificatePrint.credential_id, func.count())
        .where(CertificatePrint.credential_id.in_([credential.id for credential in credentials]))
        .group_by(CertificatePrint.credential_id)
    ).all()) if credentials else {}
    learners = {
        learner.id: learner for learner in session.scalars(
            select(Learner).where(Learner.id.in_({credential.learner_id for credential in credentials}))
        )
    } if credentials else {}
    result = []
    for credential in credentials:
        status = statuses.get(credential.id)
        learner = LearnerSummary.of(learners[credential.learner_id])
        result.append(CredentialSummary(
            credential.id, credential.learner_id, learner.learner_number, learner.full_name,
            credential.certificate_name, CredentialType(credential.credential_type), credential.level,
            credential.issued_on, credential.certificate_number, credential.verification_code,
            status.status if status else ACTIVE, status.reason if status else None,
            counts.get(credential.id, 0),
        ))
    return result


def list_credentials(db: Database, *, learner_id: str | None = None, include_inactive: bool = False,
                     unprinted_only: bool = False) -> list[CredentialSummary]:
    """Return credentials, active ones only unless `include_inactive`, by learner then type."""
    with db.session() as session:
        statement = select(Credential).join(Learner).order_by(
            Learner.last_name, Learner.first_name, Credential.credential_type, Credential.issued_at)
        if learner_id is not None:
            statement = statement.where(Credential.learner_id == learner_id)
        summaries = credential_summaries(session, list(session.scalars(statement)))
    if not include_inactive:
        summaries = [item for item in summaries if item.status == ACTIVE]
    if unprinted_only:
        summaries = [item for item in summaries if item.print_count == 0]
    return summaries


def get_credential(db: Database, certificate_number: str) -> CredentialSummary:
    number = normalize_certificate_number(certificate_number)
    with db.session() as session:
        credential = session.scalar(select(Credential).where(Credential.certificate_number == number))
        if credential is None:
            raise CredentialError(f"No certificate {number} in this site's store; check the number.")
        return credential_summaries(session, [credential])[0]


def revoke_credential(db: Database, actor: Actor, certificate_number: str, reason: str, *,
                      queue: bool = True) -> CredentialSummary:
    """Revoke a credential; a revoked certificate can no longer be printed.

    `queue` is False when the revocation came from the registry, which already has it.
    """
    require(actor, Permission.REVOKE_CREDENTIALS)
    reason = " ".join(reason.split())
    if not reason:
        raise CredentialError("reason: missing; say why the credential is revoked")
    number = normalize_certificate_number(certificate_number)
    with db.session() as session:
        credential = session.scalar(select(Credential).where(Credential.certificate_number == number))
        if credential is None:
            raise CredentialError(f"No certificate {number} in this site's store; check the number.")
        current = latest_statuses(session, [credential.id]).get(credential.id)
        if current is not None and current.status == "revoked":
            return credential_summaries(session, [credential])[0]
        if queue:
            _add_status(session, actor, credential, "revoked", reason)
        else:
            session.add(CredentialStatus(credential_id=credential.id, status="revoked", reason=reason,
                                         recorded_by=actor.username))
        session.flush()
        audit(session, actor, "credential.revoke", "credential", credential.id,
              {"certificate_number": number, "reason": reason})
        return credential_summaries(session, [credential])[0]
