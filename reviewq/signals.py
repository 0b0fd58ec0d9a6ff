"""Every signal reviewq sends, with its sender and keyword arguments.

Signals are sent by the domain packages' operations inside the caller's transaction, after the
change is flushed. Receivers (reviewq.receivers) may only write rows in that
same session (audit events, outbox messages); anything that talks to the
network happens in the worker after commit. A receiver that raises fails the
whole action: a decision without its audit row must not happen.

Common kwargs: session (the SQLAlchemy Session), actor (User or None for the
system), now (aware UTC datetime).
"""
from blinker import Namespace

_signals = Namespace()

draft_created = _signals.signal("draft-created", doc="sender: Draft. kwargs: session, actor, now, revision")
draft_edited = _signals.signal(
    "draft-edited", doc="sender: Draft. kwargs: session, actor, now, revision, voided (approvals voided), "
                        "from_state")
draft_submitted = _signals.signal("draft-submitted", doc="sender: Draft. kwargs: session, actor, now, revision")
stage_approved = _signals.signal(
    "stage-approved", doc="sender: Draft. kwargs: session, actor, now, decision, stage, next_state")
changes_requested = _signals.signal("changes-requested",
                                    doc="sender: Draft. kwargs: session, actor, now, decision, stage")
draft_rejected = _signals.signal("draft-rejected", doc="sender: Draft. kwargs: session, actor, now, decision, stage")
draft_withdrawn = _signals.signal("draft-withdrawn", doc="sender: Draft. kwargs: session, actor, now, from_state")
stage_entered = _signals.signal(
    "stage-entered", doc="sender: Draft. kwargs: session, now, stage (core Stage). Sent after submit and after "
                         "each approval that moves the draft to another pending stage")
draft_scheduled = _signals.signal("draft-scheduled",
                                  doc="sender: Draft. kwargs: session, actor, now, release_at, previous (or None)")
draft_unscheduled = _signals.signal("draft-unscheduled", doc="sender: Draft. kwargs: session, actor, now, reason")
draft_released = _signals.signal("draft-released", doc="sender: Draft. kwargs: session, now, publisher_ref")
release_failed = _signals.signal("release-failed", doc="sender: Draft. kwargs: session, now, error, attempts")
release_held = _signals.signal("release-held", doc="sender: Draft. kwargs: session, now, reason")
freeze_changed = _signals.signal("freeze-changed", doc="sender: None. kwargs: session, actor, now, on, reason")
release_hold_changed = _signals.signal(
    "release-hold-changed", doc="sender: ReleaseHold. kwargs: session, actor (None: the release worker), now, "
                                "change ('placed'|'lifted'), kind, value, reason, draft_id (or None)")
blackout_changed = _signals.signal("blackout-changed",
                                   doc="sender: BlackoutWindow. kwargs: session, actor, now, change ('added'|'removed')")
attachment_added = _signals.signal("attachment-added",
                                   doc="sender: Draft. kwargs: session, actor, now, attachment")
attachment_redacted = _signals.signal(
    "attachment-redacted", doc="sender: Draft. kwargs: session, actor, now, original (Attachment), redacted "
                               "(the new Attachment), regions (how many areas), mode ('blur'|'box'), "
                               "face_links_kept (consent links of untouched faces moved to the new version)")
original_purged = _signals.signal(
    "original-purged", doc="sender: Draft. kwargs: session, now, attachment (the redacted original whose "
                           "files were deleted); no actor: the retention job")
consent_changed = _signals.signal(
    "consent-changed", doc="sender: Consent. kwargs: session, actor, now, change ('created'|'revoked'|'linked'|"
                           "'face_linked'|'expired'), draft (or None)")
consent_revoked = _signals.signal(
    "consent-revoked", doc="sender: Consent. kwargs: session, actor (None: the expiry job), now, pulled (the drafts "
                           "pulled back to their authors), takedowns (the ConsentTasks opened for published posts)")
draft_pulled_back = _signals.signal(
    "draft-pulled-back", doc="sender: Draft. kwargs: session, actor (None: the system), now, from_state, consent, "
                             "reason. A consent the post relied on was revoked or expired; it is changes_requested")
consent_task_changed = _signals.signal(
    "consent-task-changed", doc="sender: ConsentTask. kwargs: session, actor, now, change ('opened'|'answered'|'done')")
user_changed = _signals.signal("user-changed",
                               doc="sender: User. kwargs: session, actor, now, change ('created'|'updated'|...)")
token_changed = _signals.signal("token-changed",
                                doc="sender: ApiToken. kwargs: session, actor, now, change ('created'|'revoked')")
login_event = _signals.signal("login-event", doc="sender: User or None. kwargs: session, now, ok, email, ip, via "
                                                  "(optional: 'sso')")
setting_changed = _signals.signal("setting-changed", doc="sender: None. kwargs: session, actor, now, key, value")
evidence_exported = _signals.signal("evidence-exported",
                                    doc="sender: Draft. kwargs: session, actor, now, checkpoint_seq, sha256 (of the record)")
audit_exported = _signals.signal("audit-exported",
                                 doc="sender: None. kwargs: session, actor, now, filter (ids and dates, no text)")
