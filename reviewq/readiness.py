"""Is this host ready to serve users? The checks behind GET /readyz (reviewq.web.health).

Each check answers ok/failed (or "behind" for migrations) and never says why to the
caller: the exception's class alone is logged, no message, path or version.
"""
from __future__ import annotations

import logging

from sqlalchemy import text

log = logging.getLogger("reviewq.health")


def readiness(db, upload_dir) -> dict[str, str]:
    """{"database", "migrations", "storage"} -> "ok" | "failed" | "behind" | "unknown"."""
    from reviewq.migrate import is_current
    from reviewq.storage import check_writable
    checks = {"database": "failed", "migrations": "unknown", "storage": "failed"}
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
        checks["migrations"] = "ok" if is_current(db.engine) else "behind"
    except Exception as e:  # any driver error means "not ready"; the class alone is logged
        log.warning("readiness: database check failed: %s", type(e).__name__)
    checks["storage"] = "ok" if check_writable(upload_dir) else "failed"
    return checks
