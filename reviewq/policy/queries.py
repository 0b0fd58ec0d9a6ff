"""Reading the check policy for the admin page: the stored overrides and what is in force."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from sqlalchemy.orm import Session

from reviewq.checks import default_policy
from reviewq.drafts.checking import POLICY_KEY, load_policy
from reviewq.stored_settings import get_setting


def policy_overrides(session: Session) -> dict:
    return dict(get_setting(session, POLICY_KEY) or {})


def default_policy_json() -> str:
    return json.dumps(asdict(default_policy()), indent=2, sort_keys=True, default=sorted)


def effective_summary(session: Session, policy_file: Path | None) -> dict:
    """What submission checks with today: defaults, the policy file, then the admins' overrides."""
    p = load_policy(session, policy_file)
    return {"channel limits": p.channel_limits, "authoritative domains": len(p.authoritative_domains),
            "organisation names": len(p.org_names), "disabled checks": sorted(p.disabled_checks)}
