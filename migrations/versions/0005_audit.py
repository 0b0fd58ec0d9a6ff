"""Audit: keyed chain (seal column, keyed_from/key_id on the head) and, on PostgreSQL, append-only tables.

A database from before this revision keeps its events as they are: the head
records that the chain is keyed from the next event on (keyed_from), and
verify checks older events with the unkeyed formula (docs/security.md). On
PostgreSQL, triggers refuse UPDATE, DELETE and TRUNCATE of audit_events and
DELETE, TRUNCATE or moving back of audit_head.

Revision ID: 0005_audit
Revises: 0004_releases
Create Date: 2026-12-02 06:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_audit'
down_revision = '0004_releases'
branch_labels = None
depends_on = None

_REFUSE = """
CREATE OR REPLACE FUNCTION reviewq_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'reviewq: the audit log is append-only (% on % refused)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""
_HEAD_FORWARD = """
CREATE OR REPLACE FUNCTION reviewq_audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id <> OLD.id OR NEW.seq < OLD.seq
       OR (OLD.keyed_from IS NOT NULL AND NEW.keyed_from IS DISTINCT FROM OLD.keyed_from)
       OR (OLD.key_id IS NOT NULL AND NEW.key_id IS DISTINCT FROM OLD.key_id) THEN
        RAISE EXCEPTION 'reviewq: the audit chain head only moves forward (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
"""
_TRIGGERS = [
    "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION reviewq_audit_refuse()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION reviewq_audit_refuse()",
    "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
    "FOR EACH ROW EXECUTE FUNCTION reviewq_audit_refuse()",
    "CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head "
    "FOR EACH STATEMENT EXECUTE FUNCTION reviewq_audit_refuse()",
    "CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head "
    "FOR EACH ROW EXECUTE FUNCTION reviewq_audit_head_forward()",
]


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mac', sa.String(length=64), nullable=True))
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keyed_from', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('key_id', sa.String(length=16), nullable=True))
    # Events already written stay unkeyed; the next one is the first sealed with the key.
    op.execute("UPDATE audit_head SET keyed_from = seq + 1")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_REFUSE)
        op.execute(_HEAD_FORWARD)
        for statement in _TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table in [("audit_events_append_only", "audit_events"), ("audit_events_no_truncate", "audit_events"),
                            ("audit_head_no_delete", "audit_head"), ("audit_head_no_truncate", "audit_head"),
                            ("audit_head_forward", "audit_head")]:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS reviewq_audit_head_forward()")
        op.execute("DROP FUNCTION IF EXISTS reviewq_audit_refuse()")
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('key_id')
        batch_op.drop_column('keyed_from')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('mac')
