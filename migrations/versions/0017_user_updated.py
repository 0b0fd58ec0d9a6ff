"""Users: updated_at, so pages and API answers that show a person's name (the calendar's ETag and its
per-process answer cache) see a rename.

Revision ID: 0017_user_updated
Revises: 0013_calendar
Create Date: 2026-12-04 19:45:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0017_user_updated'
down_revision = '0013_calendar'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('updated_at')
