"""The forms of the consents pages: shape only (lengths, presence), CSRF; the operations decide what is allowed."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, Optional

from reviewq.consents.queries import COVERS
from reviewq.core.roles import CHANNEL_LABELS, CHANNELS
from reviewq.web.forms import _Choice


class Checkboxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ConsentForm(FlaskForm):
    subject_name = StringField("Name on the signed form", validators=[DataRequired(), Length(max=200)])
    covers = Checkboxes("Covers", choices=[_Choice(c, c) for c in COVERS],
                        validators=[DataRequired(message="Tick what the consent covers.")])
    channels = Checkboxes("Channels (none ticked: every channel)", choices=[_Choice(c, CHANNEL_LABELS[c]) for c in CHANNELS])
    valid_from = DateField("Valid from (first day)", validators=[Optional()])
    valid_until = DateField("Valid until (last day)", validators=[Optional()])
    note = TextAreaField("Note (where the signed form is kept)", validators=[Optional(), Length(max=2000)])


class LinkForm(FlaskForm):
    consent_ids = StringField("Consent references", validators=[DataRequired(), Length(max=500)])


class ActionForm(FlaskForm):
    pass
