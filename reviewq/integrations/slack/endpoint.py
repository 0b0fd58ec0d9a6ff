"""POST /slack/events: Slack's interactivity and Events API request URL.

Verifies every request (401 otherwise), answers well inside Slack's 3 s, and
turns clicks into the same review.operations.decide() the web and API use,
with via="slack" (check_decide, its side-effect-free twin, refuses a
request-changes or reject click before the reason modal opens). Refusals
become an ephemeral message to the clicker through the outbox; nothing else
changes. The request's unit of work (reviewq.web.unit_of_work) commits. The one network call made in a request is
views.open for the reason modal: its trigger_id expires 3 s after the click,
sooner than a polling worker can be relied on to pick up a queued row, and it
carries no post text. Everything else Slack hears goes through the outbox.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from reviewq.clock import now_utc
from reviewq.core.errors import NotFoundError, ReviewqError, ValidationError
from reviewq.drafts.queries import get_visible_draft
from reviewq.extensions import csrf, db
from reviewq.integrations.slack import blocks, client, inbound
from reviewq.integrations.slack.settings import user_for_slack
from reviewq.receivers.notify import enqueue_ephemeral
from reviewq.review.operations import check_decide, decide
from reviewq.review.queries import stage_named
from reviewq.web.unit_of_work import attempt, discard

bp = Blueprint("slack", __name__)
csrf.exempt(bp)  # Slack cannot send our CSRF token; the request signature takes its place.

UNLINKED = ("Your Slack account is not linked to a reviewq user, so nothing was recorded. "
            "Ask an administrator to add your Slack member id on the Slack settings page.")
NO_REASON = "Give a reason so the author knows what to change."


@bp.route("/slack/events", methods=["POST"])
def events():
    body = request.get_data(cache=True)
    try:
        inbound.verify(current_app.config["REVIEWQ"].slack_signing_secret, body, request.headers)
        event = inbound.parse(body, request.content_type)
    except inbound.Unverified as e:
        return jsonify(error=str(e)), 401
    except inbound.MalformedPayload as e:
        return jsonify(error=f"Malformed Slack payload: {e}."), 400
    if isinstance(event, inbound.Challenge):
        return jsonify(challenge=event.challenge)
    if isinstance(event, inbound.ButtonClicked):
        return _clicked(event)
    if isinstance(event, inbound.ReasonSubmitted):
        return _reason_submitted(event)
    return "", 200


def _explain(e: ReviewqError, t: inbound.Target) -> str:
    if isinstance(e, NotFoundError):
        # Say only what the clicked message itself showed: no leak of drafts the user may not see.
        stage = stage_named(t.stage)
        return (f"Nothing was recorded: the {stage.label.lower()} stage of draft #{t.draft_id} is decided by "
                f"the {stage.role} role, which your reviewq account does not have.")
    return e.message


def _refuse(ref: str, channel: str | None, slack_user: str, text: str):
    """Tell the clicker why nothing was recorded (the refused operation was undone by attempt())."""
    enqueue_ephemeral(db.session, ref=ref, channel=channel, slack_user=slack_user, text=text, now=now_utc())
    return "", 200


def _clicked(event: inbound.ButtonClicked):
    user = user_for_slack(db.session, event.slack_user)
    if user is None:
        return _refuse(event.trigger_id, event.channel, event.slack_user, UNLINKED)
    t = event.target
    try:
        with attempt():
            if event.decision == "approve":
                decide(db.session, user, t.draft_id, "approve", revision=t.revision, now=now_utc(), via="slack",
                       expected_stage=t.stage)
                return "", 200
            check_decide(user, get_visible_draft(db.session, user, t.draft_id), revision=t.revision,
                         expected_stage=t.stage)
    except ReviewqError as e:
        return _refuse(event.trigger_id, event.channel, event.slack_user, _explain(e, t))
    discard()  # only reads so far: no transaction stays open during the Slack call
    view = blocks.reason_modal(event.decision, t.draft_id, t.revision, t.stage, event.channel)
    try:
        client.open_view(current_app.config["REVIEWQ"], event.trigger_id, view)
    except client.SlackCallError:
        return _refuse(event.trigger_id, event.channel, event.slack_user,
                       "Slack could not open the reason form in time. Please click the button again.")
    return "", 200


def _reason_submitted(event: inbound.ReasonSubmitted):
    if not event.reason.strip():
        return jsonify(response_action="errors", errors={blocks.REASON_BLOCK: NO_REASON})
    user = user_for_slack(db.session, event.slack_user)
    if user is None:
        return _refuse(event.ref, event.channel, event.slack_user, UNLINKED)
    t = event.target
    try:
        with attempt():
            decide(db.session, user, t.draft_id, event.decision, revision=t.revision, comment=event.reason,
                   now=now_utc(), via="slack", expected_stage=t.stage)
    except ValidationError as e:
        if "comment" in e.fields:
            return jsonify(response_action="errors", errors={blocks.REASON_BLOCK: e.message})
        return _refuse(event.ref, event.channel, event.slack_user, e.message)
    except ReviewqError as e:
        return _refuse(event.ref, event.channel, event.slack_user, _explain(e, t))
    return "", 200
