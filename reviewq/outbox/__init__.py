"""The delivery queue: messages enqueued in the transaction of the change that caused them, delivered
by the worker after commit, retried with backoff, each marked sent exactly once.

queue.py owns the rows (enqueue, claim, finish), delivery.py the worker's pass
over one kind of message (deliver_due with a Handler), operations.py what admins
do (retry_message). Where released posts go is reviewq.publishers, not this.
"""
from __future__ import annotations

from reviewq.outbox.delivery import Handler, deliver_due
from reviewq.outbox.operations import retry_message
from reviewq.outbox.queue import (BASE_DELAY, LEASE, MAX_ATTEMPTS, MAX_DELAY, MAX_RETRY_AFTER, OUTCOMES, Cancelled,
                                  Failed, Outcome, Retry, Sent, backoff, claim_due, enqueue, finish)

__all__ = ["BASE_DELAY", "LEASE", "MAX_ATTEMPTS", "MAX_DELAY", "MAX_RETRY_AFTER", "OUTCOMES", "Cancelled", "Failed",
           "Handler", "Outcome", "Retry", "Sent", "backoff", "claim_due", "deliver_due", "enqueue", "finish",
           "retry_message"]
