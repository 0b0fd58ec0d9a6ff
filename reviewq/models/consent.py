"""Patient consent records, their links to drafts (per mention and per face) and the tasks they open."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reviewq.models.base import Base, utcnow

RELATIONS = ("patient", "parent_guardian", "relative", "staff")

draft_consents = Table(
    "draft_consents", Base.metadata,
    Column("draft_id", ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True),
    Column("consent_id", ForeignKey("consents.id", ondelete="CASCADE"), primary_key=True),
    # The name as the author wrote it in the post, which the consent names (None: linked as a whole).
    Column("mention", String(200), nullable=True),
)


class Consent(Base):
    __tablename__ = "consents"
    __table_args__ = (CheckConstraint("relation IN ('patient', 'parent_guardian', 'relative', 'staff')",
                                      name="relation_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The person the post shows or names; `relation` says who signed for them (the patient, a parent or
    # guardian, a relative) or that they are a staff member in a photo.
    subject_name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(30), default="patient", server_default="patient")
    signed_by: Mapped[str] = mapped_column(String(200), default="", server_default="")
    covers: Mapped[list] = mapped_column(default=list)
    channels: Mapped[list] = mapped_column(default=list)
    valid_from: Mapped[datetime | None]
    valid_until: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
    # The signed form (PDF or image), stored through reviewq.storage like attachments.
    form_key: Mapped[str | None] = mapped_column(String(200))
    form_content_type: Mapped[str | None] = mapped_column(String(100))
    form_sha256: Mapped[str | None] = mapped_column(String(64))
    form_size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)


class ConsentFace(Base):
    """A face the scan found on an attachment, linked by the author to the consent of the person shown."""

    __tablename__ = "consent_faces"
    __table_args__ = (UniqueConstraint("attachment_id", "box"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consents.id", ondelete="CASCADE"), index=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id", ondelete="CASCADE"))
    box: Mapped[str] = mapped_column(String(60))  # "x,y,w,h" as in the face finding


class ConsentTask(Base):
    """Work for comms or the privacy office: a consent to obtain, or a published post to take down."""

    __tablename__ = "consent_tasks"
    __table_args__ = (CheckConstraint("kind IN ('request', 'takedown')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consents.id", ondelete="SET NULL"))
    subject_name: Mapped[str] = mapped_column(String(200), default="")  # the name as the author wrote it
    channels: Mapped[list] = mapped_column(default=list)
    published_at: Mapped[datetime | None]
    assigned_role: Mapped[str] = mapped_column(String(20), default="comms")
    due_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    draft = relationship("Draft")
