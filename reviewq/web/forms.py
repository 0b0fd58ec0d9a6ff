"""Form pieces several areas share (checkboxes, the CSRF-only confirm form, field errors) and the
admin area's forms. Each area's own forms are in web/<area>/forms.py.

Forms check shape only (lengths, presence). What is allowed (channels, roles,
reasons for a decision, permissions) is decided by the domain packages (reviewq.drafts, .review, ...), so the
web, the API and Slack refuse the same things with the same words.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from reviewq.core.roles import ROLE_LABELS, ROLES

from wtforms.fields.choices import SelectChoice as _Choice  # WTForms 3.3 deprecates (value, label) tuples

class CheckboxesField(SelectMultipleField):
    """Several checkboxes; unknown values reach the operation, which names them in its error."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kw):
        kw.setdefault("validate_choice", False)
        super().__init__(*args, **kw)


class ConfirmForm(FlaskForm):
    """A form that only carries the CSRF token (withdraw, verify, reactivate)."""


class UserForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=200)])
    email = EmailField("E-mail", validators=[Length(max=254)])
    roles = CheckboxesField("Roles", choices=[_Choice(r, ROLE_LABELS[r]) for r in ROLES])
    slack_id = StringField("Slack member id", validators=[Optional(), Length(max=32)])
    password = PasswordField("Initial password", validators=[Optional(), Length(max=1000)])


class UserEditForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=200)])
    roles = CheckboxesField("Roles", choices=[_Choice(r, ROLE_LABELS[r]) for r in ROLES])
    slack_id = StringField("Slack member id", validators=[Optional(), Length(max=32)])


class SettingsForm(FlaskForm):
    mask_phi = BooleanField("Mask PHI outside reviewq")
    privacy_email = StringField("Privacy office e-mail", validators=[Length(max=254)])
    privacy_slack_channel = StringField("Privacy office Slack channel id", validators=[Length(max=32)])
    # Required by the operations whenever something changes (each change is a settings version).
    reason = StringField("Reason for this change (required when you change something)",
                         validators=[Length(max=2000)])


def field_errors(form, fields: dict) -> None:
    """Attach an operation's ValidationError.fields to the matching form fields (others are shown on top)."""
    for name, message in (fields or {}).items():
        field = getattr(form, _FIELD_ALIASES.get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            if not isinstance(field.errors, list):
                field.errors = list(field.errors)
            field.errors.append(message)


_FIELD_ALIASES = {"requested_release_at": "release_at", "slack_user_id": "slack_id"}
