"""The decision form (approve, request changes, reject): the revision and stage the reviewer saw."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length


class DecisionForm(FlaskForm):
    decision = HiddenField()
    comment = TextAreaField("Comment", validators=[Length(max=5000)])
    revision = HiddenField()
    expected_stage = HiddenField()
