"""The forms of the consents pages: shape only (lengths, presence), CSRF; the operations decide what is allowed."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, Optional

from reviewq.consents.queries import COVERS
from reviewq.core.roles import CHANNEL_LABELS, CHANNELS
from reviewq.models.consent import RELATIONS
from reviewq.web.forms import _Choice


class Checkboxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


RELATION_LABELS = {"patient": "The patient signed", "parent_guardian": "A parent or guardian signed",
                   "relative": "A relative signed", "staff": "A staff member shown in a photo"}


class ConsentForm(FlaskForm):
    subject_name = StringField("Name of the person shown or named", validators=[DataRequired(), Length(max=200)])
    relation = SelectField("Who signed", choices=[(r, RELATION_LABELS[r]) for r in RELATIONS], default="patient")
    signed_by = StringField("Signer's name (a parent, guardian or relative)", validators=[Optional(), Length(max=200)])
    form_file = FileField("Signed form (PDF or image)")
    task_id = HiddenField()
    covers = Checkboxes("Covers", choices=[_Choice(c, c) for c in COVERS],
                        validators=[DataRequired(message="Tick what the consent covers.")])
    channels = Checkboxes("Channels (none ticked: every channel)", choices=[_Choice(c, CHANNEL_LABELS[c]) for c in CHANNELS])
    valid_from = DateField("Valid from (first day)", validators=[Optional()])
    valid_until = DateField("Valid until (last day)", validators=[Optional()])
    note = TextAreaField("Note (where the signed form is kept)", validators=[Optional(), Length(max=2000)])


class LinkForm(FlaskForm):
    consent_ids = StringField("Consent references", validators=[DataRequired(), Length(max=500)])
    mention = HiddenField(validators=[Optional(), Length(max=200)])


class FaceForm(FlaskForm):
    attachment_id = HiddenField(validators=[DataRequired()])
    box = HiddenField(validators=[DataRequired(), Length(max=60)])
    consent_id = SelectField("Whose face is this?", choices=[], validate_choice=False)


class RequestForm(FlaskForm):
    subject_name = StringField("Name as written in the post", validators=[DataRequired(), Length(max=200)])
    note = TextAreaField("Note for comms (how to reach the person, optional)", validators=[Optional(), Length(max=1000)])


class RevokeForm(FlaskForm):
    reason = StringField("Reason", validators=[Optional(), Length(max=2000)])


class ActionForm(FlaskForm):
    pass
