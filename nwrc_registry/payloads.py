"""The payload of each change kind, validated before anything is written."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from nwrc_desktop.domain.assessments import MAX_LEVEL, MIN_LEVEL, CredentialType, parse_assessment

# Unknown payload fields are ignored, so a newer desktop can add fields without being rejected.
_IGNORE_EXTRA = ConfigDict(extra="ignore")


def _canonical_assessment(value: str) -> str:
    return parse_assessment(value).value


class LearnerPayload(BaseModel):
    model_config = _IGNORE_EXTRA

    learner_id: uuid.UUID
    learner_number: str = Field(min_length=1, max_length=32)
    external_id: str | None = Field(default=None, max_length=64)
    first_name: str | None = Field(default="", max_length=100)
    middle_name: str | None = Field(default="", max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    preferred_name: str | None = Field(default=None, max_length=200)
    date_of_birth: dt.date
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)


class SessionPayload(BaseModel):
    model_config = _IGNORE_EXTRA

    session_id: uuid.UUID
    held_on: dt.date
    room: str = Field(max_length=100)
    proctor: str = Field(max_length=64)
    assessments: list[str] = Field(max_length=10)

    @field_validator("assessments")
    @classmethod
    def _known_assessments(cls, values: list[str]) -> list[str]:
        return [_canonical_assessment(value) for value in values]


class CheckInPayload(BaseModel):
    model_config = _IGNORE_EXTRA

    checkin_id: uuid.UUID
    session_id: uuid.UUID
    learner_id: uuid.UUID
    id_seen: bool


class ScorePayload(BaseModel):
    model_config = _IGNORE_EXTRA

    score_id: uuid.UUID
    learner_id: uuid.UUID
    assessment: str
    level: int | None = Field(default=None, ge=MIN_LEVEL, le=MAX_LEVEL)
    passed: bool | None = None
    scale_score: int | None = Field(default=None, ge=0, le=100_000)
    form: str | None = Field(default=None, max_length=40)
    tested_on: dt.date
    session_id: uuid.UUID | None = None
    proctor: str | None = Field(default=None, max_length=64)
    supersedes_id: uuid.UUID | None = None
    reason: str | None = Field(default=None, max_length=2000)

    @field_validator("assessment")
    @classmethod
    def _known_assessment(cls, value: str) -> str:
        return _canonical_assessment(value)

    @model_validator(mode="after")
    def _result_matches_assessment(self) -> ScorePayload:
        if parse_assessment(self.assessment).is_leveled:
            if self.level is None:
                raise ValueError(f"{self.assessment} is reported as a level 1-5, but level is missing")
        elif self.passed is None:
            raise ValueError(f"{self.assessment} is reported as pass or not pass, but passed is missing")
        if self.supersedes_id is not None and not (self.reason or "").strip():
            raise ValueError("a correction (supersedes_id given) needs a reason")
        return self


class ScoreVoidPayload(BaseModel):
    model_config = _IGNORE_EXTRA

    score_id: uuid.UUID
    voids_score_id: uuid.UUID
    learner_id: uuid.UUID
    reason: str = Field(min_length=1, max_length=2000)


class CredentialIssuedPayload(BaseModel):
    model_config = _IGNORE_EXTRA

    credential_id: uuid.UUID
    learner_id: uuid.UUID
    credential_type: CredentialType
    level: int | None = Field(default=None, ge=MIN_LEVEL, le=MAX_LEVEL)
    issued_on: dt.date
    certificate_number: str = Field(min_length=1, max_length=40)
    verification_code: str = Field(min_length=1, max_length=32)
    payload: str = Field(min_length=2, max_length=16_000, description="The canonical JSON text that was signed.")
    signature: str = Field(min_length=1, max_length=200, description="Ed25519 signature of payload, base64.")
    supersedes_id: uuid.UUID | None = None


class CredentialStatusPayload(BaseModel):
    model_config = _IGNORE_EXTRA

    credential_id: uuid.UUID
    certificate_number: str = Field(min_length=1, max_length=40)
    status: Literal["superseded", "invalidated", "revoked"]
    reason: str = Field(min_length=1, max_length=2000)


class CertificatePrintedPayload(BaseModel):
    model_config = _IGNORE_EXTRA

    print_id: uuid.UUID
    credential_id: uuid.UUID
    certificate_number: str = Field(min_length=1, max_length=40)
    printed_at: dt.datetime
    printed_by: str = Field(max_length=64)
    reprint: bool
    reason: str | None = Field(default=None, max_length=2000)

    @field_validator("printed_at")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            raise ValueError("printed_at must carry its UTC offset")
        return value


PAYLOAD_MODELS: dict[str, type[BaseModel]] = {
    "learner.registered": LearnerPayload,
    "learner.updated": LearnerPayload,
    "session.created": SessionPayload,
    "checkin.recorded": CheckInPayload,
    "score.recorded": ScorePayload,
    "score.voided": ScoreVoidPayload,
    "credential.issued": CredentialIssuedPayload,
    "credential.status": CredentialStatusPayload,
    "certificate.printed": CertificatePrintedPayload,
}
