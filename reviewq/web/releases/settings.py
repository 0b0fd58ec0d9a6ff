"""The release rules page (/calendar/settings): the form bounds the numbers, reviewq.releases.rules
checks who may change them and stores them."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from reviewq.clock import now_utc
from reviewq.core.errors import ValidationError
from reviewq.extensions import db
from reviewq.releases.permissions import require_release_controls
from reviewq.releases.rules import release_rules, update_release_rules
from reviewq.web.releases import bp
from reviewq.web.releases.forms import ReleaseSettingsForm
from reviewq.web.unit_of_work import attempt

REFUSED = "Only comms leads and administrators can change the release settings."


@bp.route("/calendar/settings", methods=["GET", "POST"])
@login_required
def settings():
    """View and change the release rules."""
    require_release_controls(current_user, REFUSED)   # a 403 before any form is shown
    form = ReleaseSettingsForm(data=release_rules(db.session))
    if request.method == "GET":
        return render_template("calendar/settings.html", form=form)
    if not form.validate_on_submit():
        expired = "csrf_token" in form.errors
        return render_template("calendar/settings.html", form=form, expired=expired), 400 if expired else 422
    try:
        with attempt():
            update_release_rules(db.session, current_user, form.changes(), now=now_utc(),
                                 reason=form.reason.data or "")
    except ValidationError as e:
        form.apply_service_error(e)
        return render_template("calendar/settings.html", form=form), 422
    flash("Release settings saved. Workers use them from their next pass.", "success")
    return redirect(url_for("releases.settings"))
