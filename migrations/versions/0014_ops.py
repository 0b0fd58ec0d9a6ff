"""E-mail notifications: each user's choice to get them (on by default); the worker heartbeat table (/metrics).

Revision ID: 0014_ops
Revises: 0010_policy_versions
Create Date: 2026-12-02 20:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_ops'
down_revision = '0010_policy_versions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_notifications", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
    op.create_table("worker_heartbeats",
                    sa.Column("name", sa.String(100), primary_key=True),
                    sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False))


def downgrade():
    op.drop_table("worker_heartbeats")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_notifications")
