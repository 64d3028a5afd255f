"""Keep the site's sync state.

For the user: the site remembers when it enrolled with the registry, how far it has fetched
revocations, and how far its clock was from the registry's at the last sync, so a wrong clock can be
shown. Existing stores get empty values; nothing else changes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("site") as batch:
        batch.add_column(sa.Column("enrolled_at", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("pull_cursor", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("clock_offset_seconds", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("site") as batch:
        batch.drop_column("clock_offset_seconds")
        batch.drop_column("pull_cursor")
        batch.drop_column("enrolled_at")
