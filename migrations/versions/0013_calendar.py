"""Calendar: a covering index for the calendar's range reads and its ETag aggregate.

(state, release_at, id) orders a range; updated_at, version, reached and author_id let the
ETag's count/max/sum and the visibility test run from the index alone, without a table lookup
per post.

Revision ID: 0013_calendar
Revises: 0014_ops
Create Date: 2026-12-03 13:40:00
"""
from alembic import op


revision = '0013_calendar'
down_revision = '0012_redaction'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_drafts_calendar", "drafts",
                    ["state", "release_at", "id", "updated_at", "version", "reached", "author_id"])


def downgrade():
    op.drop_index("ix_drafts_calendar", table_name="drafts")
