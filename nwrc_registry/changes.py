"""Applying a batch of changes from one site: each change at most once, each with its own result.

Every change runs in its own savepoint inside the batch's transaction, so a rejected change leaves no
trace but its rejection record, and the batch commits as a whole after the last change. A change_id
already applied answers "duplicate" without touching anything.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from nwrc_registry import keys
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
    utc_now,
)
from nwrc_registry.payloads import (
    PAYLOAD_MODELS,
    CertificatePrintedPayload,
    CheckInPayload,
    CredentialIssuedPayload,
    CredentialStatusPayload,
    LearnerPayload,
    ScorePayload,
    ScoreVoidPayload,
    SessionPayload,
)
from nwrc_registry.schemas import Change, ChangeBatch, ChangeResult

log = logging.getLogger(__name__)


class Rejected(Exception):
    """The change cannot be applied; the message is the reason sent back to the site."""


def as_utc(value: dt.datetime) -> dt.datetime:
    """Return `value` in UTC; SQLite hands back naive datetimes, which the registry always writes in UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def learner_name_key(first_name: str, last_name: str) -> str:
    """Return the casefolded "first last" used to look learners up by name and date of birth."""
    return " ".join(f"{first_name} {last_name}".split()).casefold()


def apply_batch(session: Session, site: Site, batch: ChangeBatch) -> list[ChangeResult]:
    """Apply the changes of `batch` in order for `site` and return one result per change."""
    change_ids = [str(change.change_id) for change in batch.changes]
    rows = session.execute(
        select(AppliedChange.change_id, AppliedChange.site_id).where(AppliedChange.change_id.in_(change_ids))
    )
    owners = {change_id: site_id for change_id, site_id in rows}
    results: list[ChangeResult] = []
    for change in batch.changes:
        change_id = str(change.change_id)
        owner = owners.get(change_id)
        if owner is not None:
            results.append(_answer_seen(change_id, owner, site))
            continue
        result = _apply_one(session, site, change)
        if result.result == "accepted":
            owners[change_id] = site.id
        results.append(result)

    rejected = [result for result in results if result.result == "rejected"]
    if rejected:
        log.info(
            "batch from site %s: %d of %d changes rejected, first: %s",
            site.code,
            len(rejected),
            len(results),
            rejected[0].reason,
        )
    return results


def _answer_seen(change_id: str, owner_site_id: str, site: Site) -> ChangeResult:
    if owner_site_id == site.id:
        return ChangeResult(change_id=change_id, result="duplicate")
    return ChangeResult(change_id=change_id, result="rejected", reason="change_id was already used by another site")


def _apply_one(session: Session, site: Site, change: Change) -> ChangeResult:
    change_id = str(change.change_id)
    try:
        with session.begin_nested():
            _dispatch(session, site, change)
            session.add(
                AppliedChange(
                    change_id=change_id,
                    site_id=site.id,
                    site_seq=change.seq,
                    kind=change.kind,
                    entity_id=change.entity_id,
                    actor=change.actor,
                    created_at=as_utc(change.created_at),
                    received_at=utc_now(),
                    payload=json.dumps(change.payload, separators=(",", ":"), ensure_ascii=False),
                )
            )
            session.flush()
    except Rejected as error:
        # A concurrent request with the same change may have committed after this batch began; its
        # records then make this copy look wrong ("already registered") when it is only a duplicate.
        owner = session.scalar(select(AppliedChange.site_id).where(AppliedChange.change_id == change_id))
        if owner is not None:
            return _answer_seen(change_id, owner, site)
        return _reject(session, site, change, str(error))
    except DataError as error:
        # Validation lets through a few values the database still refuses, such as an out-of-range number.
        log.warning("change %s from site %s has a value the database rejects: %s", change_id, site.code, error.orig)
        return _reject(session, site, change, "contains a value the registry cannot store")
    except IntegrityError as error:
        # Another request applied the same change_id (or wrote the same record) first.
        owner = session.scalar(select(AppliedChange.site_id).where(AppliedChange.change_id == change_id))
        if owner is not None:
            return _answer_seen(change_id, owner, site)
        log.warning("change %s from site %s hit a database constraint: %s", change_id, site.code, error.orig)
        return _reject(session, site, change, "conflicts with a record the registry already stores")
    return ChangeResult(change_id=change_id, result="accepted")


def _reject(session: Session, site: Site, change: Change, reason: str) -> ChangeResult:
    change_id = str(change.change_id)
    session.add(RejectedChange(change_id=change_id, site_id=site.id, kind=change.kind[:40], reason=reason))
    return ChangeResult(change_id=change_id, result="rejected", reason=reason)


def _dispatch(session: Session, site: Site, change: Change) -> None:
    model = PAYLOAD_MODELS.get(change.kind)
    handler = _HANDLERS.get(change.kind)
    if model is None or handler is None:
        known = ", ".join(sorted(PAYLOAD_MODELS))
        raise Rejected(f"unknown change kind {change.kind!r}; known kinds: {known}")
    problem = unstorable_text(change.payload)
    if problem is not None:
        raise Rejected(f"invalid payload: {problem}")
    payload = _validate(model, change.payload)
    handler(session, site, change, payload)


def unstorable_text(value: Any, where: str = "payload") -> str | None:
    """Return where `value` holds a string PostgreSQL cannot store (NUL, lone surrogate), or None."""
    if isinstance(value, str):
        if "\x00" in value:
            return f"{where} contains a NUL character"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"{where} contains a character that is not valid Unicode"
        return None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        problem = unstorable_text(str(key), where) or unstorable_text(item, f"{where}.{key}")
        if problem is not None:
            return problem
    return None


def _validate(model: type[BaseModel], payload: dict[str, Any]) -> Any:
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        problems = []
        for item in error.errors()[:5]:
            where = ".".join(str(part) for part in item["loc"]) or "payload"
            problems.append(f"{where}: {item['msg']}")
        raise Rejected("invalid payload: " + "; ".join(problems)) from None


def _owned(session: Session, model: type, record_id: object, site: Site, noun: str) -> Any:
    """Return the record `record_id` of `model` if it exists and belongs to `site`; reject otherwise."""
    record = session.get(model, str(record_id))
    if record is None:
        raise Rejected(f"{noun} {record_id} is not known to the registry")
    if record.site_id != site.id:
        raise Rejected(f"{noun} {record_id} belongs to another site and cannot be written by site {site.code}")
    return record


def _known(session: Session, model: type, record_id: object, noun: str) -> Any:
    record = session.get(model, str(record_id))
    if record is None:
        raise Rejected(f"{noun} {record_id} is not known to the registry")
    return record


def _new(session: Session, model: type, record_id: object, site: Site, noun: str) -> None:
    """Reject when a record with this id already exists, saying whether another site owns it."""
    record = session.get(model, str(record_id))
    if record is None:
        return
    if record.site_id != site.id:
        raise Rejected(f"{noun} {record_id} belongs to another site and cannot be written by site {site.code}")
    raise Rejected(f"{noun} {record_id} is already stored under another change_id")


def _learner_fields(payload: LearnerPayload) -> dict[str, Any]:
    first_name = payload.first_name or ""
    return {
        "learner_number": payload.learner_number,
        "external_id": payload.external_id or None,
        "first_name": first_name,
        "middle_name": payload.middle_name or "",
        "last_name": payload.last_name,
        "preferred_name": payload.preferred_name,
        "date_of_birth": payload.date_of_birth,
        "email": payload.email,
        "phone": payload.phone,
        "name_key": learner_name_key(first_name, payload.last_name),
    }


def _register_learner(session: Session, site: Site, change: Change, payload: LearnerPayload) -> None:
    existing = session.get(Learner, str(payload.learner_id))
    if existing is not None:
        if existing.site_id != site.id:
            raise Rejected(
                f"learner {payload.learner_id} is registered by another site; "
                "a learner found by look-up must not be registered again"
            )
        raise Rejected(f"learner {payload.learner_id} is already registered; send learner.updated to change it")
    now = utc_now()
    session.add(
        Learner(
            id=str(payload.learner_id),
            site_id=site.id,
            created_at=now,
            updated_at=now,
            **_learner_fields(payload),
        )
    )


def _update_learner(session: Session, site: Site, change: Change, payload: LearnerPayload) -> None:
    learner = _owned(session, Learner, payload.learner_id, site, "learner")
    for name, value in _learner_fields(payload).items():
        setattr(learner, name, value)
    learner.updated_at = utc_now()


def _create_session(session: Session, site: Site, change: Change, payload: SessionPayload) -> None:
    _new(session, ExamSession, payload.session_id, site, "session")
    session.add(
        ExamSession(
            id=str(payload.session_id),
            site_id=site.id,
            held_on=payload.held_on,
            room=payload.room,
            proctor=payload.proctor,
            assessments=json.dumps(payload.assessments),
        )
    )


def _record_checkin(session: Session, site: Site, change: Change, payload: CheckInPayload) -> None:
    _new(session, CheckIn, payload.checkin_id, site, "check-in")
    _owned(session, ExamSession, payload.session_id, site, "session")
    _known(session, Learner, payload.learner_id, "learner")
    session.add(
        CheckIn(
            id=str(payload.checkin_id),
            site_id=site.id,
            session_id=str(payload.session_id),
            learner_id=str(payload.learner_id),
            id_seen=payload.id_seen,
        )
    )


def _record_score(session: Session, site: Site, change: Change, payload: ScorePayload) -> None:
    _new(session, Score, payload.score_id, site, "score")
    # A learner registered at another site may test here, so the learner need not be this site's.
    _known(session, Learner, payload.learner_id, "learner")
    if payload.session_id is not None:
        _owned(session, ExamSession, payload.session_id, site, "session")
    if payload.supersedes_id is not None:
        earlier = _owned(session, Score, payload.supersedes_id, site, "score")
        if earlier.learner_id != str(payload.learner_id):
            raise Rejected(f"score {payload.supersedes_id} belongs to another learner")
        later = session.scalar(select(Score.id).where(Score.supersedes_id == earlier.id))
        if later is not None:
            raise Rejected(f"score {earlier.id} is already superseded by score {later}")
    session.add(
        Score(
            id=str(payload.score_id),
            site_id=site.id,
            learner_id=str(payload.learner_id),
            assessment=payload.assessment,
            level=payload.level,
            passed=payload.passed,
            scale_score=payload.scale_score,
            form=payload.form,
            tested_on=payload.tested_on,
            session_id=None if payload.session_id is None else str(payload.session_id),
            proctor=payload.proctor,
            supersedes_id=None if payload.supersedes_id is None else str(payload.supersedes_id),
            reason=payload.reason,
        )
    )


def _void_score(session: Session, site: Site, change: Change, payload: ScoreVoidPayload) -> None:
    _new(session, ScoreVoid, payload.score_id, site, "score void")
    voided = _owned(session, Score, payload.voids_score_id, site, "score")
    if voided.learner_id != str(payload.learner_id):
        raise Rejected(f"score {payload.voids_score_id} belongs to another learner")
    earlier_void = session.scalar(select(ScoreVoid.id).where(ScoreVoid.voids_score_id == voided.id))
    if earlier_void is not None:
        raise Rejected(f"score {voided.id} is already voided by {earlier_void}")
    session.add(
        ScoreVoid(
            id=str(payload.score_id),
            site_id=site.id,
            voids_score_id=voided.id,
            learner_id=voided.learner_id,
            reason=payload.reason,
        )
    )


def _issue_credential(session: Session, site: Site, change: Change, payload: CredentialIssuedPayload) -> None:
    _new(session, Credential, payload.credential_id, site, "credential")
    _known(session, Learner, payload.learner_id, "learner")
    existing_credential_id = session.scalar(
        select(Credential.id).where(Credential.certificate_number == payload.certificate_number)
    )
    if existing_credential_id is not None:
        raise Rejected(
            f"certificate number {payload.certificate_number} is already used by credential {existing_credential_id}"
        )
    if payload.supersedes_id is not None:
        earlier = _known(session, Credential, payload.supersedes_id, "credential")
        if earlier.learner_id != str(payload.learner_id):
            raise Rejected(f"credential {payload.supersedes_id} belongs to another learner")
    try:
        signature = keys.decode_base64(payload.signature)
    except ValueError as error:
        raise Rejected(f"signature: {error}") from None
    site_keys = session.scalars(select(SiteKey.public_key).where(SiteKey.site_id == site.id)).all()
    message = payload.payload.encode("utf-8")
    if not any(keys.signature_verifies(key, message, signature) for key in site_keys):
        raise Rejected("the signature does not verify with any public key this site enrolled")

    credential = Credential(
        id=str(payload.credential_id),
        site_id=site.id,
        learner_id=str(payload.learner_id),
        credential_type=payload.credential_type.value,
        level=payload.level,
        issued_on=payload.issued_on,
        certificate_number=payload.certificate_number,
        verification_code=payload.verification_code,
        signed_payload=payload.payload,
        signature=signature,
        supersedes_id=None if payload.supersedes_id is None else str(payload.supersedes_id),
        status="active",
    )
    session.add(credential)
    revocation = session.scalar(select(Revocation).where(Revocation.certificate_number == payload.certificate_number))
    if revocation is not None and revocation.site_id == site.id:
        # Headquarters revoked this certificate from its signature before the site sent it.
        revocation.credential_id = credential.id
        credential.status = "revoked"
        credential.status_reason = revocation.reason
        session.flush()
        session.add(
            CredentialStatus(
                credential_id=credential.id,
                site_id=site.id,
                status="revoked",
                reason=revocation.reason,
                source="registry",
                recorded_at=as_utc(revocation.revoked_at),
            )
        )


def _change_credential_status(session: Session, site: Site, change: Change, payload: CredentialStatusPayload) -> None:
    credential = _owned(session, Credential, payload.credential_id, site, "credential")
    if credential.certificate_number != payload.certificate_number:
        raise Rejected(
            f"credential {payload.credential_id} has certificate number {credential.certificate_number}, "
            f"not {payload.certificate_number}"
        )
    session.add(
        CredentialStatus(
            credential_id=credential.id,
            site_id=site.id,
            status=payload.status,
            reason=payload.reason,
            source="site",
        )
    )
    # A revocation is final: a later 'superseded' from the site is kept in the history only.
    if credential.status != "revoked":
        credential.status = payload.status
        credential.status_reason = payload.reason


def _record_print(session: Session, site: Site, change: Change, payload: CertificatePrintedPayload) -> None:
    _new(session, CertificatePrint, payload.print_id, site, "print")
    credential = _owned(session, Credential, payload.credential_id, site, "credential")
    if credential.certificate_number != payload.certificate_number:
        raise Rejected(
            f"credential {payload.credential_id} has certificate number {credential.certificate_number}, "
            f"not {payload.certificate_number}"
        )
    session.add(
        CertificatePrint(
            id=str(payload.print_id),
            site_id=site.id,
            credential_id=credential.id,
            certificate_number=payload.certificate_number,
            printed_at=as_utc(payload.printed_at),
            printed_by=payload.printed_by,
            reprint=payload.reprint,
            reason=payload.reason,
        )
    )


_HANDLERS: dict[str, Callable[[Session, Site, Change, Any], None]] = {
    "learner.registered": _register_learner,
    "learner.updated": _update_learner,
    "session.created": _create_session,
    "checkin.recorded": _record_checkin,
    "score.recorded": _record_score,
    "score.voided": _void_score,
    "credential.issued": _issue_credential,
    "credential.status": _change_credential_status,
    "certificate.printed": _record_print,
}
