"""Admin pages for the check policy: edit it (form fields for the common settings, a JSON view for the
rest, a required reason), record "reviewed, no change", list its versions and compare two."""
from __future__ import annotations

import json

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from reviewq.checks.policy import DEFAULT_LIMITS
from reviewq.clock import now_utc
from reviewq.core.errors import PermissionDeniedError, ValidationError
from reviewq.core.permissions import can_manage_users
from reviewq.extensions import db
from reviewq.policy.operations import LIST_FIELDS, review_policy, set_policy
from reviewq.policy.queries import (default_policy_json, diff_versions, effective_summary, last_reviewed,
                                    policy_overrides, review_overdue, version, versions)
from reviewq.web.policy import bp
from reviewq.web.unit_of_work import attempt

LABELS = {"org_names": "Organisation's own names", "org_handles": "Organisation's own handles",
          "org_phones": "Organisation's own phone numbers", "org_addresses": "Organisation's own addresses",
          "org_domains": "Organisation's own domains", "authoritative_domains": "Authoritative source domains",
          "disclosure_hashtags": "Disclosure tags (without #)", "disabled_checks": "Disabled checks"}


class PolicyForm(FlaskForm):
    policy = TextAreaField("Other settings (JSON)")
    severities = TextAreaField("Severities (one per line: rule = block, warn or info)")
    reason = StringField("Reason for this change (required)")


class ReviewForm(FlaskForm):
    reason = StringField("Review note (required)")


for _name in LIST_FIELDS:
    setattr(PolicyForm, _name, TextAreaField(LABELS[_name] + " (one per line)"))
for _ch in DEFAULT_LIMITS:
    setattr(PolicyForm, f"limit_{_ch}", IntegerField(f"{_ch} character limit", validators=[Optional(),
                                                     NumberRange(min=1, max=1_000_000)]))


@bp.before_request
@login_required
def _admins_only():
    if not can_manage_users(current_user.actor()):
        raise PermissionDeniedError("Only administrators can change the check policy.")


def _lines(text: str | None) -> list[str]:
    return [ln.strip() for ln in (text or "").splitlines() if ln.strip()]


def _form_fields(form: PolicyForm, sent) -> dict:
    """The form's fields that were sent, as policy settings (a field left out keeps the JSON's value);
    ValidationError for a malformed severities line."""
    out: dict = {name: _lines(getattr(form, name).data) for name in LIST_FIELDS if name in sent}
    if "severities" in sent:
        sev = {}
        for ln in _lines(form.severities.data):
            rule, sep, level = ln.partition("=")
            if not sep or not rule.strip():
                raise ValidationError(f"Severities: write each line as rule = block|warn|info (not {ln[:60]!r}).",
                                      {"severities": "malformed"})
            sev[rule.strip()] = level.strip()
        out["severities"] = sev
    if any(f"limit_{ch}" in sent for ch in DEFAULT_LIMITS):
        limits = {ch: getattr(form, f"limit_{ch}").data for ch in DEFAULT_LIMITS}
        out["channel_limits"] = {ch: v for ch, v in limits.items() if v is not None and v != DEFAULT_LIMITS[ch]}
    return out


def _fill(form: PolicyForm, data: dict) -> None:
    rest = {k: v for k, v in data.items() if k not in LIST_FIELDS and k not in ("severities", "channel_limits")}
    form.policy.data = json.dumps(rest, indent=2, ensure_ascii=False)
    for name in LIST_FIELDS:
        getattr(form, name).data = "\n".join(data.get(name, []))
    form.severities.data = "\n".join(f"{k} = {v}" for k, v in sorted(data.get("severities", {}).items()))
    for ch in DEFAULT_LIMITS:
        getattr(form, f"limit_{ch}").data = data.get("channel_limits", {}).get(ch, DEFAULT_LIMITS[ch])


@bp.route("/", methods=["GET", "POST"])
def edit():
    form = PolicyForm()
    status, error = 200, None
    if request.method == "POST" and form.validate_on_submit():
        try:
            with attempt():
                set_policy(db.session, current_user, form.policy.data or "", now=now_utc(),
                           reason=form.reason.data or "", fields=_form_fields(form, request.form))
            flash("Policy saved as a new version. New checks use it from now on.", "success")
            return redirect(url_for("policy.edit"))
        except ValidationError as e:
            status, error = 422, e.message
    elif request.method == "POST":
        status = 400 if "csrf_token" in form.errors else 422
        error = ("The form expired. Reload the page and try again." if status == 400
                 else "Please correct the fields: " + "; ".join(
                     f"{getattr(form, k).label.text}: {' '.join(v)}" for k, v in form.errors.items()))
    else:
        _fill(form, policy_overrides(db.session))
    file = current_app.config["REVIEWQ"].policy_file
    now = now_utc()
    return render_template("admin/policy.html", form=form, error=error, policy_file=file, labels=LABELS,
                           list_fields=LIST_FIELDS, channels=list(DEFAULT_LIMITS), review_form=ReviewForm(),
                           overdue=review_overdue(db.session, now), last_reviewed=last_reviewed(db.session),
                           defaults=default_policy_json(), effective=effective_summary(db.session, file)), status


@bp.route("/review", methods=["POST"])
def review():
    form = ReviewForm()
    if not form.validate_on_submit():
        flash("The form expired. Reload the page and try again.", "error")
        return redirect(url_for("policy.edit")), 303
    try:
        with attempt():
            v = review_policy(db.session, current_user, reason=form.reason.data or "", now=now_utc())
    except ValidationError as e:
        flash(e.message, "error")
        return redirect(url_for("policy.edit")), 303
    flash(f"Recorded as version {v.id}: reviewed, no change.", "success")
    return redirect(url_for("policy.versions_page"))


@bp.route("/versions")
def versions_page():
    rows = versions(db.session)
    a, b = request.args.get("a", type=int), request.args.get("b", type=int)
    if b is None and rows:
        b = rows[0]["id"]
    if a is None and len(rows) > 1:
        a = rows[1]["id"]
    diff = old = new = None
    if b is not None:
        new = version(db.session, b)
        old = version(db.session, a) if a is not None else None
        diff = diff_versions(old.value if old else {}, new.value)
    return render_template("admin/policy_versions.html", rows=rows, a=a, b=b, old=old, new=new, diff=diff)
