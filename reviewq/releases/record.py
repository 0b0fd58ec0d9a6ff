"""Recording what the publisher said about one release (or a few), in one short transaction.

Owns the release columns of a post after a publish call (published, or the
masked error and when to retry), the release_attempts log rows, and the
draft_released / release_failed signals (one per post, audited by the
receivers in this same transaction). Fencing: a post's release columns are
written only by an UPDATE that matches the claim's token (Draft.release_claim
= the attempt id, lease not cleared); a worker that lost the lease (another
took it over, or the post was unscheduled) records only its attempt row and
leaves the post to the worker holding it now, which uses the same Idempotency-Key.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from reviewq import signals
from reviewq.core import schedule as S
from reviewq.core.errors import InvalidTransitionError
from reviewq.drafts import transitions as T
from reviewq.models import Draft, ReleaseAttempt
from reviewq.models.audit import appending_in_bulk
from reviewq.publishers import PublishResult
from reviewq.drafts.masking import masking_on

log = logging.getLogger("reviewq.release")
# The first retries, seconds after the 1st, 2nd, 3rd failure; S.backoff's 30 s, 1 min ... 1 h after. With 10 %
# of calls failing at random, 1 % of posts fail twice: they are out 1 + 2 s later, inside a 5 s release lag.
QUICK_RETRIES_SECONDS = (1, 2, 10)
LEASE_LOST = "lease lost before recording: the worker holding it now retries with the same key"
NOT_OURS = object()   # PublishGate's answer when the claim was lost before the call: nothing was sent


def fenced(draft_id: int, attempt_id: int):
    """The WHERE clause of every write by the worker holding claim `attempt_id` on post `draft_id`."""
    return and_(Draft.id == draft_id, Draft.release_claim == attempt_id, Draft.release_claimed_until.is_not(None))


def still_ours(s: Session, draft_id: int, attempt_id: int, now: datetime) -> bool:
    """Whether claim `attempt_id` still holds post `draft_id` (scheduled, lease not run out): read before a POST."""
    return s.scalar(select(Draft.id).where(fenced(draft_id, attempt_id), Draft.release_claimed_until > now,
                                           Draft.state == T.State.SCHEDULED.value)) is not None


def held_claims(s: Session, attempt_ids: list[int], now: datetime) -> set[int]:
    """Which of the claims `attempt_ids` still hold their posts (scheduled, lease not run out)."""
    if not attempt_ids:
        return set()
    return set(s.scalars(select(Draft.release_claim).where(
        Draft.release_claim.in_(attempt_ids), Draft.release_claimed_until.is_not(None),
        Draft.release_claimed_until > now, Draft.state == T.State.SCHEDULED.value)))


def release_backoff(attempts: int) -> timedelta:
    """Wait before retry number `attempts` + 1: 1 s after the first failure, 2 s after the second, 10 s after
    the third, then 30 s, 1 min, 2 min ... 1 h. Most failures are a publisher's passing hiccup: the first
    retries are quick; a publisher that stays down is left alone."""
    if attempts <= len(QUICK_RETRIES_SECONDS):
        return timedelta(seconds=QUICK_RETRIES_SECONDS[max(attempts, 1) - 1])
    return S.backoff(attempts - len(QUICK_RETRIES_SECONDS))


def finish_attempts(s: Session, rows, now: datetime) -> None:
    """Close release_attempts rows: [(attempt_id, outcome, error, publisher_ref)]."""
    bulk_set(s, ReleaseAttempt.__table__, [{"id": a, "outcome": o, "error": e, "publisher_ref": r, "finished_at": now}
                                           for a, o, e, r in rows])


def bulk_set(s: Session, table, rows: list[dict], **always) -> None:
    """UPDATE `table` SET each row's values WHERE id = row["id"]: one executemany per set of columns.

    The statement is the same for every batch, so SQLAlchemy compiles it once; psycopg
    pipelines the rows. (A single statement with a CASE per row costs more to compile
    than it saves.)
    """
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        groups[tuple(sorted(k for k in row if k != "id"))].append(row)
    for cols, items in groups.items():
        stmt = update(table).where(table.c.id == bindparam("b_id")).values(
            **always, **{c: bindparam(f"b_{c}") for c in cols})
        s.execute(stmt, [{"b_id": r["id"], **{f"b_{c}": r[c] for c in cols}} for r in items])


def record_batch(s: Session, outcomes: list, now: datetime, why_not: str | None, *,
                 masking: bool | None = None) -> None:
    """Store [(claim, PublishResult or None when not started)], then send one signal per post.

    The worker calls it with one outcome as soon as that post's answer arrives
    (and once with the posts it did not start). Each post's row is locked, and
    its new values are written by an UPDATE fenced on the claim's token.
    `masking`: whether errors are masked (read once per batch by the worker; default: read here).
    """
    if not outcomes:
        return
    ids = sorted({claim.draft_id for claim, _ in outcomes})
    drafts = {d.id: d for d in s.execute(select(Draft).where(Draft.id.in_(ids)).order_by(Draft.id)
                                         .options(lazyload(Draft.author)).with_for_update(of=Draft)
                                         .execution_options(populate_existing=True)).scalars()}
    on = masking_on(s) if masking is None else masking
    attempts, changes, events = [], [], []
    for claim, result in outcomes:
        draft = drafts.get(claim.draft_id)
        attempt, values, event = _settle(draft, claim, result, now, on, why_not)
        attempts.append(attempt)
        if values:
            changes.append((draft, claim.attempt_id, values))
        if event is not None:
            events.append(event)
    update_fenced(s, changes)
    finish_attempts(s, attempts, now)
    with appending_in_bulk(s):  # one audit row per post, chained and written in one INSERT
        for signal, draft, kwargs in events:
            signal.send(draft, session=s, now=now, **kwargs)


class FenceBroken(RuntimeError):
    """A fenced UPDATE matched fewer rows than the locked rows said it would: nothing is recorded."""


def update_fenced(s: Session, changes: list[tuple[Draft, int, dict]]) -> None:
    """Write [(draft, attempt_id, {column: value})], each row only while claim `attempt_id` holds it.

    The rows are locked and were checked to be ours; the token is checked again in
    the UPDATE itself (`WHERE id = … AND release_claim = …`). Plain Core UPDATEs,
    one executemany per set of columns (compiled once), instead of the ORM's one
    statement per versioned row; the objects get the same values (and version) so
    the signals see the new state. Should a row not match after all, the whole
    transaction is refused: the posts stay claimed and are retried with the same key.
    """
    t = Draft.__table__
    groups: dict[tuple, list] = defaultdict(list)
    for draft, attempt_id, values in changes:
        groups[tuple(sorted(values))].append((draft, attempt_id, values))
    for cols, items in groups.items():
        stmt = (update(t).where(t.c.id == bindparam("b_id"), t.c.release_claim == bindparam("b_token"),
                                t.c.release_claimed_until.is_not(None))
                .values(version=t.c.version + 1, **{c: bindparam(f"b_{c}") for c in cols}))
        done = s.execute(stmt, [{"b_id": d.id, "b_token": a, **{f"b_{c}": v[c] for c in cols}}
                                for d, a, v in items]).rowcount
        if done != len(items):
            raise FenceBroken(f"{len(items) - done} of {len(items)} claimed posts were taken over while recording")
    for draft, _, values in changes:
        for c, v in {**values, "version": draft.version + 1}.items():
            set_committed_value(draft, c, v)


def _settle(draft: Draft | None, claim, result: PublishResult | None, now: datetime, masking: bool,
            why_not: str | None) -> tuple[tuple, dict, tuple | None]:
    """One post's attempt row, its draft's new values (only while the lease is ours), the signal to send."""
    if draft is None or draft.release_claim != claim.attempt_id or draft.release_claimed_until is None:
        if result is not None and result.ok:
            log.warning("draft %s published after its lease was lost; not recorded by this worker", claim.draft_id)
            return (claim.attempt_id, "published", LEASE_LOST, result.ref), {}, None
        return (claim.attempt_id, "failed", why_not if result is None else LEASE_LOST, None), {}, None
    unclaim = {"release_claimed_until": None, "release_claim": None}
    if result is None:
        return (claim.attempt_id, "held" if why_not == "crisis freeze" else "failed", why_not, None), unclaim, None
    if draft.state == T.State.PUBLISHED.value:
        return (claim.attempt_id, "published" if result.ok else "failed", result.error, result.ref), unclaim, None
    if result.ok:
        values = {**unclaim, **T.values_for(draft, _release(draft), now), "publisher_ref": result.ref,
                  "release_error": None, "next_attempt_at": None}
        return (claim.attempt_id, "published", None, result.ref), values, \
            (signals.draft_released, draft, {"publisher_ref": result.ref})
    if draft.state != T.State.SCHEDULED.value:
        return (claim.attempt_id, "failed", "unscheduled while publishing", None), unclaim, None
    error = mask_error(result.error or "unknown error", draft, on=masking)
    attempts = draft.release_attempts + 1
    values = {**unclaim, "release_attempts": attempts, "release_error": error,
              "next_attempt_at": now + release_backoff(attempts)}
    # The audit row and Slack get the summary only: a publisher may echo the post text back.
    return (claim.attempt_id, "failed", error, None), values, \
        (signals.release_failed, draft, {"error": error.split(":")[0][:200], "attempts": attempts})


def _release(draft: Draft) -> T.Transition:
    """RELEASE as the workflow decides it; a post that left `scheduled` during the call is out all the same."""
    try:
        return T.release_transition(draft)
    except InvalidTransitionError:
        # The post is out: that is the truth even if someone withdrew it during the call.
        return T.Transition(T.Action.RELEASE, T.State(draft.state), T.State.PUBLISHED, audit_action="draft.release")


def mask_error(error: str, draft: Draft, *, on: bool) -> str:
    """`error` with PHI blacked out: the post's fragments wherever the publisher quoted them, and
    whatever the PHI check finds in the error text itself (reviewq.drafts.masking)."""
    if not on:
        return error
    from reviewq.drafts.masking import mask_text, post_fragments
    return mask_text(error, fragments=post_fragments(draft))
