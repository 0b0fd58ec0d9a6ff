"""Previews while writing (POST /drafts/preview) and one-click redaction (POST .../attachments/<id>/redact).

Views parse and call: the preview cards come from reviewq.previews (pure), the redaction from
reviewq.drafts.redaction.redact_attachment, which checks permissions and input itself.
"""
from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from reviewq.clock import now_utc
from reviewq.core.errors import ValidationError
from reviewq.drafts.checking import blocking, load_policy
from reviewq.drafts.permissions import can_write_drafts
from reviewq.drafts.queries import get_visible_draft
from reviewq.drafts.redaction import BLOCKING, redact_attachment
from reviewq.extensions import db
from reviewq.web.drafts.pictures import clean_images, preview_context
from reviewq.web.drafts.views import bp
from reviewq.web.unit_of_work import attempt

MAX_PREVIEW_TEXT = 63206


@bp.route("/drafts/preview", methods=["POST"])
@login_required
def preview():
    """JSON {"text", "channels", "images": [{"src", "alt"}]} -> the preview cards as an HTML fragment; nothing saved."""
    if not can_write_drafts(current_user):
        return jsonify(error="Your role cannot write drafts."), 403
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("text"), str) or len(data["text"]) > MAX_PREVIEW_TEXT:
        return jsonify(error='Send JSON {"text": "...", "channels": [...], "images": [...]}.'), 400
    channels = data.get("channels") or []
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        return jsonify(error="channels must be a list of channel names."), 400
    html = render_template("drafts/_preview_cards.html",
                           **preview_context(data["text"], channels, clean_images(data.get("images"))))
    return html, 200, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


@bp.route("/drafts/<int:draft_id>/attachments/<int:attachment_id>/redact", methods=["POST"])
@login_required
def redact(draft_id: int, attachment_id: int):
    from reviewq.web.review.views import render_draft
    settings = current_app.config["REVIEWQ"]
    regions = BLOCKING if request.form.get("action") == "blocking" else request.form.getlist("region")
    try:
        with attempt():
            new = redact_attachment(db.session, current_user, draft_id, attachment_id, regions=regions,
                                    mode=request.form.get("mode", ""), now=now_utc(), upload_dir=settings.upload_dir,
                                    policy=load_policy(db.session, settings.policy_file))
    except ValidationError as e:
        draft = get_visible_draft(db.session, current_user, draft_id)
        return render_draft(draft, error=e.message, status=422, redact_error=(attachment_id, e.message))
    draft = get_visible_draft(db.session, current_user, draft_id)
    left = [f for f in blocking(draft.revision.findings or []) if f.get("attachment_id") == new.id]
    flash(f"Made a redacted copy ({'blurred' if request.form.get('mode') == 'blur' else 'solid boxes'}) and "
          f"checked it again: {len(left) or 'no'} must-fix finding{'s' if len(left) != 1 else ''} left on this "
          f"image. It replaces the original in revision {draft.current_revision}.", "success")
    return redirect(url_for("drafts.view", draft_id=draft_id) + f"#att-{new.id}")
