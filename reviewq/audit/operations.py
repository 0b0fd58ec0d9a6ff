"""The one write the audit pages make: recording that someone downloaded the log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.audit.queries import AuditFilter
from reviewq.core.errors import PermissionDeniedError
from reviewq.core.permissions import can_read_audit


def record_export(session: Session, user, f: AuditFilter, *, now: datetime) -> None:
    """Audit a CSV download of the filtered log (event `audit.export`), in the caller's transaction."""
    if not can_read_audit(user.actor()):
        raise PermissionDeniedError("Only auditors and administrators can read the audit log.")
    signals.audit_exported.send(None, session=session, actor=user, now=now, filter=f.describe())
