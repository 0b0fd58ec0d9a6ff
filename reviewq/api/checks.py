"""POST /api/v1/scan: the automated checks on a text, nothing saved."""
from __future__ import annotations

from flask import current_app

from reviewq import checks
from reviewq.api import bp, ok
from reviewq.api import schemas as S
from reviewq.api.spec import operation
from reviewq.clock import now_utc
from reviewq.drafts.checking import load_policy
from reviewq.extensions import db


@operation(bp, "/scan", "POST", summary="Check a text without saving anything", tag="checks", body=S.SCAN_IN,
           responses={200: {"description": "the findings", "schema": S.FINDINGS_OUT}})
def scan(data):
    """The same checks and policy as submission, minus consents and attachments (nothing is linked yet)."""
    policy = load_policy(db.session, current_app.config["REVIEWQ"].policy_file)
    found = checks.run_all(data["text"], data.get("channels") or [], policy=policy, now=now_utc())
    return ok({"findings": [f.to_dict() for f in found]})
