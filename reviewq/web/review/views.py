"""Approver pages: the review queue, the draft page's review panel, and decisions.

Decisions go through reviewq.review.operations.decide, the same function the
API and Slack call; this module only hides buttons a person could not use
(asking the operations' check_* twins; hiding is never the check) and
explains refusals next to the form.
"""
from __future__ import annotations

import functools

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from jinja2.filters import do_truncate
from markupsafe import Markup, escape

from reviewq.clock import now_utc
from reviewq.core.errors import ConflictError, StaleRevisionError, ValidationError
from reviewq.core.ids import as_id
from reviewq.drafts.operations import check_edit, check_withdraw, may
from reviewq.drafts.queries import get_visible_draft, revision_shown_to, revisions_for
from reviewq.extensions import db
from reviewq.review.operations import decide, may_decide
from reviewq.review.queries import queue_counts, queue_page, stages_for
from reviewq.drafts.masking import may_read_image_text
from reviewq.web.drafts.pictures import attachment_images, image_findings, preview_context
from reviewq.web.forms import ConfirmForm
from reviewq.web.review.forms import DecisionForm
from reviewq.web.local_time import waited
from reviewq.web.templating import CHANNEL_LABELS, STATE_LABELS, diff_words, remember_queue_count, text_findings
from reviewq.web.unit_of_work import attempt

bp = Blueprint("review", __name__)
PAGE_SIZE = 50
DONE_MESSAGES = {"approve": "Approved.", "request_changes": "Changes requested; the author has been told why.",
                 "reject": "Rejected; the author has been told why."}


@bp.route("/review")
@login_required
def queue():
    now, user = now_utc(), current_user._get_current_object()
    rows, more = queue_page(db.session, user, after_id=as_id(request.args.get("after")), limit=PAGE_SIZE)
    counts, waiting = queue_counts(db.session, user)
    remember_queue_count(waiting)  # the nav badge: counted in the same statement as the header
    return render_template("review/queue.html", rows=queue_rows(rows, now), counts=counts,
                           stages=stages_for(user), next_cursor=more, first_page=not request.args.get("after"))


# One row of the table, as templates/review/queue.html printed it (whitespace included): the rows are built
# here in one pass because 50 rows' Jinja output (about 430 escapes and attribute reads a page) was most of
# the page's CPU. test_queue_rows_are_the_template_loop_they_replaced pins the markup to the byte.
_ROW = ("\n    <tr>\n      <td class=\"num\" data-label=\"#\">{id}</td>\n"
        "      <td data-label=\"Post\"><div><a class=\"row-link\" href=\"{prefix}{id}\">{body}</a>\n"
        "        <div class=\"small\">{chips}</div></div></td>\n"
        "      <td data-label=\"Author\">{author}</td>\n"
        "      <td data-label=\"Stage\">{pill}</td>\n"
        "      <td data-label=\"Waiting\" class=\"nowrap\">{wait}</td>\n    </tr>\n  ")
PREVIEW = 90  # characters of each post the queue shows (Jinja's truncate: whole words, "...")


def queue_rows(rows, now) -> Markup:
    """The queue table's rows as HTML: one url_for for the page, chips and pills remembered, post text and
    author names escaped here (plain strings never reach the page unescaped)."""
    env = current_app.jinja_env
    prefix = str(escape(url_for("drafts.view", draft_id=1)[:-1]))
    return Markup("".join(
        _ROW.format(id=int(d.id), prefix=prefix, body=escape(do_truncate(env, d.body, PREVIEW)),
                    chips=_chips(tuple(d.channels or ())), author=_escaped(d.author_name), pill=_pill(d.state),
                    wait=_escaped(waited(d.stage_entered_at, now)))
        for d in rows))


@functools.lru_cache(maxsize=256)
def _chips(channels: tuple) -> Markup:
    chip = Markup('<span class="chip">%s</span>')
    return Markup("").join(chip % CHANNEL_LABELS.get(c, c) for c in channels)


@functools.lru_cache(maxsize=64)
def _pill(state: str) -> Markup:
    return Markup('<span class="pill pill-{}">{}</span>').format(state, STATE_LABELS.get(state, state))


@functools.lru_cache(maxsize=4096)
def _escaped(text: str) -> Markup:
    """Author names and waits repeat down a page and across pages: escaped once per process."""
    return escape(text)


def _compare(draft):
    readable = revisions_for(draft, current_user)
    numbers = [r.number for r in readable]
    if len(numbers) < 2:
        return None
    def pick(name, default):
        raw = request.args.get(name, "")
        n = as_id(raw)
        return n if n in numbers else default
    a, b = pick("from", numbers[-2]), pick("to", numbers[-1])
    by_number = {r.number: r for r in readable}
    return {"numbers": numbers, "from": a, "to": b,
            "html": diff_words(by_number[a].body, by_number[b].body),
            "channels": (by_number[a].channels, by_number[b].channels),
            "files": ([f"{x.get('name', '?')} ({x['sha256'][:8]})" for x in by_number[a].attachments],
                      [f"{x.get('name', '?')} ({x['sha256'][:8]})" for x in by_number[b].attachments])}


def render_draft(draft, *, form=None, error=None, status=200, redact_error=None):
    rev = revision_shown_to(draft, current_user)
    findings = rev.findings or []
    stage = may_decide(current_user, draft)
    if form is None:
        form = DecisionForm(formdata=None, revision=str(draft.current_revision),
                            expected_stage=stage.name if stage else "")
    by_id = {a.id: a for a in draft.attachments}
    attachments = [(by_id.get(s["id"]), s) for s in rev.attachments]
    history = sorted(draft.decisions, key=lambda d: d.created_at, reverse=True)
    return render_template(
        "drafts/view.html", draft=draft, rev=rev, findings=findings,
        text_findings=text_findings(findings, rev.body), attachment_findings=[f for f in findings if "attachment_id" in f],
        attachments=attachments, history=history, stage=stage, form=form, error=error,
        compare=_compare(draft), is_author=draft.author_id == current_user.id,
        editable=may(check_edit, current_user, draft), confirm=ConfirmForm(),
        withdrawable=may(check_withdraw, current_user, draft), redact_error=redact_error,
        pictures=image_findings(draft, attachments, current_user), see_image_text=may_read_image_text(current_user, draft),
        **preview_context(rev.body, rev.channels, attachment_images(draft, attachments))), status


@bp.route("/drafts/<int:draft_id>/decision", methods=["POST"])
@login_required
def decision(draft_id: int):
    form = DecisionForm()
    draft = get_visible_draft(db.session, current_user, draft_id)
    if not form.validate():
        return render_draft(draft, form=form, error="Please correct the comment.", status=422)
    choice = form.decision.data or ""
    try:
        with attempt():
            decide(db.session, current_user, draft.id, choice, revision=form.revision.data or None,
                   comment=form.comment.data or "", now=now_utc(), via="web",
                   expected_stage=form.expected_stage.data or None)
    except ValidationError as e:
        form.comment.errors = [*form.comment.errors, *e.fields.values()] if "comment" in e.fields else []
        draft = get_visible_draft(db.session, current_user, draft_id)
        return render_draft(draft, form=form, error=e.message, status=422)
    except (StaleRevisionError, ConflictError) as e:
        return render_template("review/conflict.html", message=e.message,
                               draft_id=draft_id), 409
    flash(DONE_MESSAGES.get(choice, "Recorded."), "success")
    return redirect(url_for("drafts.view", draft_id=draft.id))
