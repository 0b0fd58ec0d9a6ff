"""GET /drafts/{id}/evidence: the post's evidence pack for the signed-in user (the API's twin is
reviewq.api.evidence). Both call evidence.operations.export_evidence and send evidence_zip()."""
from __future__ import annotations

import io

from flask import render_template, send_file
from flask_login import current_user, login_required

from reviewq.clock import now_utc
from reviewq.evidence.operations import export_evidence
from reviewq.evidence.pack import build_zip
from reviewq.extensions import db
from reviewq.web.drafts.views import bp


def evidence_zip(user, draft_id: int):
    """The send_file response of `draft_id`'s pack for `user` (raises NotFoundError/PermissionDeniedError)."""
    now = now_utc()
    record, proof = export_evidence(db.session, user, draft_id, now=now)
    html = render_template("evidence/pack.html", record=record, generated_at=now)
    data = build_zip(record, proof, html)
    resp = send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=f"reviewq-evidence-draft-{record['draft_id']}.zip", max_age=0)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/drafts/<int:draft_id>/evidence")
@login_required
def evidence(draft_id: int):
    return evidence_zip(current_user, draft_id)
