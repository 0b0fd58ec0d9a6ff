"""Signed media links for publishers: the attachment of a released post, no login (the link is signed
and expires; images lose their EXIF/GPS metadata on the way out)."""
from __future__ import annotations

from io import BytesIO

from flask import abort, current_app, request, send_file

from reviewq.clock import now_utc
from reviewq.extensions import db
from reviewq.releases.queries import signed_attachment
from reviewq.storage import path_of, stripped_image
from reviewq.web.releases import bp


@bp.route("/releases/media/<int:attachment_id>")
def media(attachment_id: int):
    cfg = current_app.config["REVIEWQ"]
    att = signed_attachment(db.session, cfg.secret_key, attachment_id, request.args.get("exp"),
                            request.args.get("sig"), now_utc())
    if att is None:
        abort(404)
    path = path_of(cfg.upload_dir, att.storage_key)
    if not path.exists():
        abort(404)
    if att.is_image:
        resp = send_file(BytesIO(stripped_image(path, att.content_type)), mimetype=att.content_type)
    else:
        resp = send_file(path, mimetype=att.content_type)
    # The signed link is a credential: the publisher fetches it once; no shared cache keeps a copy.
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
