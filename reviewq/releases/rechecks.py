"""The re-checks a due post must pass just before it is published, for a whole claimed batch at once.

Owns loading what the re-checks need in a handful of queries per batch (the
drafts, locked, with their current revision, standing approvals, linked
consents and the people who scheduled them; the policy, release rules, freeze
and holds once) and deciding, per post, why it must be held. The decision is
the same as for a single post: holds on the post and matching targeted holds;
the scheduler still active and comms; approvals of every stage standing on the
current revision and fresh; the checks re-run with today's policy and consent
records. Refuses to publish or record anything: reviewq.releases.job
does that.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from reviewq import checks
from reviewq.checks import AttachmentInfo, ConsentInfo
from reviewq.core import roles as R
from reviewq.core import schedule as S
from reviewq.core import workflow as wf
from reviewq.models import Consent, Decision, Draft, ReleaseHold, Revision, Setting, User, draft_consents
from reviewq.drafts.checking import POLICY_KEY, load_policy
from reviewq.releases.queries import FREEZE_KEY, hold_rules
from reviewq.releases.rules import RELEASE_KEY, release_rules

STAGE_NAMES = frozenset(st.name for st in wf.STAGES)
SETTING_KEYS = (FREEZE_KEY, RELEASE_KEY, POLICY_KEY)


class Approval(NamedTuple):
    """A standing approval as the payload shows it."""

    stage: str
    user_id: int
    name: str
    created_at: datetime
    via: str


class RevisionRow(NamedTuple):
    number: int
    body: str
    attachments: list


class DraftRow(NamedTuple):
    id: int
    state: str
    current_revision: int
    channels: list
    release_at: datetime
    release_claimed_until: datetime | None
    scheduled_by_id: int | None
    release_claim: int | None = None


@dataclass
class Candidate:
    """One claimed post with everything its re-check and its payload need."""

    draft: DraftRow
    revision: RevisionRow | None = None
    approvals: list[Approval] = field(default_factory=list)
    consents: list[ConsentInfo] = field(default_factory=list)
    scheduler: User | None = None


@dataclass(frozen=True)
class Rules:
    """What every post of a batch is checked against, read once per batch."""

    held_ids: frozenset[int]
    holds: list[S.HoldRule]
    policy: checks.Policy
    max_age_days: int


def load_candidates(s: Session, ids: list[int]) -> dict[int, Candidate]:
    """The posts `ids` (locked FOR UPDATE on PostgreSQL) with their revision, approvals, consents, scheduler.

    Everything is read as plain rows, which is what makes a batch cheap: no identity map, no
    relationship loading. The caller loads the ORM Draft of the few posts it holds.
    """
    drafts = [DraftRow(*r) for r in s.execute(
        select(Draft.id, Draft.state, Draft.current_revision, Draft.channels, Draft.release_at,
               Draft.release_claimed_until, Draft.scheduled_by_id, Draft.release_claim)
        .where(Draft.id.in_(ids)).order_by(Draft.id).with_for_update(of=Draft))]
    found = {d.id: Candidate(d) for d in drafts}
    current = and_(Draft.id == Revision.draft_id, Draft.current_revision == Revision.number)
    for draft_id, *rev in s.execute(select(Revision.draft_id, Revision.number, Revision.body, Revision.attachments)
                                    .join(Draft, current).where(Draft.id.in_(ids))):
        found[draft_id].revision = RevisionRow(*rev)
    standing = and_(Draft.id == Decision.draft_id, Draft.current_revision == Decision.revision_number)
    for draft_id, *approval in s.execute(
            select(Decision.draft_id, Decision.stage, Decision.user_id, User.name, Decision.created_at, Decision.via)
            .join(Draft, standing).join(User, User.id == Decision.user_id)
            .where(Draft.id.in_(ids), Decision.decision == "approve", Decision.voided.is_(False))
            .order_by(Decision.id)):
        found[draft_id].approvals.append(Approval(*approval))
    for draft_id, info in _consents(s, ids):
        found[draft_id].consents.append(info)
    people = {d.scheduled_by_id for d in drafts if d.scheduled_by_id}
    schedulers = {u.id: u for u in s.scalars(select(User).where(User.id.in_(people))
                                             .execution_options(populate_existing=True))}
    for c in found.values():
        c.scheduler = schedulers.get(c.draft.scheduled_by_id)
    return found


def _consents(s: Session, ids: list[int]) -> list[tuple[int, ConsentInfo]]:
    rows = s.execute(select(draft_consents.c.draft_id, Consent.id, Consent.subject_name, Consent.covers,
                            Consent.channels, Consent.valid_from, Consent.valid_until, Consent.revoked_at)
                     .join(Consent, draft_consents.c.consent_id == Consent.id)
                     .where(draft_consents.c.draft_id.in_(ids)).order_by(Consent.id)).all()
    return [(r.draft_id, ConsentInfo(r.id, r.subject_name, frozenset(r.covers), frozenset(r.channels or ()),
                                     r.valid_from, r.valid_until, r.revoked_at is not None)) for r in rows]


def load_rules(s: Session, settings, ids: list[int]) -> Rules:
    # One query puts every setting row the checks read into the session: the lookups below find them there.
    s.scalars(select(Setting).where(Setting.key.in_(SETTING_KEYS)).execution_options(populate_existing=True)).all()
    held = s.scalars(select(ReleaseHold.draft_id).where(ReleaseHold.draft_id.in_(ids), ReleaseHold.kind == "draft",
                                                        ReleaseHold.lifted_at.is_(None)))
    return Rules(frozenset(held), hold_rules(s), load_policy(s, settings.policy_file),
                 int(release_rules(s)["approval_max_age_days"]))


def hold_reason(c: Candidate, rules: Rules, now: datetime) -> tuple[str | None, int | None]:
    """Why this post must be held instead of released now (reason, targeted hold id), or (None, None)."""
    draft = c.draft
    if draft.id in rules.held_ids:
        return "The post was put on hold.", None
    if c.revision is None:
        return f"Revision {draft.current_revision} of the post is missing.", None
    for rule in S.matching_holds(rules.holds, c.revision.body, draft.channels):
        return f"Held by the hold on {rule.describe()}.", rule.id
    if c.scheduler is None or not c.scheduler.active or not c.scheduler.has(R.COMMS):
        return "The person who scheduled it no longer holds the comms role; a comms lead must reschedule it.", None
    if {a.stage for a in c.approvals} != STAGE_NAMES:
        return f"The approvals no longer stand on revision {draft.current_revision}.", None
    if S.approvals_expired(min(a.created_at for a in c.approvals), now, rules.max_age_days):
        return f"The approvals are older than {rules.max_age_days} days; approve it again before release.", None
    return content_reason(c, rules.policy, now), None


def content_reason(c: Candidate, policy: checks.Policy, now: datetime) -> str | None:
    """Why today's policy and consent records block the post, or None."""
    lapsed = [x for x in c.consents if x.revoked or (x.valid_until is not None and x.valid_until < now)]
    if lapsed:
        return f"Consent record #{lapsed[0].id} was revoked or has expired."
    rev = c.revision
    atts = [AttachmentInfo(a["id"], a["content_type"], a.get("alt_text", ""), a.get("name", ""))
            for a in rev.attachments]
    found = [f.to_dict() for f in checks.run_all(rev.body, c.draft.channels, atts, c.consents, policy, now=now)]
    blocks = [f for f in found if f.get("severity") == "block"]
    if blocks:
        kinds = ", ".join(sorted({f"{f['check']}/{f.get('category', '')}".rstrip("/") for f in blocks}))
        return f"The checks with today's policy and consent records now block it ({kinds})."
    return None
