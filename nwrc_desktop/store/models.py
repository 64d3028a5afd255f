"""SQLAlchemy models of the site's local store.

Scores, credentials, credential statuses, prints and the audit log are append-only. SQLite triggers,
created by the first migration, reject UPDATE and DELETE on them, so a correction or a void is always a
new row that supersedes an older one. Outbox rows are never deleted; only their delivery columns change.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so Alembic batch migrations on SQLite can find and rebuild them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """Return a new random UUID as text: ids are made on the desktop so sites never collide."""
    return str(uuid.uuid4())


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware datetime stored as ISO 8601 text in UTC, with its offset."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: object) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store times are UTC-aware")
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: object) -> dt.datetime | None:
        return None if value is None else dt.datetime.fromisoformat(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Site(Base):
    """The testing site this store belongs to: exactly one row."""

    __tablename__ = "site"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    public_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    registry_url: Mapped[str | None] = mapped_column(String(500))
    settings: Mapped[str] = mapped_column(Text, default="{}")
    last_sync_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    next_learner_serial: Mapped[int] = mapped_column(Integer, default=1)
    enrolled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Where the last pull ended, as the registry gave it; sent back to fetch only newer revocations.
    pull_cursor: Mapped[str | None] = mapped_column(String(100))
    # Registry time minus local time at the last sync, in seconds; large values mean a wrong clock.
    clock_offset_seconds: Mapped[float | None] = mapped_column(Float)


class Account(Base):
    """A local user account; the password is kept only as a salted scrypt hash."""

    __tablename__ = "account"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)


class Learner(Base):
    __tablename__ = "learner"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    learner_number: Mapped[str] = mapped_column(String(32), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    first_name: Mapped[str] = mapped_column(String(100), default="")
    middle_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str | None] = mapped_column(String(200))
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    # Folded (casefolded, accents removed) name for duplicate checks and search.
    name_key: Mapped[str] = mapped_column(String(400), index=True)
    search_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    created_by: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_learner_dob_name_key", "date_of_birth", "name_key"),)


class ProctoredSession(Base):
    __tablename__ = "proctored_session"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    held_on: Mapped[dt.date] = mapped_column(Date)
    room: Mapped[str] = mapped_column(String(100))
    proctor: Mapped[str] = mapped_column(String(64))
    # JSON list of assessment names given in this session.
    assessments: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    created_by: Mapped[str] = mapped_column(String(64))


class CheckIn(Base):
    __tablename__ = "check_in"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    session_id: Mapped[str] = mapped_column(ForeignKey("proctored_session.id"), index=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learner.id"), index=True)
    id_seen: Mapped[bool] = mapped_column(Boolean)
    checked_in_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    checked_in_by: Mapped[str] = mapped_column(String(64))


class Score(Base):
    """One result as the official score report gives it, or a correction or void of an earlier one.

    kind is 'recorded', 'correction' (new values, supersedes another row) or 'void' (no values,
    supersedes another row). A row is in force when it is not a void and no other row supersedes it.
    """

    __tablename__ = "score"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learner.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="recorded")
    assessment: Mapped[str] = mapped_column(String(40))
    level: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    scale_score: Mapped[int | None] = mapped_column(Integer)
    form: Mapped[str | None] = mapped_column(String(40))
    tested_on: Mapped[dt.date] = mapped_column(Date)
    session_id: Mapped[str | None] = mapped_column(ForeignKey("proctored_session.id"))
    proctor: Mapped[str | None] = mapped_column(String(64))
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("score.id"), unique=True)
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    recorded_by: Mapped[str] = mapped_column(String(64))


class Credential(Base):
    """A credential as issued, with its certificate number and signature; never changed afterwards."""

    __tablename__ = "credential"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learner.id"), index=True)
    credential_type: Mapped[str] = mapped_column(String(16))
    level: Mapped[int | None] = mapped_column(Integer)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    certificate_name: Mapped[str] = mapped_column(String(300))
    certificate_number: Mapped[str] = mapped_column(String(40), unique=True)
    # The canonical JSON that was signed, the Ed25519 signature and the short code derived from it.
    signed_payload: Mapped[str] = mapped_column(Text)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    verification_code: Mapped[str] = mapped_column(String(32))
    # JSON list of the score ids the credential rests on.
    basis_score_ids: Mapped[str] = mapped_column(Text)
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("credential.id"))
    issued_by: Mapped[str] = mapped_column(String(64))


class CredentialStatus(Base):
    """A change of a credential's standing: superseded, invalidated (no longer holds) or revoked."""

    __tablename__ = "credential_status"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    credential_id: Mapped[str] = mapped_column(ForeignKey("credential.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    recorded_by: Mapped[str] = mapped_column(String(64))


class CertificatePrint(Base):
    __tablename__ = "certificate_print"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    credential_id: Mapped[str] = mapped_column(ForeignKey("credential.id"), index=True)
    printed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    printed_by: Mapped[str] = mapped_column(String(64))
    reprint: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)
    # Where it went: 'pdf:<file name>' or 'printer:<printer name>'.
    destination: Mapped[str] = mapped_column(String(300))


class Outbox(Base):
    """A change queued for the registry, with the registry's result once stored; seq is the sending order."""

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    actor: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_outbox_state_seq", "state", "seq"),)


class AuditEntry(Base):
    """One row of the hash-chained audit log: hash covers the row's content and the previous hash."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(36))
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
