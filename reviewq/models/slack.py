"""Slack messages reviewq posted, so a decision can update every copy of a request.

One row per approval request message (a stage channel post or one DM per
approver). Written by reviewq.integrations.slack.dispatch in the same
transaction that marks the outbox row sent; read when a decision arrives.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from reviewq.models.base import Base, utcnow


class SlackMessage(Base):
    __tablename__ = "slack_messages"
    __table_args__ = (
        UniqueConstraint("channel", "ts", name="uq_slack_messages_channel_ts"),
        Index("ix_slack_messages_draft_stage", "draft_id", "revision_number", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    revision_number: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    outbox_id: Mapped[int | None] = mapped_column(Integer)
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)
