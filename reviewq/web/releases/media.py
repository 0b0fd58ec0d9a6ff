"""Signed media links for publishers: the attachment of a released post, no login (the link is signed
and expires). Serves the copy made at scan time (reviewq.media: images without their EXIF/GPS
metadata, videos as uploaded), streamed from storage; no request decodes an image."""
from __future__ import annotations


from flask import abort, current_app, request, send_file

from reviewq.clock import now_utc
from reviewq.extensions import db
from reviewq.releases.queries import signed_attachment
from reviewq.storage import path_of
from reviewq.web.releases import bp


@bp.route("/releases/media/<int:attachment_id>")
def media(attachment_id: int):
    cfg = current_app.config["REVIEWQ"]
    att = signed_attachment(db.session, cfg.secret_key, attachment_id, request.args.get("exp"),
                            request.args.get("sig"), now_utc())
    if att is None or not att.stripped_key:
        abort(404)
    path = path_of(cfg.upload_dir, att.stripped_key)
    if not path.is_file():
        abort(404)
    resp = send_file(path, mimetype=att.content_type)
    # The signed link is a credential: the publisher fetches it once; no shared cache keeps a copy.
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
