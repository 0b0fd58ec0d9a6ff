"""The authoring form: text, channels, requested time, files each with their own alt text.

Shape only (lengths, presence); what is allowed is decided by reviewq.drafts.operations.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FieldList, FileField, Form, FormField, HiddenField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from reviewq.core.roles import CHANNEL_LABELS, CHANNELS
from reviewq.web.forms import CheckboxesField, _Choice

ATTACHMENT_ROWS = 3
MAX_ATTACHMENT_ROWS = 10


class AttachmentRow(Form):
    """One file with its own alt text (a subform: the outer form carries CSRF)."""

    file = FileField("File")
    alt_text = TextAreaField("Alt text", validators=[Optional(), Length(max=1500)])


class DraftForm(FlaskForm):
    body = TextAreaField("Post text", validators=[Length(max=63206)])
    channels = CheckboxesField("Channels", choices=[_Choice(c, CHANNEL_LABELS[c]) for c in CHANNELS])
    release_at = StringField("Requested release time", validators=[Optional(), Length(max=40)])
    attachments = FieldList(FormField(AttachmentRow), min_entries=ATTACHMENT_ROWS,
                            max_entries=MAX_ATTACHMENT_ROWS)
    revision = HiddenField()
    # One-time token of the new-draft form: the same form sent twice saves into one draft.
    form_token = HiddenField(validators=[Optional(), Length(max=64)])

    def uploads(self):
        """(row, FileStorage, alt text) for every row where a file was chosen."""
        for row in self.attachments:
            storage = row.form.file.data
            if storage is not None and getattr(storage, "filename", ""):
                yield row, storage, row.form.alt_text.data or ""
