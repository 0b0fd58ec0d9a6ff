"""Derived media: each attachment's stripped copy and thumbnail, made once at scan time.

Rows from before this revision have none; the worker derives them (reviewq.drafts.scans.derive_due)
and the release job re-derives a missing copy before it publishes.

Revision ID: 0008_derived_media
Revises: 0007_release_claim
Create Date: 2026-12-02 07:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_derived_media'
down_revision = '0007_release_claim'
branch_labels = None
depends_on = None

_COLUMNS = (("stripped_key", sa.String(200)), ("stripped_sha256", sa.String(64)),
            ("stripped_size_bytes", sa.BigInteger()), ("thumb_key", sa.String(200)),
            ("thumb_sha256", sa.String(64)), ("thumb_size_bytes", sa.BigInteger()))


def upgrade():
    with op.batch_alter_table("attachments") as batch:
        for name, type_ in _COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))


def downgrade():
    with op.batch_alter_table("attachments") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
