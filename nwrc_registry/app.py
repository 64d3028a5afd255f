"""The registry's HTTP API (FastAPI): enrolment, batches of changes, the pull direction and verification."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import func, or_, select
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from nwrc_registry import auth, keys, verification
from nwrc_registry.changes import apply_batch, learner_name_key
from nwrc_registry.database import Database, head_revision, migrate
from nwrc_registry.limits import BodyLimitMiddleware
from nwrc_registry.models import Credential, Learner, Revocation, Score, ScoreVoid, Site, utc_now
from nwrc_registry.schemas import (
    MAX_BIGINT,
    BatchResponse,
    ChangeBatch,
    CredentialSummary,
    EnrolRequest,
    EnrolResponse,
    ErrorResponse,
    HealthResponse,
    LearnerLookupResponse,
    LearnerMatch,
    PullResponse,
    RevocationItem,
    ScoreSummary,
    VerificationResponse,
)

log = logging.getLogger(__name__)

MAX_REVOCATIONS_PER_PULL = 1000
MAX_LOOKUP_MATCHES = 20

_bearer = HTTPBearer(auto_error=False, description="The token the site received at enrolment.")
BearerToken = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]

_SITE_ERRORS = {401: {"model": ErrorResponse, "description": "Missing, invalid, revoked or expired token."}}


def create_app(database_url: str, *, migrate_on_start: bool = True) -> FastAPI:
    """Return the registry application on `database_url`.

    The schema is migrated to the newest revision first, unless `migrate_on_start` is False.
    """
    database = Database(database_url)
    if migrate_on_start:
        migrate(database.engine)
    app = FastAPI(
        title="NWRC registry",
        version="1",
        summary="Central registry of National Work Readiness Credential testing sites.",
        description="The sync protocol is described in docs/sync-protocol.md.",
    )
    app.state.database = database
    app.add_middleware(BodyLimitMiddleware)
    app.add_exception_handler(DataError, _reject_unstorable_value)
    _add_routes(app, database)
    return app


async def _reject_unstorable_value(request: Request, error: Exception) -> JSONResponse:
    # Query values reach the database unchanged; one it cannot handle (a NUL character, a number out of
    # range) is the caller's error, not the registry's.
    log.info("request %s %s has a value the database rejects: %s", request.method, request.url.path, error)
    detail = "a value in the request is invalid: it contains a character or number the registry cannot store"
    return JSONResponse({"detail": detail}, status_code=422)


def _token(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    return None if credentials is None else credentials.credentials


def _settings(site: Site) -> dict:
    try:
        value = json.loads(site.settings or "{}")
    except ValueError:
        log.error("settings of site %s are not valid JSON; sending none", site.code)
        return {}
    return value if isinstance(value, dict) else {}


def _add_routes(app: FastAPI, database: Database) -> None:
    @app.get("/api/v1/health", response_model=HealthResponse, tags=["registry"])
    def health() -> HealthResponse:
        """Return the registry's time and schema revision; needs no token."""
        return HealthResponse(status="ok", registry_time=utc_now(), schema_revision=head_revision())

    @app.post(
        "/api/v1/enrol",
        response_model=EnrolResponse,
        tags=["sites"],
        responses={401: {"model": ErrorResponse, "description": "Wrong site code or enrolment code."}},
    )
    def enrol(request: EnrolRequest) -> EnrolResponse:
        """Exchange a one-time enrolment code and the site's Ed25519 public key for a token."""
        try:
            public_key = keys.parse_public_key(request.public_key)
        except ValueError as error:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=f"public_key: {error}") from None
        with database.sessions() as session:
            try:
                enrolment = auth.enrol(session, request.site_code, request.enrolment_code, public_key)
            except auth.EnrolmentFailed:
                session.commit()
                raise auth.unauthorised(auth.ENROLMENT_FAILED) from None
            answer = EnrolResponse(
                registry_time=utc_now(),
                site_id=enrolment.site.id,
                site_code=enrolment.site.code,
                site_name=enrolment.site.name,
                token=enrolment.token,
                token_expires_at=enrolment.token_expires_at,
                settings=_settings(enrolment.site),
            )
            session.commit()
        return answer

    @app.post(
        "/api/v1/changes",
        response_model=BatchResponse,
        tags=["sync"],
        responses={
            **_SITE_ERRORS,
            413: {"model": ErrorResponse, "description": "The body is over the byte limit."},
        },
    )
    def receive_changes(batch: ChangeBatch, credentials: BearerToken) -> BatchResponse:
        """Apply a batch of the site's changes in order; the response has one result per change.

        The batch commits before the response is sent, so a lost response is recovered by sending the
        same changes again: each then gets the result "duplicate".
        """
        with database.sessions() as session:
            site = auth.authenticate(session, _token(credentials))
            results = apply_batch(session, site, batch)
            session.commit()
        return BatchResponse(registry_time=utc_now(), results=results)

    @app.get("/api/v1/pull", response_model=PullResponse, tags=["sync"], responses=_SITE_ERRORS)
    def pull(
        credentials: BearerToken,
        since: Annotated[
            int, Query(ge=0, le=MAX_BIGINT, description="The next_cursor of the previous pull; 0 at first.")
        ] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_REVOCATIONS_PER_PULL)] = MAX_REVOCATIONS_PER_PULL,
    ) -> PullResponse:
        """Return the site's settings and the revocations of its certificates after the cursor `since`."""
        with database.sessions() as session:
            site = auth.authenticate(session, _token(credentials))
            rows = session.scalars(
                select(Revocation)
                .where(Revocation.site_id == site.id, Revocation.id > since)
                .order_by(Revocation.id)
                .limit(limit + 1)
            ).all()
            more = len(rows) > limit
            rows = rows[:limit]
            return PullResponse(
                registry_time=utc_now(),
                site_code=site.code,
                site_name=site.name,
                settings=_settings(site),
                revocations=[
                    RevocationItem(
                        cursor=row.id,
                        certificate_number=row.certificate_number,
                        credential_id=row.credential_id,
                        reason=row.reason,
                        revoked_at=row.revoked_at,
                    )
                    for row in rows
                ],
                next_cursor=rows[-1].id if rows else since,
                more=more,
            )

    @app.get(
        "/api/v1/learners",
        response_model=LearnerLookupResponse,
        tags=["sync"],
        responses={**_SITE_ERRORS, 400: {"model": ErrorResponse, "description": "No search criterion."}},
    )
    def look_up_learners(
        credentials: BearerToken,
        external_id: Annotated[str | None, Query(max_length=64)] = None,
        last_name: Annotated[str | None, Query(max_length=100)] = None,
        first_name: Annotated[str | None, Query(max_length=100)] = None,
        date_of_birth: dt.date | None = None,
    ) -> LearnerLookupResponse:
        """Find learners registered at any site, by external id or by last name and date of birth."""
        if not external_id and not (last_name and date_of_birth):
            raise HTTPException(
                status.HTTP_400_BAD_REQUEST,
                detail="give external_id, or last_name and date_of_birth (first_name narrows the search)",
            )
        with database.sessions() as session:
            site = auth.authenticate(session, _token(credentials))
            query = select(Learner)
            conditions = []
            if external_id:
                conditions.append(Learner.external_id == external_id)
            if last_name and date_of_birth:
                by_name = Learner.date_of_birth == date_of_birth
                if first_name:
                    by_name = by_name & (Learner.name_key == learner_name_key(first_name, last_name))
                else:
                    by_name = by_name & (func.lower(Learner.last_name) == last_name.strip().lower())
                conditions.append(by_name)
            learners = session.scalars(query.where(or_(*conditions)).limit(MAX_LOOKUP_MATCHES)).all()
            matches = [_learner_match(session, learner) for learner in learners]
        log.info("site %s looked up learners: %d matches", site.code, len(matches))
        return LearnerLookupResponse(registry_time=utc_now(), learners=matches)

    @app.get(
        "/verify/{certificate_number}",
        response_model=VerificationResponse,
        tags=["public"],
        responses={
            200: {"content": {"text/html": {}}, "description": "HTML for a person, JSON for a program."},
            400: {"model": VerificationResponse, "description": "d or s is malformed."},
            404: {"model": VerificationResponse, "description": "Unknown certificate (without d and s)."},
        },
    )
    def verify_certificate(
        request: Request,
        certificate_number: str,
        d: Annotated[str | None, Query(max_length=8000, description="Signed payload, base64url.")] = None,
        s: Annotated[str | None, Query(max_length=200, description="Ed25519 signature, base64url.")] = None,
        code: Annotated[
            str | None, Query(max_length=40, description="Verification code printed on the certificate.")
        ] = None,
        format: Annotated[str | None, Query(pattern="^(json|html)$")] = None,
    ):
        """Confirm a certificate from its signature (d, s) or from the records the site has synced."""
        with database.sessions() as session:
            status_code, answer = verification.verify(session, certificate_number[:40], d, s, code)
        if _wants_json(request, format):
            return JSONResponse(answer.model_dump(mode="json"), status_code=status_code)
        return HTMLResponse(verification.render_html(answer), status_code=status_code)


def _wants_json(request: Request, format: str | None) -> bool:
    if format is not None:
        return format == "json"
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _learner_match(session: Session, learner: Learner) -> LearnerMatch:
    site_codes = {site_id: code for site_id, code in session.execute(select(Site.id, Site.code))}
    scores = session.scalars(select(Score).where(Score.learner_id == learner.id).order_by(Score.tested_on)).all()
    superseded = {score.supersedes_id for score in scores if score.supersedes_id}
    voided = set(session.scalars(select(ScoreVoid.voids_score_id).where(ScoreVoid.learner_id == learner.id)))
    credentials = session.scalars(
        select(Credential).where(Credential.learner_id == learner.id).order_by(Credential.issued_on)
    ).all()
    return LearnerMatch(
        learner_id=learner.id,
        site_code=site_codes.get(learner.site_id, ""),
        learner_number=learner.learner_number,
        external_id=learner.external_id,
        first_name=learner.first_name,
        middle_name=learner.middle_name,
        last_name=learner.last_name,
        preferred_name=learner.preferred_name,
        date_of_birth=learner.date_of_birth,
        email=learner.email,
        phone=learner.phone,
        scores=[
            ScoreSummary(
                score_id=score.id,
                site_code=site_codes.get(score.site_id, ""),
                assessment=score.assessment,
                level=score.level,
                passed=score.passed,
                scale_score=score.scale_score,
                tested_on=score.tested_on,
                in_force=score.id not in superseded and score.id not in voided,
            )
            for score in scores
        ],
        credentials=[
            CredentialSummary(
                credential_id=credential.id,
                site_code=site_codes.get(credential.site_id, ""),
                credential_type=credential.credential_type,
                level=credential.level,
                issued_on=credential.issued_on,
                certificate_number=credential.certificate_number,
                status=credential.status,
            )
            for credential in credentials
        ],
    )
