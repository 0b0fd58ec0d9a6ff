"""Releases: drafts.release_claim, the release_attempts row whose worker holds the post's lease (fencing).

A worker records a result, renews its lease and starts a publish call only
while the post's release_claim is still its own attempt; a worker that took
the lease over writes its attempt there, so the one it replaced records nothing.

Revision ID: 0007_release_claim
Revises: 0006_sessions
Create Date: 2026-12-02 07:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_release_claim'
down_revision = '0006_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('release_claim', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_column('release_claim')
