"""Drafts: an index on (author_id, state), so counting a person's own drafts in some states (the review
queue's header takes them out of its badge) is a seek instead of a scan of every waiting draft.

Revision ID: 0018_drafts_author_state
Revises: 0017_user_updated
Create Date: 2026-12-07 15:10:00
"""
from alembic import op


revision = '0018_drafts_author_state'
down_revision = '0017_user_updated'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('drafts') as batch_op:
        batch_op.create_index('ix_drafts_author_state', ['author_id', 'state'], unique=False)


def downgrade():
    with op.batch_alter_table('drafts') as batch_op:
        batch_op.drop_index('ix_drafts_author_state')
