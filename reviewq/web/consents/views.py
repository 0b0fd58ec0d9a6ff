"""The consent registry pages: list and search, register, revoke, link consents to a draft.

Permissions are reviewq.consents' (this module only turns forms
into calls): comms, legal and admins register and revoke; readers see the
list; an author links consents to their own draft on /consents/link.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from reviewq.clock import now_utc
from reviewq.consents import operations as svc
from reviewq.consents.permissions import can_register_consents, consent_ref
from reviewq.consents.queries import consents_page, linked_consents
from reviewq.core.errors import ValidationError
from reviewq.drafts.queries import get_visible_draft
from reviewq.extensions import db
from reviewq.web.consents.forms import ActionForm, ConsentForm, LinkForm
from reviewq.web.unit_of_work import attempt

bp = Blueprint("consents", __name__, url_prefix="/consents")
PAGE = 100


def _day_start(d, *, after: bool = False):
    """Midnight in the organisation's time zone (of the next day when `after`), as aware UTC."""
    if d is None:
        return None
    tz = current_app.config["REVIEWQ"].tz
    return datetime.combine(d + timedelta(days=1) if after else d, time(0), tzinfo=tz)


def _list_page(form, status=200):
    q = (request.args.get("q") or "").strip()[:200].replace("\x00", "")
    rows, _ = consents_page(db.session, current_user, search=q, limit=PAGE)
    return render_template("consents/list.html", form=form, action=ActionForm(), consents=rows, q=q,
                           refs={c.id: consent_ref(current_app.config["REVIEWQ"].secret_key, c.id) for c in rows},
                           can_register=can_register_consents(current_user)), status


@bp.route("", methods=["GET"])
@login_required
def index():
    return _list_page(ConsentForm(formdata=None))


@bp.route("", methods=["POST"])
@login_required
def create():
    form = ConsentForm()
    if not form.validate_on_submit():
        return _list_page(form, 400)
    try:
        with attempt():
            c = svc.create_consent(db.session, current_user, subject_name=form.subject_name.data,
                                   covers=form.covers.data, channels=form.channels.data or None,
                                   valid_from=_day_start(form.valid_from.data),
                                   valid_until=_day_start(form.valid_until.data, after=True),
                                   note=(form.note.data or "").replace("\x00", ""), now=now_utc())
    except ValidationError as e:
        for name, msg in e.fields.items():
            getattr(form, name, form.subject_name).errors.append(msg)
        return _list_page(form, 422)
    ref = consent_ref(current_app.config["REVIEWQ"].secret_key, c.id)
    flash(f"Consent no. {c.id} for {c.subject_name} is registered. Give the author its reference {ref} "
          "to link it to their draft.", "success")
    return redirect(url_for("consents.index"))


@bp.route("/<int:consent_id>/revoke", methods=["POST"])
@login_required
def revoke(consent_id):
    if not ActionForm().validate_on_submit():
        flash("The form expired. Try again.", "error")
        return redirect(url_for("consents.index"))
    c = svc.revoke_consent(db.session, current_user, consent_id, now=now_utc())
    flash(f"Consent no. {c.id} is revoked; posts submitted from now on will not count it.", "info")
    return redirect(url_for("consents.index"))


@bp.route("/link", methods=["GET", "POST"])
@login_required
def link():
    draft = get_visible_draft(db.session, current_user, request.values.get("draft_id"))
    form = LinkForm()
    status = 200
    if form.validate_on_submit():
        try:
            ids = [int(x) if x.isascii() and x.isdigit() else x for x in form.consent_ids.data.replace(",", " ").split()]
            with attempt():
                svc.link_consents(db.session, current_user, draft.id, ids, now=now_utc(),
                                  secret=current_app.config["REVIEWQ"].secret_key)
        except ValueError:
            form.consent_ids.errors.append("Give consent references separated by spaces or commas.")
            status = 422
        except ValidationError as e:
            form.consent_ids.errors.append(e.message)
            status = 422
        else:
            flash("Consents linked. The consent check uses them the next time the draft is submitted.", "success")
            return redirect(url_for("consents.link", draft_id=draft.id))
    elif request.method == "POST":
        status = 400
    linked = linked_consents(db.session, draft)
    return render_template("consents/link.html", form=form, draft=draft, linked=linked), status
