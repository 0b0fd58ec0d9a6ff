"""Drafts, their revisions, attachments and the decisions taken on them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reviewq.core.workflow import STAGES, DraftFacts, State
from reviewq.models.base import Base, utcnow
from reviewq.models.users import User

_STATE_SQL = ", ".join(f"'{s.value}'" for s in State)
_STAGE_SQL = ", ".join(f"'{s.name}'" for s in STAGES)


class Draft(Base):
    __tablename__ = "drafts"
    __table_args__ = (
        CheckConstraint(f"state IN ({_STATE_SQL})", name="state_known"),
        # A scheduled or published post always has its release time.
        CheckConstraint("state NOT IN ('scheduled', 'published') OR release_at IS NOT NULL",
                        name="release_time_when_scheduled"),
        CheckConstraint("state != 'published' OR published_at IS NOT NULL", name="published_at_when_published"),
        Index("ix_drafts_state_release_at", "state", "release_at"),
        # The calendar's range and its ETag aggregate, answered from the index alone (migration 0013_calendar).
        Index("ix_drafts_calendar", "state", "release_at", "id", "updated_at", "version", "reached", "author_id"),
        Index("ix_drafts_state_stage_entered", "state", "stage_entered_at"),
        # A person's own drafts per state: the queue page's badge takes them out of the stage counts.
        Index("ix_drafts_author_state", "author_id", "state"),
        # One draft per new-draft form: sending the same (blocked) form again finds it instead of a copy.
        UniqueConstraint("author_id", "form_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    form_token: Mapped[str | None] = mapped_column(String(64))
    channels: Mapped[list] = mapped_column(default=list)
    requested_release_at: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(String(32), default=State.DRAFT.value)
    current_revision: Mapped[int] = mapped_column(Integer, default=0)
    # The furthest approval stage reached (1 review, 2 legal, 3 comms, 4 approved): who may see it.
    reached: Mapped[int] = mapped_column(Integer, default=0)
    stage_entered_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    # Set when the admins were told the stage is overdue (compared with stage_entered_at).
    escalated_at: Mapped[datetime | None]
    release_at: Mapped[datetime | None]
    scheduled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
    publisher_ref: Mapped[str | None] = mapped_column(String(500))
    release_error: Mapped[str | None] = mapped_column(Text)
    release_attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    release_claimed_until: Mapped[datetime | None]
    # The release_attempts id of the claim holding the lease (the fencing token; see releases/job.py).
    release_claim: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="draft", order_by="Revision.number", cascade="all, delete-orphan")
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="draft", order_by="Decision.id", cascade="all, delete-orphan")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="draft", order_by="Attachment.id", cascade="all, delete-orphan")

    @property
    def state_enum(self) -> State:
        return State(self.state)

    @property
    def revision(self) -> Revision | None:
        return next((r for r in reversed(self.revisions) if r.number == self.current_revision), None)

    @property
    def body(self) -> str:
        rev = self.revision
        return rev.body if rev else ""

    def standing_approvals(self) -> list[Decision]:
        return [d for d in self.decisions
                if d.revision_number == self.current_revision and d.decision == "approve" and not d.voided]

    def facts(self) -> DraftFacts:
        return DraftFacts(self.author_id, State(self.state), self.current_revision,
                          tuple((d.stage, d.user_id) for d in self.standing_approvals()))


class Revision(Base):
    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("draft_id", "number", name="uq_revisions_draft_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    channels: Mapped[list] = mapped_column(default=list)
    # [{"id", "sha256", "alt_text", "content_type"}]: the exact attachments this revision approves
    attachments: Mapped[list] = mapped_column(default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    findings: Mapped[list] = mapped_column(default=list)
    justifications: Mapped[dict] = mapped_column(default=dict)
    checked_at: Mapped[datetime | None]
    # When this revision went to review; None: never submitted (a refused one is overwritten by the next save).
    submitted_at: Mapped[datetime | None]
    # the setting_versions id of the check policy the findings came from (None: defaults/file only, or older)
    policy_version: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    draft: Mapped[Draft] = relationship(back_populates="revisions")


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    alt_text: Mapped[str] = mapped_column(Text, default="")
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    scan_findings: Mapped[list] = mapped_column(default=list)
    scanned_at: Mapped[datetime | None]
    # Made once at scan time (reviewq.media): the file publishers receive (images re-encoded without
    # metadata, videos as uploaded) and the thumbnail pages show. Requests never decode an image.
    # stripped_key "" means the copy could not be made (the release job tries again, then holds).
    stripped_key: Mapped[str | None] = mapped_column(String(200))
    stripped_sha256: Mapped[str | None] = mapped_column(String(64))
    stripped_size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    thumb_key: Mapped[str | None] = mapped_column(String(200))
    thumb_sha256: Mapped[str | None] = mapped_column(String(64))
    thumb_size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # A redacted version (reviewq.drafts.redaction) names the attachment it was made from. The original
    # is deleted from storage once purge_after has passed (policy media.keep_original_days), at purged_at.
    redacted_from_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    purge_after: Mapped[datetime | None] = mapped_column(index=True)
    purged_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    draft: Mapped[Draft] = relationship(back_populates="attachments", foreign_keys=[draft_id])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(f"stage IN ({_STAGE_SQL})", name="stage_known"),
        CheckConstraint("decision IN ('approve', 'request_changes', 'reject')", name="decision_known"),
        CheckConstraint("decision = 'approve' OR length(comment) > 0", name="reason_when_not_approving"),
        # One decision per stage of a revision: the database settles a race the row lock missed.
        UniqueConstraint("draft_id", "revision_number", "stage", name="uq_decisions_one_per_stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    revision_number: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    decision: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    via: Mapped[str] = mapped_column(String(20), default="web")
    voided: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    draft: Mapped[Draft] = relationship(back_populates="decisions")
    user: Mapped[User] = relationship(lazy="joined")
