"""Organisation-wide settings stored in the database (freeze, policy overrides, masking) and their versions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from reviewq.models.base import Base, utcnow


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SettingVersion(Base):
    """One immutable value a setting had: the full value, who, when, why. Rows are only ever added.

    `id` is the version number, increasing across every key. kind "review" records that an
    admin reviewed the setting and kept it unchanged (the yearly policy review).
    """
    __tablename__ = "setting_versions"
    __table_args__ = (CheckConstraint("kind IN ('change', 'review')", name="kind_known"),
                      Index("ix_setting_versions_key_id", "key", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[dict] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20), default="change")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkerHeartbeat(Base):
    """When a worker last finished a pass (one row per worker name; read by /metrics). Not a setting:
    it changes every few seconds and is neither audited nor versioned."""
    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    beat_at: Mapped[datetime]
