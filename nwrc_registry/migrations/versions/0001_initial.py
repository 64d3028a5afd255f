"""Create the registry tables: sites, their keys, codes and tokens, the records sites send, revocations.

A new registry starts empty; sites are added with `nwrc-registry site add`.

Revision ID: 0001
Revises:
Create Date: 2026-12-04 19:53:22.253461
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site")),
        sa.UniqueConstraint("code", name=op.f("uq_site_code")),
    )
    op.create_table(
        "applied_change",
        sa.Column("change_id", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("site_seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_applied_change_site_id_site")),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_applied_change")),
    )
    with op.batch_alter_table("applied_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applied_change_site_id"), ["site_id"], unique=False)

    op.create_table(
        "enrolment_code",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_enrolment_code_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_enrolment_code_code_hash")),
    )
    with op.batch_alter_table("enrolment_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolment_code_site_id"), ["site_id"], unique=False)

    op.create_table(
        "exam_session",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("room", sa.String(length=100), nullable=False),
        sa.Column("proctor", sa.String(length=64), nullable=False),
        sa.Column("assessments", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_exam_session_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_session")),
    )
    with op.batch_alter_table("exam_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_session_site_id"), ["site_id"], unique=False)

    op.create_table(
        "learner",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("learner_number", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("middle_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("preferred_name", sa.String(length=200), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("name_key", sa.String(length=210), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_learner_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learner")),
    )
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.create_index("ix_learner_dob_name_key", ["date_of_birth", "name_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_learner_external_id"), ["external_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_learner_site_id"), ["site_id"], unique=False)

    op.create_table(
        "rejected_change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("change_id", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_rejected_change_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejected_change")),
    )
    with op.batch_alter_table("rejected_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rejected_change_change_id"), ["change_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rejected_change_site_id"), ["site_id"], unique=False)

    op.create_table(
        "revocation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("certificate_number", sa.String(length=40), nullable=False),
        sa.Column("credential_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_revocation_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revocation")),
        sa.UniqueConstraint("certificate_number", name=op.f("uq_revocation_certificate_number")),
    )
    with op.batch_alter_table("revocation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revocation_site_id"), ["site_id"], unique=False)

    op.create_table(
        "site_key",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_site_key_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_key")),
    )
    with op.batch_alter_table("site_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_key_site_id"), ["site_id"], unique=False)

    op.create_table(
        "site_token",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_site_token_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_site_token_token_hash")),
    )
    with op.batch_alter_table("site_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_token_site_id"), ["site_id"], unique=False)

    op.create_table(
        "check_in",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("learner_id", sa.String(length=36), nullable=False),
        sa.Column("id_seen", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"], name=op.f("fk_check_in_learner_id_learner")),
        sa.ForeignKeyConstraint(["session_id"], ["exam_session.id"], name=op.f("fk_check_in_session_id_exam_session")),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_check_in_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in")),
    )
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_check_in_learner_id"), ["learner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_check_in_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_check_in_site_id"), ["site_id"], unique=False)

    op.create_table(
        "credential",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("learner_id", sa.String(length=36), nullable=False),
        sa.Column("credential_type", sa.String(length=16), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("certificate_number", sa.String(length=40), nullable=False),
        sa.Column("verification_code", sa.String(length=32), nullable=False),
        sa.Column("signed_payload", sa.Text(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("supersedes_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"], name=op.f("fk_credential_learner_id_learner")),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_credential_site_id_site")),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["credential.id"], name=op.f("fk_credential_supersedes_id_credential")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credential")),
        sa.UniqueConstraint("certificate_number", name=op.f("uq_credential_certificate_number")),
    )
    with op.batch_alter_table("credential", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credential_learner_id"), ["learner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credential_site_id"), ["site_id"], unique=False)

    op.create_table(
        "score",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("learner_id", sa.String(length=36), nullable=False),
        sa.Column("assessment", sa.String(length=40), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("scale_score", sa.Integer(), nullable=True),
        sa.Column("form", sa.String(length=40), nullable=True),
        sa.Column("tested_on", sa.Date(), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=True),
        sa.Column("proctor", sa.String(length=64), nullable=True),
        sa.Column("supersedes_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"], name=op.f("fk_score_learner_id_learner")),
        sa.ForeignKeyConstraint(["session_id"], ["exam_session.id"], name=op.f("fk_score_session_id_exam_session")),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_score_site_id_site")),
        sa.ForeignKeyConstraint(["supersedes_id"], ["score.id"], name=op.f("fk_score_supersedes_id_score")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score")),
    )
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_learner_id"), ["learner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_score_site_id"), ["site_id"], unique=False)

    op.create_table(
        "certificate_print",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("credential_id", sa.String(length=36), nullable=False),
        sa.Column("certificate_number", sa.String(length=40), nullable=False),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("printed_by", sa.String(length=64), nullable=False),
        sa.Column("reprint", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["credential_id"], ["credential.id"], name=op.f("fk_certificate_print_credential_id_credential")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_certificate_print_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_print")),
    )
    with op.batch_alter_table("certificate_print", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificate_print_credential_id"), ["credential_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_certificate_print_site_id"), ["site_id"], unique=False)

    op.create_table(
        "credential_status",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("credential_id", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"], ["credential.id"], name=op.f("fk_credential_status_credential_id_credential")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_credential_status_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credential_status")),
    )
    with op.batch_alter_table("credential_status", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credential_status_credential_id"), ["credential_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credential_status_site_id"), ["site_id"], unique=False)

    op.create_table(
        "score_void",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("voids_score_id", sa.String(length=36), nullable=False),
        sa.Column("learner_id", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"], name=op.f("fk_score_void_learner_id_learner")),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_score_void_site_id_site")),
        sa.ForeignKeyConstraint(["voids_score_id"], ["score.id"], name=op.f("fk_score_void_voids_score_id_score")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_void")),
        sa.UniqueConstraint("voids_score_id", name=op.f("uq_score_void_voids_score_id")),
    )
    with op.batch_alter_table("score_void", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_void_learner_id"), ["learner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_score_void_site_id"), ["site_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("score_void", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_void_site_id"))
        batch_op.drop_index(batch_op.f("ix_score_void_learner_id"))

    op.drop_table("score_void")
    with op.batch_alter_table("credential_status", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credential_status_site_id"))
        batch_op.drop_index(batch_op.f("ix_credential_status_credential_id"))

    op.drop_table("credential_status")
    with op.batch_alter_table("certificate_print", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_print_site_id"))
        batch_op.drop_index(batch_op.f("ix_certificate_print_credential_id"))

    op.drop_table("certificate_print")
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_site_id"))
        batch_op.drop_index(batch_op.f("ix_score_learner_id"))

    op.drop_table("score")
    with op.batch_alter_table("credential", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credential_site_id"))
        batch_op.drop_index(batch_op.f("ix_credential_learner_id"))

    op.drop_table("credential")
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_in_site_id"))
        batch_op.drop_index(batch_op.f("ix_check_in_session_id"))
        batch_op.drop_index(batch_op.f("ix_check_in_learner_id"))

    op.drop_table("check_in")
    with op.batch_alter_table("site_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_token_site_id"))

    op.drop_table("site_token")
    with op.batch_alter_table("site_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_key_site_id"))

    op.drop_table("site_key")
    with op.batch_alter_table("revocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revocation_site_id"))

    op.drop_table("revocation")
    with op.batch_alter_table("rejected_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rejected_change_site_id"))
        batch_op.drop_index(batch_op.f("ix_rejected_change_change_id"))

    op.drop_table("rejected_change")
    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learner_site_id"))
        batch_op.drop_index(batch_op.f("ix_learner_external_id"))
        batch_op.drop_index("ix_learner_dob_name_key")

    op.drop_table("learner")
    with op.batch_alter_table("exam_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_session_site_id"))

    op.drop_table("exam_session")
    with op.batch_alter_table("enrolment_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolment_code_site_id"))

    op.drop_table("enrolment_code")
    with op.batch_alter_table("applied_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applied_change_site_id"))

    op.drop_table("applied_change")
    op.drop_table("site")
