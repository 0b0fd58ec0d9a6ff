"""Consent per person: relation, signer, signed form, revocation reason; links per mention and per face;
consent tasks (requests for a consent, takedowns after a revocation).

Revision ID: 0009_consent_people
Revises: 0008_derived_media
Create Date: 2026-12-02 19:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_consent_people'
down_revision = '0008_derived_media'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consents") as batch:
        batch.add_column(sa.Column("relation", sa.String(30), nullable=False, server_default="patient"))
        batch.add_column(sa.Column("signed_by", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("form_key", sa.String(200), nullable=True))
        batch.add_column(sa.Column("form_content_type", sa.String(100), nullable=True))
        batch.add_column(sa.Column("form_sha256", sa.String(64), nullable=True))
        batch.add_column(sa.Column("form_size_bytes", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("revoke_reason", sa.Text(), nullable=True))
        batch.create_check_constraint(
            op.f("ck_consents_relation_known"), "relation IN ('patient', 'parent_guardian', 'relative', 'staff')")
    with op.batch_alter_table("draft_consents") as batch:
        batch.add_column(sa.Column("mention", sa.String(200), nullable=True))
    # PHI kept to what is needed: a revision refused at the form is overwritten by the next save, and
    # approvers see only submitted revisions; a blocked form sent twice finds its draft by the form token.
    with op.batch_alter_table("revisions") as batch:
        batch.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE revisions SET submitted_at = checked_at WHERE checked_at IS NOT NULL")
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("form_token", sa.String(64), nullable=True))
        batch.create_unique_constraint(op.f("uq_drafts_author_id"), ["author_id", "form_token"])
    op.create_table(
        "consent_faces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.Column("box", sa.String(60), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_consent_faces_draft_id_drafts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["consent_id"], ["consents.id"], name=op.f("fk_consent_faces_consent_id_consents"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["attachment_id"], ["attachments.id"],
                                name=op.f("fk_consent_faces_attachment_id_attachments"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_faces")),
        sa.UniqueConstraint("attachment_id", "box", name=op.f("uq_consent_faces_attachment_id")),
    )
    with op.batch_alter_table("consent_faces") as batch:
        batch.create_index(batch.f("ix_consent_faces_draft_id"), ["draft_id"], unique=False)
        batch.create_index(batch.f("ix_consent_faces_consent_id"), ["consent_id"], unique=False)
    op.create_table(
        "consent_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=True),
        sa.Column("subject_name", sa.String(200), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assigned_role", sa.String(20), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('request', 'takedown')", name=op.f("ck_consent_tasks_kind_known")),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_consent_tasks_draft_id_drafts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["consent_id"], ["consents.id"], name=op.f("fk_consent_tasks_consent_id_consents"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_consent_tasks_created_by_id_users")),
        sa.ForeignKeyConstraint(["done_by_id"], ["users.id"], name=op.f("fk_consent_tasks_done_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_tasks")),
    )
    with op.batch_alter_table("consent_tasks") as batch:
        batch.create_index(batch.f("ix_consent_tasks_draft_id"), ["draft_id"], unique=False)


def downgrade():
    with op.batch_alter_table("drafts") as batch:
        batch.drop_constraint(op.f("uq_drafts_author_id"), type_="unique")
        batch.drop_column("form_token")
    with op.batch_alter_table("revisions") as batch:
        batch.drop_column("submitted_at")
    op.drop_table("consent_tasks")
    op.drop_table("consent_faces")
    with op.batch_alter_table("draft_consents") as batch:
        batch.drop_column("mention")
    with op.batch_alter_table("consents") as batch:
        batch.drop_constraint(op.f("ck_consents_relation_known"), type_="check")
        for name in ("revoke_reason", "form_size_bytes", "form_sha256", "form_content_type", "form_key",
                     "signed_by", "relation"):
            batch.drop_column(name)
