"""What a revoked (or expired) consent does at once to the posts relying on it.

pull_back_posts runs inside the revoking operation's transaction: every post linked to the consent
that waits for a decision, is approved or is scheduled goes back to its author through the system's
PULL_BACK transition (reviewq.drafts.transitions: the one writer of state; approvals are voided, the
post leaves the calendar); every published one gets a takedown task for comms. It sends
draft_pulled_back per post; the caller sends the consent's own signal. It decides nobody's
permission: its callers (revoke_consent, the expiry job) have done that.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.core import roles as R
from reviewq.core import workflow as wf
from reviewq.drafts import transitions as T
from reviewq.drafts.queries import lock_draft
from reviewq.models import Consent, ConsentTask

PULLABLE = frozenset({*wf.PENDING_STATES, wf.State.APPROVED, wf.State.SCHEDULED})
TAKEDOWN_WITHIN = timedelta(hours=24)


def pull_back_posts(session: Session, actor, consent: Consent, *, now: datetime,
                    why: str) -> tuple[list, list[ConsentTask]]:
    """([drafts pulled back], [takedown tasks opened]) for every post relying on `consent`."""
    from reviewq.consents.queries import relying_drafts
    pulled, takedowns = [], []
    for draft_id in relying_drafts(session, consent.id):
        draft = lock_draft(session, draft_id)
        if draft.state_enum in PULLABLE:
            from_state = draft.state
            T.apply(draft, T.pull_back_transition(draft), now)
            draft.release_error, draft.release_attempts, draft.next_attempt_at = None, 0, None
            draft.release_claimed_until = draft.release_claim = None
            draft.channels = list(draft.revision.channels) if draft.revision else draft.channels
            session.flush()
            signals.draft_pulled_back.send(draft, session=session, actor=actor, now=now, from_state=from_state,
                                           consent=consent, reason=why)
            pulled.append(draft)
        elif draft.state_enum == wf.State.PUBLISHED:
            task = ConsentTask(kind="takedown", draft_id=draft.id, consent_id=consent.id,
                               channels=list(draft.channels or ()), published_at=draft.published_at,
                               assigned_role=R.COMMS, due_at=now + TAKEDOWN_WITHIN, note=why,
                               created_by_id=getattr(actor, "id", None), created_at=now)
            session.add(task)
            session.flush()
            signals.consent_task_changed.send(task, session=session, actor=actor, now=now, change="opened")
            takedowns.append(task)
    return pulled, takedowns
