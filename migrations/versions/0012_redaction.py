"""Redacted attachments: the new version names its original; the original's deletion date and when it went.

Revision ID: 0012_redaction
Revises: 0014_ops
Create Date: 2026-12-03 13:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_redaction'
down_revision = '0014_ops'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("redacted_from_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("purge_after", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key("fk_attachments_redacted_from_id_attachments", "attachments", ["redacted_from_id"], ["id"])
        batch.create_index("ix_attachments_purge_after", ["purge_after"])


def downgrade():
    with op.batch_alter_table("attachments") as batch:
        batch.drop_index("ix_attachments_purge_after")
        batch.drop_constraint("fk_attachments_redacted_from_id_attachments", type_="foreignkey")
        batch.drop_column("purged_at")
        batch.drop_column("purge_after")
        batch.drop_column("redacted_from_id")
