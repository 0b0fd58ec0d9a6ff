"""The forms of the account pages: shape only (lengths, presence), CSRF; the operations decide what is allowed."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length




class TokenForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(message="Name the token, e.g. the script that uses it."),
                                           Length(max=100)])


class RevokeForm(FlaskForm):
    pass


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=1000)])
    new = PasswordField("New password", validators=[DataRequired(), Length(max=1000)])


class EverywhereForm(FlaskForm):
    pass


class NotificationsForm(FlaskForm):
    email = BooleanField("Send me notifications by e-mail")
