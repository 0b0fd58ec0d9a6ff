"""Delivering the outbox: claim due rows of one kind, let their Handler send them, record each outcome.

Owns the order of the three short transactions (claim; prepare one row; record
its outcome) and that no transaction is open during the network call. What a
kind of message means and how it is sent belongs to a Handler (e.g.
reviewq.integrations.slack.dispatch); the rows themselves are
reviewq.outbox.queue's.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from reviewq.models import OutboxMessage
from reviewq.outbox.queue import OUTCOMES, Outcome, Retry, claim_due, finish

log = logging.getLogger("reviewq.outbox")


class Handler(Protocol):
    kind_prefix: str

    def prepare(self, session: Session, msg: OutboxMessage) -> Any:
        """Read what the call needs (inside a short transaction); may return an Outcome instead."""

    def send(self, prepared: Any) -> Outcome:
        """Make the network call(s); no database access here."""

    def record(self, session: Session, msg: OutboxMessage, prepared: Any, result: dict) -> None:
        """Write what the call produced, in the transaction that marks the row sent."""


def deliver_due(db, handler: Handler, now: datetime, *, limit: int = 50) -> int:
    """Claim, send and record every due message of the handler's kind; returns how many were handled."""
    with db.transaction() as s:
        ids, until = claim_due(s, handler.kind_prefix, now, limit=limit)
    handled = 0
    for msg_id in ids:
        prepared = outcome = None
        try:
            with db.transaction() as s:
                prepared = handler.prepare(s, s.get(OutboxMessage, msg_id))
            outcome = prepared if isinstance(prepared, OUTCOMES) else handler.send(prepared)
        except Exception as e:  # a bug or a vanished row must not stop the rest of the batch
            log.error("outbox message %s: %s while delivering", msg_id, type(e).__name__)
            outcome = Retry(f"internal error ({type(e).__name__})")
        with db.transaction() as s:
            handled += finish(s, msg_id, until, outcome, now, handler, prepared)
    return handled
