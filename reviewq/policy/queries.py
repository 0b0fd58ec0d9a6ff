"""Reading the check policy: the stored overrides, what is in force, its versions and their differences."""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewq.checks import default_policy
from reviewq.core.errors import NotFoundError
from reviewq.drafts.checking import POLICY_KEY, load_policy
from reviewq.models import SettingVersion, User
from reviewq.stored_settings import get_setting

REVIEW_INTERVAL = timedelta(days=365)


def policy_overrides(session: Session) -> dict:
    return dict(get_setting(session, POLICY_KEY) or {})


def default_policy_json() -> str:
    return json.dumps(asdict(default_policy()), indent=2, sort_keys=True, default=sorted)


def effective_summary(session: Session, policy_file: Path | None) -> dict:
    """What submission checks with today: defaults, the policy file, then the admins' overrides."""
    p = load_policy(session, policy_file)
    return {"channel limits": p.channel_limits, "authoritative domains": len(p.authoritative_domains),
            "organisation names": len(p.org_names), "disabled checks": sorted(p.disabled_checks)}


def versions(session: Session, key: str = POLICY_KEY, limit: int = 200) -> list[dict]:
    """The versions of `key`, newest first, with who made each."""
    rows = session.execute(select(SettingVersion, User.name).outerjoin(User, User.id == SettingVersion.created_by_id)
                           .where(SettingVersion.key == key).order_by(SettingVersion.id.desc()).limit(limit)).all()
    return [{"id": v.id, "kind": v.kind, "reason": v.reason, "at": v.created_at, "by": name or "command line",
             "keys": sorted(v.value or {})} for v, name in rows]


def version(session: Session, version_id: int, key: str = POLICY_KEY) -> SettingVersion:
    row = session.get(SettingVersion, version_id)
    if row is None or row.key != key:
        raise NotFoundError(f"There is no policy version {version_id}.")
    return row


def diff_versions(old: dict, new: dict) -> list[dict]:
    """Per key: what it was and what it became, readable (lists as added/removed items)."""
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        row = {"key": key, "before": _show(a), "after": _show(b), "added": [], "removed": []}
        if isinstance(a, (list, type(None))) and isinstance(b, (list, type(None))):
            row["added"] = [x for x in (b or []) if x not in (a or [])]
            row["removed"] = [x for x in (a or []) if x not in (b or [])]
        elif isinstance(a, (dict, type(None))) and isinstance(b, (dict, type(None))):
            a, b = a or {}, b or {}
            row["added"] = [f"{k}: {_show(b[k])}" for k in sorted(b) if a.get(k) != b[k]]
            row["removed"] = [f"{k}: {_show(a[k])}" for k in sorted(a) if k not in b]
        out.append(row)
    return out


def _show(value) -> str:
    if value is None:
        return "(default)"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(empty)"
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if isinstance(value, dict) else str(value)


def last_reviewed(session: Session, key: str = POLICY_KEY) -> datetime | None:
    """When an admin last changed or reviewed `key` (None: never)."""
    return session.execute(select(SettingVersion.created_at).where(SettingVersion.key == key)
                           .order_by(SettingVersion.id.desc()).limit(1)).scalar()


def review_overdue(session: Session, now: datetime, key: str = POLICY_KEY) -> bool:
    """True when the policy has not been changed or reviewed for 12 months (or ever)."""
    at = last_reviewed(session, key)
    return at is None or now - at > REVIEW_INTERVAL


def review_stale(session: Session, now: datetime, key: str = POLICY_KEY) -> bool:
    """True when a version exists and the newest is over 12 months old (the site-wide banner; a fresh
    install with no version yet is not nagged on every page, the policy page says "never reviewed")."""
    at = last_reviewed(session, key)
    return at is not None and now - at > REVIEW_INTERVAL
