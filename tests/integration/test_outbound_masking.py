"""PHI in decision comments and other free text never reaches Slack or a webhook error (issue 16)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from reviewq.integrations.slack.dispatch import deliver_due
from reviewq.clock import now_utc
from reviewq.drafts.masking import set_masking
from reviewq.extensions import db
from tests.fakes.slack_payloads import SlackSide, fake_slack, slack_settings  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("slack_settings")

COMMENT = "Remove Mrs. Alvarez MRN 00482913 from the caption before this goes out."


def _deliver(app, factory):
    with app.app_context():
        return deliver_due(db, app.config["REVIEWQ"], max(now_utc(), factory.now) + timedelta(seconds=1))


def _everything_sent(fake) -> str:
    return json.dumps([c.params for c in fake.calls])


def _request_changes_from_slack(app, client, factory, fake_slack):
    author = factory.user("staff", slack_id="UAUTHOR1")
    factory.user("reviewer", slack_id="UREVIEWER1")
    d = factory.submit(factory.draft(author))
    _deliver(app, factory)
    fake = fake_slack.fake
    req = next(c for c in fake.called("chat.postMessage") if c.params["channel"] == "DREVIEWER1")
    value = next(b for b in req.params["blocks"] if b["type"] == "actions")["elements"][0]["value"]
    slack = SlackSide(client)
    assert slack.click("UREVIEWER1", "request_changes", value, channel="DREVIEWER1").status_code == 200
    meta = fake.called("views.open")[0].params["view"]["private_metadata"]
    assert slack.submit("UREVIEWER1", meta, COMMENT).status_code == 200
    _deliver(app, factory)
    return d, fake


def test_a_comment_quoting_phi_reaches_slack_masked(app, client, session, factory, fake_slack):
    d, fake = _request_changes_from_slack(app, client, factory, fake_slack)
    sent = _everything_sent(fake)
    author_dm = [c for c in fake.called("chat.postMessage") if c.params["channel"] == "DAUTHOR1"][-1]
    assert "from the caption" in json.dumps(author_dm.params["blocks"])  # the comment did go out
    assert fake.called("chat.update")
    assert "00482913" not in sent and "Alvarez" not in sent


def test_with_masking_off_the_comment_goes_as_written(app, client, session, factory, fake_slack):
    set_masking(session, factory.user("admin"), False, now=factory.tick(), reason="Slack is under a BAA")
    session.commit()
    _, fake = _request_changes_from_slack(app, client, factory, fake_slack)
    assert "Mrs. Alvarez MRN 00482913" in _everything_sent(fake)


def test_web_decision_comment_is_masked_in_the_author_dm(app, client, session, factory, fake_slack):
    author = factory.user("staff", slack_id="UAUTHOR1")
    reviewer = factory.user("reviewer", slack_id="UREVIEWER1")
    d = factory.submit(factory.draft(author))
    factory.approve(d, reviewer, "request_changes", comment=COMMENT)
    _deliver(app, factory)
    sent = _everything_sent(fake_slack.fake)
    assert "from the caption" in sent and "00482913" not in sent and "Alvarez" not in sent


def test_webhook_errors_are_masked_even_without_post_findings():
    from reviewq.drafts.masking import mask_text
    masked = mask_text("publisher said: patient Mrs. Alvarez MRN 00482913 rejected")
    assert "00482913" not in masked and "Alvarez" not in masked and "publisher said" in masked
