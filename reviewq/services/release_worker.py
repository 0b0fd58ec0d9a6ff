"""The release worker job: claim due posts, re-check them, publish each exactly once.

Three short transactions per post and no transaction open during the network
call: (1) claim a batch with a lease (FOR UPDATE SKIP LOCKED on PostgreSQL;
SQLite serialises writers with BEGIN IMMEDIATE), commit; (2) re-check the post
(freeze, holds, scheduler still comms, approvals standing and fresh, checks
with today's policy and consents) and build the payload; (3) after publishing,
record the outcome. A worker killed between (1) and (3) leaves a lease that
expires; the next worker retries with the same Idempotency-Key, so a publisher
that honours the key shows one post. Never called from a request.
"""
from __future__ import annotations

import logging
import os
import socket
import time
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, insert, or_, select, update
from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.core import roles as R
from reviewq.core import schedule as S
from reviewq.core import workflow as wf
from reviewq.models import Draft, ReleaseAttempt, ReleaseHold, User
from reviewq.publishers import PublishResult, publisher_for
from reviewq.publishers.payload import build_payload
from reviewq.services.freeze import draft_holds, hold_draft, hold_rules
from reviewq.services.masking import masking_on
from reviewq.services.settings import freeze_state, release_settings

log = logging.getLogger("reviewq.release")
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


def release_due(app, now: datetime) -> int:
    """Release every due post; return how many were handled (published, failed or held)."""
    from reviewq.extensions import db
    settings = app.config["REVIEWQ"]
    started = time.monotonic()

    def clock() -> datetime:  # `now` moves on with real time during a long pass
        return now + timedelta(seconds=time.monotonic() - started)

    with db.transaction() as s:
        rules = release_settings(s)
    publisher = publisher_for(settings, float(rules["webhook_timeout_seconds"]))
    handled = 0
    while True:
        claims = claim_due(db, clock(), rules)
        if not claims:
            return handled
        for claim in claims:
            handled += release_one(db, settings, publisher, claim, clock)


def claim_due(db, now: datetime, rules: dict) -> list[tuple]:
    """Lease up to `batch` due posts to this worker; [(draft_id, key, lease_until)]. Empty when frozen."""
    lease_until = now + timedelta(seconds=float(rules["lease_seconds"]))
    with db.transaction() as s:
        if freeze_state(s):
            return []
        q = (select(Draft.id, Draft.current_revision, Draft.release_at)
             .where(Draft.state == wf.State.SCHEDULED.value, Draft.release_at <= now,
                    or_(Draft.next_attempt_at.is_(None), Draft.next_attempt_at <= now),
                    or_(Draft.release_claimed_until.is_(None), Draft.release_claimed_until < now),
                    ~exists().where(and_(ReleaseHold.draft_id == Draft.id, ReleaseHold.kind == "draft",
                                         ReleaseHold.lifted_at.is_(None))))
             .order_by(Draft.release_at, Draft.id).limit(int(rules["batch"])))
        if db.is_postgres:
            q = q.with_for_update(skip_locked=True, of=Draft)
        rows = s.execute(q).all()
        if not rows:
            return []
        s.execute(update(Draft).where(Draft.id.in_([r.id for r in rows]))
                  .values(release_claimed_until=lease_until, version=Draft.version + 1)
                  .execution_options(synchronize_session=False))
        claims = [(r.id, S.idempotency_key(r.id, r.current_revision, r.release_at), lease_until) for r in rows]
        s.execute(insert(ReleaseAttempt), [
            {"draft_id": r.id, "revision": r.current_revision, "idempotency_key": key, "release_at": r.release_at,
             "worker": WORKER_ID, "started_at": now, "outcome": "claimed"} for r, (_, key, _) in zip(rows, claims)])
    return claims


def release_one(db, settings, publisher, claim: tuple, clock) -> int:
    draft_id, key, lease_until = claim
    try:
        # The session keeps objects across commits (expire_on_commit=False); roles, holds and
        # consents may have changed since, and a stale read here would release what must be held.
        db.session.expire_all()
        with db.transaction() as s:
            payload = prepare(s, settings, draft_id, key, lease_until, clock())
        if payload is None:
            return 1
        result = publisher.publish(payload, key)
    except Exception as e:  # one broken post must not stop the pass; its lease expires and it is retried
        log.error("release of draft %s failed before publishing: %s", draft_id, type(e).__name__)
        return 0
    with db.transaction() as s:
        record(s, draft_id, key, result, clock())
    return 1


def _ours(s: Session, draft_id: int, lease_until: datetime) -> Draft | None:
    draft = s.execute(select(Draft).where(Draft.id == draft_id).with_for_update(of=Draft)
                      .execution_options(populate_existing=True)).unique().scalar_one_or_none()
    if draft is None or draft.state != wf.State.SCHEDULED.value or draft.release_claimed_until != lease_until:
        return None  # unscheduled meanwhile, or our lease ran out and another worker took it over
    return draft


def prepare(s: Session, settings, draft_id: int, key: str, lease_until: datetime, now: datetime) -> dict | None:
    """The payload to publish, or None when the post must not go out now (held, frozen or not ours)."""
    draft = _ours(s, draft_id, lease_until)
    if draft is None:
        return None
    if freeze_state(s):  # frozen after the claim: leave it for whoever lifts the freeze
        draft.release_claimed_until = None
        _attempt(s, key, "held", now, error="crisis freeze")
        return None
    reason, source = recheck(s, settings, draft, now)
    if reason:
        draft.release_claimed_until = None
        hold_draft(s, draft, reason=reason, now=now, source_hold_id=source)
        _attempt(s, key, "held", now, error=reason)
        return None
    return build_payload(draft, draft.revision, channels=draft.channels, approvals=draft.standing_approvals(),
                         base_url=settings.base_url, secret=settings.secret_key, now=now)


def recheck(s: Session, settings, draft: Draft, now: datetime) -> tuple[str | None, int | None]:
    """Why this post must be held instead of released now (reason, targeted hold id), or (None, None)."""
    if draft_holds(s, draft.id):
        return "The post was put on hold.", None
    for rule in S.matching_holds(hold_rules(s), draft.body, draft.channels):
        return f"Held by the hold on {rule.describe()}.", rule.id
    scheduler = s.get(User, draft.scheduled_by_id) if draft.scheduled_by_id else None
    if scheduler is None or not scheduler.active or not scheduler.has(R.COMMS):
        return "The person who scheduled it no longer holds the comms role; a comms lead must reschedule it.", None
    approvals = draft.standing_approvals()
    if {a.stage for a in approvals} != {st.name for st in wf.STAGES}:
        return f"The approvals no longer stand on revision {draft.current_revision}.", None
    max_age = int(release_settings(s)["approval_max_age_days"])
    if S.approvals_expired(min(a.created_at for a in approvals), now, max_age):
        return f"The approvals are older than {max_age} days; approve it again before release.", None
    return _recheck_content(s, settings, draft, now), None


def _recheck_content(s: Session, settings, draft: Draft, now: datetime) -> str | None:
    from reviewq import checks
    from reviewq.checks import AttachmentInfo
    from reviewq.services.checking import consents_of, load_policy
    consents = consents_of(s, draft)
    lapsed = [c for c in consents if c.revoked or (c.valid_until is not None and c.valid_until < now)]
    if lapsed:
        return f"Consent record #{lapsed[0].id} was revoked or has expired."
    rev = draft.revision
    atts = [AttachmentInfo(a["id"], a["content_type"], a.get("alt_text", ""), a.get("name", ""))
            for a in rev.attachments]
    found = checks.run_all(rev.body, draft.channels, atts, consents, load_policy(s, settings.policy_file), now=now)
    blocks = [f.to_dict() for f in found if f.to_dict().get("severity") == "block"]
    if blocks:
        kinds = ", ".join(sorted({f"{f['check']}/{f.get('category', '')}".rstrip("/") for f in blocks}))
        return f"The checks with today's policy and consent records now block it ({kinds})."
    return None


def record(s: Session, draft_id: int, key: str, result: PublishResult, now: datetime) -> None:
    """Store what the publisher said: published, or the masked error and when to retry."""
    draft = s.execute(select(Draft).where(Draft.id == draft_id).with_for_update(of=Draft)
                      .execution_options(populate_existing=True)).unique().scalar_one()
    draft.release_claimed_until = None
    if draft.state == wf.State.PUBLISHED.value:  # a worker whose lease we outlived recorded it already
        _attempt(s, key, "published" if result.ok else "failed", now, ref=result.ref, error=result.error)
        return
    if result.ok:
        # The post is out: that is the truth even if someone unscheduled it during the call.
        draft.state, draft.published_at, draft.publisher_ref = wf.State.PUBLISHED.value, now, result.ref
        draft.release_error, draft.next_attempt_at = None, None
        _attempt(s, key, "published", now, ref=result.ref)
        s.flush()
        signals.draft_released.send(draft, session=s, now=now, publisher_ref=result.ref)
        return
    if draft.state != wf.State.SCHEDULED.value:
        _attempt(s, key, "failed", now, error="unscheduled while publishing")
        return
    error = mask_error(result.error or "unknown error", draft, on=masking_on(s))
    draft.release_attempts += 1
    draft.release_error = error
    draft.next_attempt_at = now + S.backoff(draft.release_attempts)
    _attempt(s, key, "failed", now, error=error)
    s.flush()
    # The audit row and Slack get the summary only: a publisher may echo the post text back.
    signals.release_failed.send(draft, session=s, now=now, error=error.split(":")[0][:200],
                                attempts=draft.release_attempts)


def mask_error(error: str, draft: Draft, *, on: bool) -> str:
    """`error` with every PHI fragment of the post blacked out wherever the publisher quoted it."""
    rev = draft.revision
    if not on or rev is None:
        return error
    frags = {rev.body[f["start"]:f["end"]] for f in rev.findings or []
             if f.get("check") == "phi" and isinstance(f.get("start"), int) and isinstance(f.get("end"), int)}
    for frag in sorted((f for f in frags if len(f.strip()) > 1), key=len, reverse=True):
        error = error.replace(frag, "\u2588" * len(frag))
    return error


def _attempt(s: Session, key: str, outcome: str, now: datetime, *, error=None, ref=None) -> None:
    row = s.scalars(select(ReleaseAttempt).where(ReleaseAttempt.idempotency_key == key,
                                                 ReleaseAttempt.worker == WORKER_ID,
                                                 ReleaseAttempt.outcome == "claimed")
                    .order_by(ReleaseAttempt.id.desc()).limit(1)).first()
    if row is not None:
        row.outcome, row.finished_at, row.error, row.publisher_ref = outcome, now, error, ref
