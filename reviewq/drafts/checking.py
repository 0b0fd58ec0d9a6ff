"""Running the automated checks on a revision with the organisation's current policy."""
from __future__ import annotations

import json
import os
import threading
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewq import checks
from reviewq.checks import AttachmentInfo, ConsentInfo
from reviewq.checks.consent import faces_under_consent
from reviewq.consents.queries import face_links
from reviewq.core.errors import ValidationError
from reviewq.models import Consent, Draft, Revision, draft_consents
from reviewq.stored_settings import cache_generation, current_version, get_setting, settings_version, wrote_settings_here

POLICY_KEY = "policy"


_policies: dict[tuple, checks.Policy] = {}
_policies_lock = threading.Lock()


def load_policy(session: Session | None, policy_file: Path | None = None) -> checks.Policy:
    """Defaults, then the policy file, then the overrides an admin saved in the database.

    Built once per process for each (file contents, stored settings version): a
    request pays for the version probe only (reviewq.stored_settings caches it).
    """
    file_key = None
    if policy_file is not None:
        try:
            st = os.stat(policy_file)
        except OSError as e:
            raise ValidationError(f"policy file {policy_file}: {e}")
        file_key = (str(policy_file), st.st_mtime_ns, st.st_size)
    key = None
    if session is None:
        key = (file_key, None, None)
    elif not wrote_settings_here(session):
        key = (file_key, str(session.get_bind().engine.url), settings_version(session), cache_generation())
    with _policies_lock:
        hit = _policies.get(key) if key is not None else None
    if hit is not None:
        return hit
    policy = _build_policy(session, policy_file)
    if key is not None:
        with _policies_lock:
            if len(_policies) > 32:
                _policies.clear()
            _policies[key] = policy
    return policy


def _build_policy(session: Session | None, policy_file: Path | None) -> checks.Policy:
    data: dict = {}
    if policy_file is not None:
        try:
            data.update(json.loads(Path(policy_file).read_text()))
        except (OSError, ValueError) as e:
            raise ValidationError(f"policy file {policy_file}: {e}")
    if session is not None:
        value = get_setting(session, POLICY_KEY)
        if value is not None:
            data.update(value)
    return checks.Policy.from_mapping(data) if data else checks.default_policy()


def consents_of(session: Session, draft: Draft) -> list[ConsentInfo]:
    rows = session.execute(select(Consent).join(draft_consents, draft_consents.c.consent_id == Consent.id)
                           .where(draft_consents.c.draft_id == draft.id)).scalars().all()
    return [ConsentInfo(c.id, c.subject_name, frozenset(c.covers), frozenset(c.channels or ()),
                        c.valid_from, c.valid_until, c.revoked_at is not None) for c in rows]


def check_revision(session: Session, draft: Draft, revision: Revision, now: datetime,
                   policy: checks.Policy) -> list[dict]:
    """Run every check on `revision` and store the findings on it."""
    atts = [AttachmentInfo(a["id"], a["content_type"], a.get("alt_text", ""), a.get("name", ""))
            for a in revision.attachments]
    consents = consents_of(session, draft)
    findings = [f.to_dict() for f in checks.run_all(revision.body, revision.channels, atts, consents, policy,
                                                    now=now)]
    by_id = {a.id: a for a in draft.attachments}
    scanned = []
    for a in revision.attachments:
        stored = by_id.get(a["id"])
        if stored is None:
            continue
        if stored.scanned_at is None:
            findings.append(checks.Finding(
                "attachment", "other_id", "block", None, None, "", "This attachment is still being checked.",
                "attachment.unscanned", fix="Submit again in a few seconds.", attachment_id=stored.id).to_dict())
        scanned.extend(stored.scan_findings or [])
    findings.extend(faces_under_consent(scanned, consents, face_links(session, draft), revision.channels, now))
    revision.findings = findings
    revision.checked_at = now
    revision.policy_version = current_version(session, POLICY_KEY) or None
    return findings


def blocking(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f.get("severity") == "block"]


def needing_justification(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f.get("severity") == "warn"]


MAX_LIVE_TEXT = 63206


def live_key(finding: dict) -> str:
    """A finding's identity while the author types: offsets move, the check and matched text do not."""
    return f"{finding.get('check')}:{finding.get('category')}:{finding.get('text', '')}"


def live_findings(text: str, channels: list[str], policy: checks.Policy, now: datetime) -> list[dict]:
    """The text checks on unsaved text (the editor's live checks); each finding gains `live_key`."""
    from reviewq.core.roles import CHANNELS
    if len(text) > MAX_LIVE_TEXT or "\x00" in text:
        raise ValidationError("The text is too long or contains a NUL character.", {"body": "invalid"})
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise ValidationError(f"Unknown channel {unknown[0][:40]!r}.", {"channels": "unknown"})
    found = [f.to_dict() for f in checks.run_all(text, list(dict.fromkeys(channels)), policy=policy, now=now)]
    return [{**f, "live_key": live_key(f)} for f in found]
