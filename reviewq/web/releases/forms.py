"""The release settings form: one bounded number per rule in reviewq.releases.rules.RELEASE_DEFAULTS.

Owns the bounds a person may type on the page (sane ranges, so a slip of the keyboard
cannot stop the worker or flood the publisher). Refuses nothing the service would allow
silently: what is stored and who may store it is reviewq.releases.rules's job.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from reviewq.core.errors import ValidationError

# key -> (label, minimum, maximum, hint)
BOUNDS = {
    "clash_minutes": ("Clash warning (minutes)", 0, 1440,
                      "Warn when two posts on the same channel are this close together. 0 turns the warning off."),
    "approval_max_age_days": ("Approval max age (days)", 0, 3650,
                              "Approvals older than this are held at release. 0: approvals never expire."),
    "webhook_timeout_seconds": ("Webhook timeout (seconds)", 1, 120,
                                "How long the worker waits for the publisher before retrying later."),
    "lease_seconds": ("Worker lease (seconds)", 6, 3600,
                      "A worker's claim on a due post, renewed every third of it while the worker runs: "
                      "a stopped worker's posts are taken over after this long."),
    "batch": ("Batch size", 1, 500,
              "Posts claimed, re-checked and recorded per transaction (at most 25 on SQLite)."),
    "publish_concurrency": ("Publish concurrency", 1, 64, "Publisher calls one worker makes at the same time."),
}


class FiniteDecimalField(DecimalField):
    """A decimal that refuses NaN and infinities (Decimal parses them; the range check cannot)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


def _bounded(key: str):
    label, low, high, _ = BOUNDS[key]
    validators = [InputRequired(message="Enter a number."),
                  NumberRange(min=low, max=high, message=f"Enter a number from {low} to {high}.")]
    if key == "webhook_timeout_seconds":
        return FiniteDecimalField(label, validators=validators, places=None,
                            render_kw={"inputmode": "decimal", "min": low, "max": high})
    return IntegerField(label, validators=validators, render_kw={"inputmode": "numeric", "min": low, "max": high})


class ReleaseSettingsForm(FlaskForm):
    clash_minutes = _bounded("clash_minutes")
    approval_max_age_days = _bounded("approval_max_age_days")
    webhook_timeout_seconds = _bounded("webhook_timeout_seconds")
    lease_seconds = _bounded("lease_seconds")
    batch = _bounded("batch")
    publish_concurrency = _bounded("publish_concurrency")
    # Every change is a settings version; the service refuses an empty reason too.
    reason = StringField("Reason for this change (required)",
                         validators=[InputRequired(message="Say why: a reason is required for every settings change."),
                                     Length(max=2000, message="The reason is too long (at most 2000 characters).")],
                         render_kw={"maxlength": 2000, "required": True})

    def rule_fields(self):
        """(field, hint) in page order."""
        return [(self[key], BOUNDS[key][3]) for key in BOUNDS]

    def changes(self) -> dict:
        """The submitted numbers as the service takes them (float timeout, int for the rest)."""
        return {k: float(self[k].data) if k == "webhook_timeout_seconds" else int(self[k].data) for k in BOUNDS}

    def apply_service_error(self, e: ValidationError) -> None:
        """Show a refusal from the service next to the field it names."""
        for key in (e.fields or {}):
            if key in BOUNDS or key == "reason":
                self[key].errors = [*self[key].errors, e.message]
