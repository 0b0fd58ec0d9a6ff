"""Patient consent records and their links to drafts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from reviewq.models.base import Base, utcnow

draft_consents = Table(
    "draft_consents", Base.metadata,
    Column("draft_id", ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True),
    Column("consent_id", ForeignKey("consents.id", ondelete="CASCADE"), primary_key=True),
)


class Consent(Base):
    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_name: Mapped[str] = mapped_column(String(200))
    covers: Mapped[list] = mapped_column(default=list)
    channels: Mapped[list] = mapped_column(default=list)
    valid_from: Mapped[datetime | None]
    valid_until: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
