"""The audit log pages for auditors and admins: read it a page at a time, verify the chain.
Nothing here writes to the audit log."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user, login_required

from reviewq.audit.queries import audit_page, check_chain
from reviewq.core.errors import PermissionDeniedError
from reviewq.core.ids import as_id
from reviewq.core.permissions import can_read_audit
from reviewq.extensions import db
from reviewq.web.admin import audit_bp
from reviewq.web.forms import ConfirmForm


@audit_bp.before_request
@login_required
def _auditors_only():
    if not can_read_audit(current_user.actor()):
        raise PermissionDeniedError("Only auditors and administrators can read the audit log.")


@audit_bp.route("", methods=["GET"])
def index():
    draft = request.args.get("draft", "").strip()
    if draft and as_id(draft) is None:
        abort(400, "The draft filter is a draft number.")
    page = audit_page(db.session, draft_id=as_id(draft) if draft else None, before=as_id(request.args.get("before")))
    return render_template("review/audit.html", events=page.events, actors=page.actors, draft=draft,
                           next_before=page.next_before, verify=ConfirmForm())


@audit_bp.route("/verify", methods=["POST"])
def verify():
    if not ConfirmForm().validate():
        abort(400)
    verdict, unusable = check_chain(db.session)
    return render_template("review/audit_verify.html", verdict=verdict, unusable=unusable)
