"""SQLAlchemy models of the registry's database (PostgreSQL in production, SQLite for a demo).

Every record a site sends carries the id the site made for it and the id of the owning site, so a
site's token can only write rows whose site_id is its own.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so migrations can refer to them on PostgreSQL and SQLite alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: DateTime(timezone=True)}


class Site(Base):
    """A testing site known to headquarters."""

    __tablename__ = "site"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # JSON object sent to the site on every pull (for example its time zone or printing rules).
    settings: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class SiteKey(Base):
    """An Ed25519 public key a site enrolled; older keys stay so earlier certificates still verify."""

    __tablename__ = "site_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    enrolled_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class EnrolmentCode(Base):
    """A one-time enrolment code, kept only as its SHA-256 hash."""

    __tablename__ = "enrolment_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)


class SiteToken(Base):
    """A site's bearer token, kept only as its SHA-256 hash."""

    __tablename__ = "site_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


class AppliedChange(Base):
    """A change the registry accepted; its change_id makes every later copy a duplicate."""

    __tablename__ = "applied_change"

    change_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    site_seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36))
    actor: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    received_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    payload: Mapped[str] = mapped_column(Text)


class RejectedChange(Base):
    """A change the registry rejected, with the reason sent back; the site may send it again later."""

    __tablename__ = "rejected_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[str] = mapped_column(String(36), index=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class Learner(Base):
    __tablename__ = "learner"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    learner_number: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(64), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str | None] = mapped_column(String(200))
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    # Casefolded "first last" for look-ups by name and date of birth.
    name_key: Mapped[str] = mapped_column(String(210))
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now)

    __table_args__ = (Index("ix_learner_dob_name_key", "date_of_birth", "name_key"),)


class ExamSession(Base):
    """A proctored session held at a site."""

    __tablename__ = "exam_session"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    room: Mapped[str] = mapped_column(String(100))
    proctor: Mapped[str] = mapped_column(String(64))
    # JSON list of assessment names.
    assessments: Mapped[str] = mapped_column(Text)


class CheckIn(Base):
    __tablename__ = "check_in"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("exam_session.id"), index=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learner.id"), index=True)
    id_seen: Mapped[bool] = mapped_column(Boolean)


class Score(Base):
    """A score as recorded at a site; a correction is another row whose supersedes_id names this one."""

    __tablename__ = "score"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learner.id"), index=True)
    assessment: Mapped[str] = mapped_column(String(40))
    level: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    scale_score: Mapped[int | None] = mapped_column(Integer)
    form: Mapped[str | None] = mapped_column(String(40))
    tested_on: Mapped[dt.date] = mapped_column(Date)
    session_id: Mapped[str | None] = mapped_column(ForeignKey("exam_session.id"))
    proctor: Mapped[str | None] = mapped_column(String(64))
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("score.id"))
    reason: Mapped[str | None] = mapped_column(Text)


class ScoreVoid(Base):
    """A void of an earlier score, sent as its own record."""

    __tablename__ = "score_void"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    voids_score_id: Mapped[str] = mapped_column(ForeignKey("score.id"), unique=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learner.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)


class Credential(Base):
    """A credential as issued at a site, with the signed payload and signature of its certificate."""

    __tablename__ = "credential"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learner.id"), index=True)
    credential_type: Mapped[str] = mapped_column(String(16))
    level: Mapped[int | None] = mapped_column(Integer)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    certificate_number: Mapped[str] = mapped_column(String(40), unique=True)
    verification_code: Mapped[str] = mapped_column(String(32))
    signed_payload: Mapped[str] = mapped_column(Text)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("credential.id"))
    # The latest standing: 'active', 'superseded', 'invalidated' or 'revoked'.
    # Every change of standing is also a credential_status row.
    status: Mapped[str] = mapped_column(String(16), default="active")
    status_reason: Mapped[str | None] = mapped_column(Text)


class CredentialStatus(Base):
    """A change of a credential's standing, sent by its site or decided at headquarters."""

    __tablename__ = "credential_status"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    credential_id: Mapped[str] = mapped_column(ForeignKey("credential.id"), index=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    # 'site' when the site sent it, 'registry' when headquarters revoked the certificate.
    source: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class Revocation(Base):
    """A revocation decided at headquarters; id is the cursor sites pull from."""

    __tablename__ = "revocation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    certificate_number: Mapped[str] = mapped_column(String(40), unique=True)
    credential_id: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(Text)
    revoked_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class CertificatePrint(Base):
    __tablename__ = "certificate_print"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    credential_id: Mapped[str] = mapped_column(ForeignKey("credential.id"), index=True)
    certificate_number: Mapped[str] = mapped_column(String(40))
    printed_at: Mapped[dt.datetime]
    printed_by: Mapped[str] = mapped_column(String(64))
    reprint: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)
