"""The messages of the sync protocol as pydantic models; docs/sync-protocol.md describes the same fields."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

# A batch may carry at most this many changes, and its body at most MAX_BATCH_BYTES.
MAX_BATCH_CHANGES = 500
MAX_BATCH_BYTES = 4 * 1024 * 1024
# Other request bodies (enrolment) are small.
MAX_OTHER_BODY_BYTES = 64 * 1024


def _require_timezone(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("a time must carry its UTC offset, for example 2026-01-31T09:00:00Z")
    return value


def _require_storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode") from None
    return value


AwareDatetime = Annotated[dt.datetime, AfterValidator(_require_timezone)]
# Text that PostgreSQL can store: no NUL characters and no lone surrogates.
StorableText = Annotated[str, AfterValidator(_require_storable)]
# The largest value of a signed 64-bit integer column.
MAX_BIGINT = 2**63 - 1
ChangeResultName = Literal["accepted", "duplicate", "rejected"]


class Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EnrolRequest(Envelope):
    site_code: StorableText = Field(min_length=1, max_length=12)
    enrolment_code: StorableText = Field(min_length=1, max_length=64)
    public_key: StorableText = Field(
        min_length=1, max_length=100, description="The site's raw 32-byte Ed25519 public key, base64."
    )


class EnrolResponse(BaseModel):
    registry_time: dt.datetime
    site_id: str
    site_code: str
    site_name: str
    token: str = Field(description="Bearer token for every later request; the registry keeps only its hash.")
    token_expires_at: dt.datetime
    settings: dict[str, Any]


class Change(Envelope):
    change_id: uuid.UUID
    seq: int = Field(ge=1, le=MAX_BIGINT, description="The site's sending order (the outbox seq).")
    kind: StorableText = Field(min_length=1, max_length=40)
    entity_id: StorableText = Field(min_length=1, max_length=36)
    created_at: AwareDatetime
    actor: StorableText | None = Field(default=None, max_length=64)
    payload: dict[str, Any]


class ChangeBatch(Envelope):
    changes: list[Change] = Field(min_length=1, max_length=MAX_BATCH_CHANGES)


class ChangeResult(BaseModel):
    change_id: str
    result: ChangeResultName
    reason: str | None = None


class BatchResponse(BaseModel):
    registry_time: dt.datetime
    results: list[ChangeResult]


class RevocationItem(BaseModel):
    cursor: int
    certificate_number: str
    credential_id: str | None
    reason: str
    revoked_at: dt.datetime


class PullResponse(BaseModel):
    registry_time: dt.datetime
    site_code: str
    site_name: str
    settings: dict[str, Any]
    revocations: list[RevocationItem]
    next_cursor: int = Field(description="Pass as `since` next time; equal to `since` when nothing is new.")
    more: bool = Field(description="True when more revocations wait beyond `limit`.")


class ScoreSummary(BaseModel):
    score_id: str
    site_code: str
    assessment: str
    level: int | None
    passed: bool | None
    scale_score: int | None
    tested_on: dt.date
    in_force: bool


class CredentialSummary(BaseModel):
    credential_id: str
    site_code: str
    credential_type: str
    level: int | None
    issued_on: dt.date
    certificate_number: str
    status: str


class LearnerMatch(BaseModel):
    learner_id: str
    site_code: str
    learner_number: str
    external_id: str | None
    first_name: str
    middle_name: str
    last_name: str
    preferred_name: str | None
    date_of_birth: dt.date
    email: str | None
    phone: str | None
    scores: list[ScoreSummary]
    credentials: list[CredentialSummary]


class LearnerLookupResponse(BaseModel):
    registry_time: dt.datetime
    learners: list[LearnerMatch]


class VerificationResponse(BaseModel):
    registry_time: dt.datetime
    certificate_number: str
    verdict: Literal["valid", "revoked", "superseded", "invalidated", "invalid", "unknown"]
    signature_checked: bool = Field(description="True when d and s were given and the signature verified.")
    synced: bool = Field(description="True when the site has already sent this credential to the registry.")
    site_code: str | None
    message: str
    reason: str | None = None
    certificate: dict[str, Any] | None = Field(
        default=None, description="The signed payload (with d/s) or the synced record (without)."
    )


class HealthResponse(BaseModel):
    status: Literal["ok"]
    registry_time: dt.datetime
    schema_revision: str


class ErrorResponse(BaseModel):
    detail: Any
