"""GET /api/v1/queue: the drafts waiting for a decision the token's user can make."""
from __future__ import annotations

from reviewq.api import bp, current, ok
from reviewq.api import schemas as S
from reviewq.api import serialize as out
from reviewq.api.spec import operation
from reviewq.extensions import db
from reviewq.review.queries import approver_queue, stage_counts


@operation(bp, "/queue", "GET", summary="Drafts waiting for a decision you can make, oldest first",
           tag="workflow", errors=(403,), responses={200: {"description": "your queue", "schema": S.QUEUE_OUT}})
def queue():
    """Reviewers, legal and comms; 403 for everyone else."""
    rows = out.preload(db.session, approver_queue(db.session, current()))
    return ok({"drafts": [out.draft_summary(d) for d in rows], "counts": stage_counts(db.session)})
