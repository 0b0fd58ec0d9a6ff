"""Policy versions: setting_versions keeps every value a stored setting ever had (who, when, why);
revisions.policy_version names the version of the check policy a revision was checked under.

The id of setting_versions is the version number: one integer, increasing across every key, so
"has anything changed since version N" is one indexed read (see reviewq.stored_settings.current_version).

Revision ID: 0010_policy_versions
Revises: 0008_derived_media
Create Date: 2026-12-02 20:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_policy_versions'
down_revision = '0009_consent_people'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'setting_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('change', 'review')", name=op.f('ck_setting_versions_kind_known')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_setting_versions_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_setting_versions')),
    )
    op.create_index('ix_setting_versions_key_id', 'setting_versions', ['key', 'id'])
    with op.batch_alter_table('revisions') as batch:
        batch.add_column(sa.Column('policy_version', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('revisions') as batch:
        batch.drop_column('policy_version')
    op.drop_index('ix_setting_versions_key_id', table_name='setting_versions')
    op.drop_table('setting_versions')
