"""Writes one audit event for every signal, in the sender's transaction.

No post text or finding text is written: revisions are identified by number
and content hash. A failure here fails the action that sent the signal.
"""
from __future__ import annotations

from reviewq import signals
from reviewq.models.audit import append_event


def _actor_id(actor):
    return getattr(actor, "id", None)


def on_draft_created(draft, session, actor, now, revision, **_):
    append_event(session, "draft.create", actor_id=_actor_id(actor), draft_id=draft.id, now=now,
                 data={"revision": revision.number, "content_hash": revision.content_hash,
                       "channels": revision.channels})


def on_draft_edited(draft, session, actor, now, revision, voided, from_state, **_):
    append_event(session, "draft.edit", actor_id=_actor_id(actor), draft_id=draft.id, now=now,
                 data={"revision": revision.number, "content_hash": revision.content_hash,
                       "approvals_voided": bool(voided), "from_state": from_state, "to_state": draft.state})


def on_draft_submitted(draft, session, actor, now, revision, **_):
    append_event(session, "draft.submit", actor_id=_actor_id(actor), draft_id=draft.id, now=now,
                 data={"revision": revision.number, "content_hash": revision.content_hash,
                       "findings": len(revision.findings or []),
                       "justified": sorted((revision.justifications or {}).keys())})


def _on_decision(draft, session, actor, now, decision, stage, **_):
    append_event(session, f"decision.{stage.name}.{decision.decision}", actor_id=_actor_id(actor),
                 draft_id=draft.id, now=now,
                 data={"revision": decision.revision_number, "via": decision.via, "to_state": draft.state,
                       "comment_sha256": _sha(decision.comment)})


def on_withdrawn(draft, session, actor, now, from_state, **_):
    append_event(session, "draft.withdraw", actor_id=_actor_id(actor), draft_id=draft.id, now=now,
                 data={"from_state": from_state})


def on_user_changed(user, session, actor, now, change, **_):
    append_event(session, f"user.{change}", actor_id=_actor_id(actor), now=now,
                 data={"user_id": user.id, "email": user.email, "roles": sorted(user.roles)})


def on_token_changed(token, session, actor, now, change, **_):
    append_event(session, f"token.{change}", actor_id=_actor_id(actor), now=now,
                 data={"token_id": token.id, "user_id": token.user_id, "prefix": token.prefix})


def on_login(user, session, now, ok, email, ip, via=None, **_):
    data = {"email": email, "ip": ip}
    if via:
        data["via"] = via  # "sso": single sign-on; absent: the password form
    append_event(session, "auth.login" if ok else "auth.login_failed", actor_id=_actor_id(user), now=now, data=data)


def on_attachment_added(draft, session, actor, now, attachment, **_):
    append_event(session, "attachment.add", actor_id=_actor_id(actor), draft_id=draft.id, now=now,
                 data={"attachment_id": attachment.id, "sha256": attachment.sha256,
                       "content_type": attachment.content_type, "size": attachment.size_bytes})


def on_attachment_redacted(draft, session, actor, now, original, redacted, regions, mode, face_links_kept=0, **_):
    append_event(session, "attachment.redact", actor_id=_actor_id(actor), draft_id=draft.id, now=now,
                 data={"attachment_id": original.id, "sha256": original.sha256, "redacted_id": redacted.id,
                       "redacted_sha256": redacted.sha256, "regions": regions, "mode": mode,
                       "revision": draft.current_revision, "face_links_kept": face_links_kept,
                       "original_deleted_after": original.purge_after.isoformat() if original.purge_after else None})


def on_original_purged(draft, session, now, attachment, actor=None, **_):
    append_event(session, "attachment.purge_original", actor_id=None, draft_id=draft.id, now=now,
                 data={"attachment_id": attachment.id, "sha256": attachment.sha256})


def on_generic(action):
    def receiver(sender, session, now, actor=None, **kw):
        data = {k: _plain(v) for k, v in kw.items() if k not in ("decision", "stage", "attachment")}
        draft_id = getattr(sender, "id", None) if sender is not None and type(sender).__name__ == "Draft" else None
        if sender is not None and draft_id is None:
            data.setdefault("subject_id", getattr(sender, "id", None))
        append_event(session, action, actor_id=_actor_id(actor), draft_id=draft_id, now=now, data=data)
    receiver.__name__ = f"on_{action.replace('.', '_')}"
    return receiver


def _plain(v):
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    return getattr(v, "id", str(v))


def _sha(text: str) -> str:
    import hashlib
    return hashlib.sha256((text or "").encode()).hexdigest()


_GENERIC = {
    signals.draft_scheduled: "release.schedule",
    signals.draft_unscheduled: "release.unschedule",
    signals.draft_released: "release.publish",
    signals.release_failed: "release.fail",
    signals.release_held: "release.hold",
    signals.freeze_changed: "release.freeze",
    signals.release_hold_changed: "release.hold_change",
    signals.blackout_changed: "release.blackout",
    signals.setting_changed: "setting.change",
    signals.audit_exported: "audit.export",
    signals.evidence_exported: "evidence.export",
}
# Module-level references: blinker holds receivers weakly.
_GENERIC_RECEIVERS = {sig: on_generic(action) for sig, action in _GENERIC.items()}


def on_consent_changed(consent, session, actor, now, change, draft=None, **_):
    append_event(session, f"consent.{change}", actor_id=_actor_id(actor),
                 draft_id=getattr(draft, "id", None), now=now, data={"consent_id": consent.id})


def on_pulled_back(draft, session, now, from_state, consent, actor=None, **_):
    append_event(session, "draft.pull_back", actor_id=_actor_id(actor), draft_id=draft.id, now=now,
                 data={"from_state": from_state, "to_state": draft.state, "consent_id": consent.id,
                       "revision": draft.current_revision})


def on_consent_task_changed(task, session, now, change, actor=None, **_):
    append_event(session, f"consent.task.{change}", actor_id=_actor_id(actor), draft_id=task.draft_id, now=now,
                 data={"task_id": task.id, "kind": task.kind, "consent_id": task.consent_id})


def connect() -> None:
    signals.draft_created.connect(on_draft_created)
    signals.draft_edited.connect(on_draft_edited)
    signals.draft_submitted.connect(on_draft_submitted)
    signals.stage_approved.connect(_on_decision)
    signals.changes_requested.connect(_on_decision)
    signals.draft_rejected.connect(_on_decision)
    signals.draft_withdrawn.connect(on_withdrawn)
    signals.user_changed.connect(on_user_changed)
    signals.token_changed.connect(on_token_changed)
    signals.login_event.connect(on_login)
    signals.attachment_added.connect(on_attachment_added)
    signals.attachment_redacted.connect(on_attachment_redacted)
    signals.original_purged.connect(on_original_purged)
    signals.consent_changed.connect(on_consent_changed)
    signals.draft_pulled_back.connect(on_pulled_back)
    signals.consent_task_changed.connect(on_consent_task_changed)
    for sig, receiver in _GENERIC_RECEIVERS.items():
        sig.connect(receiver)
