"""Release calendar data: blackout windows, holds, iCalendar feed tokens, the release attempt log.

The freeze itself is a Setting row ("freeze"); the release state of a post lives
on Draft (release_at, release_claimed_until, release_error ...).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from reviewq.models.base import Base, utcnow


class BlackoutWindow(Base):
    __tablename__ = "blackout_windows"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    channels: Mapped[list] = mapped_column(default=list)   # empty: every channel
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReleaseHold(Base):
    """A hold on releases: targeted (channel, tag, term) or on one draft (kind "draft").

    Draft holds are placed by the worker when a due post is held (a targeted hold
    matched, re-checks failed, or it fell due during a freeze) and lifted when the
    post is rescheduled, unscheduled or released on confirmation.
    """

    __tablename__ = "release_holds"
    __table_args__ = (
        CheckConstraint("kind IN ('channel', 'tag', 'term', 'draft')", name="kind_known"),
        CheckConstraint("kind != 'draft' OR draft_id IS NOT NULL", name="draft_hold_has_draft"),
        Index("ix_release_holds_active", "lifted_at", "draft_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(100), default="")
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    source_hold_id: Mapped[int | None] = mapped_column(Integer)   # the targeted hold that caused a draft hold
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CalendarFeedToken(Base):
    """The secret of one user's iCalendar feed URL; only its SHA-256 is stored."""

    __tablename__ = "calendar_feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class ReleaseAttempt(Base):
    """One try at releasing one post: who claimed it, with which key, and what came of it."""

    __tablename__ = "release_attempts"
    __table_args__ = (
        CheckConstraint("outcome IN ('claimed', 'published', 'failed', 'held')", name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    idempotency_key: Mapped[str] = mapped_column(String(100), index=True)
    release_at: Mapped[datetime]
    worker: Mapped[str] = mapped_column(String(100), default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(String(20), default="claimed")
    error: Mapped[str | None] = mapped_column(Text)
    publisher_ref: Mapped[str | None] = mapped_column(String(500))
