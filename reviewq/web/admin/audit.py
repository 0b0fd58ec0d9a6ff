"""The audit log pages for auditors and admins: read it filtered a page at a time, download the
filtered view as CSV (the download itself is audited), verify the chain."""
from __future__ import annotations

from flask import Response, abort, render_template, request, stream_with_context
from flask_login import current_user, login_required

from reviewq.audit.operations import record_export
from reviewq.audit.queries import (FAMILIES, AuditFilter, all_users, audit_page, check_chain, describe,
                                   export_rows, parse_filter)
from reviewq.clock import now_utc
from reviewq.core.errors import PermissionDeniedError, ValidationError
from reviewq.core.ids import as_id
from reviewq.core.permissions import can_read_audit
from reviewq.extensions import db
from reviewq.web.admin import audit_bp
from reviewq.web.forms import ConfirmForm
from reviewq.web.local_time import org_tz


@audit_bp.before_request
@login_required
def _auditors_only():
    if not can_read_audit(current_user.actor()):
        raise PermissionDeniedError("Only auditors and administrators can read the audit log.")


def _filter() -> AuditFilter:
    return parse_filter(db.session, request.args, tz=org_tz(), today=now_utc().astimezone(org_tz()).date())


def _render(f, page, *, error=None, fields=None, status=200):
    return render_template("review/audit.html", events=page.events if page else [],
                           actors=page.actors if page else {}, next_before=page.next_before if page else None,
                           f=f, args=request.args, families=FAMILIES, users=all_users(db.session),
                           describe=describe, error=error, fields=fields or {}, verify=ConfirmForm()), status


@audit_bp.route("", methods=["GET"])
def index():
    try:
        f = _filter()
    except ValidationError as e:
        return _render(None, None, error=e.message, fields=e.fields, status=400)
    before = request.args.get("before", "").strip()
    if before and as_id(before) is None:
        return _render(f, None, error="The page cursor is not a number.", status=400)
    return _render(f, audit_page(db.session, f, before=as_id(before) if before else None))


@audit_bp.route("/export.csv", methods=["GET"])
def export():
    try:
        f = _filter()
    except ValidationError as e:
        return _render(None, None, error=e.message, fields=e.fields, status=400)
    record_export(db.session, current_user, f, now=now_utc())
    # The export event commits with the request (after_request); the rows are read afterwards,
    # a batch at a time, while the response streams.
    stamp = now_utc().strftime("%Y%m%d-%H%M%S")
    return Response(stream_with_context(export_rows(db.session, f)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="reviewq-audit-{stamp}.csv"',
                             "Cache-Control": "no-store"})


@audit_bp.route("/verify", methods=["POST"])
def verify():
    if not ConfirmForm().validate():
        abort(400)
    verdict, unusable = check_chain(db.session)
    return render_template("review/audit_verify.html", verdict=verdict, unusable=unusable)
