"""The author's consent path in the web pages, and the keepers' tasks and signed forms."""
from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from reviewq.consents import operations as svc
from reviewq.consents import tasks
from reviewq.models import ConsentTask
from tests.factories import csrf_from
from tests.integration.test_consent_people import EDNA, edna_consent, scheduled_story


def switch(client, login, user):
    """Sign out (the real form) and sign in as `user`."""
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/account/security"))})
    return login(user)


def test_staff_have_no_registry_link_and_get_403(client, factory, login):
    login(factory.user("staff"))
    home = client.get("/mine")
    assert b'href="/consents"' not in home.data
    assert client.get("/consents").status_code == 403


def test_a_blocked_story_offers_link_and_request_and_the_author_links_by_name(client, factory, login, session):
    staff = factory.user("staff")
    edna_consent(session, factory)
    session.commit()
    login(staff)
    page = client.get("/drafts/new")
    r = client.post("/drafts/new", data={"body": EDNA, "channels": ["facebook"], "action": "submit",
                                         "csrf_token": csrf_from(page)}, follow_redirects=True)
    assert r.status_code == 422 and b"Link a consent" in r.data and b"Request consent" in r.data
    d = factory.session.scalars(select(__import__("reviewq.models", fromlist=["Draft"]).Draft)).all()[-1]
    found = client.get(f"/consents/link?draft_id={d.id}&name=Edna%20Morales")
    assert found.status_code == 200 and b"Link this consent" in found.data
    assert b"Edna Lopez" not in found.data
    none = client.get(f"/consents/link?draft_id={d.id}&name=Edna")
    assert b"No consent is registered" in none.data
    import re
    ref = re.search(rb'name="consent_ids" value="([0-9a-f-]+)"', found.data).group(1).decode()
    r = client.post(f"/consents/link?draft_id={d.id}", data={"consent_ids": ref, "mention": "Edna Morales",
                                                             "csrf_token": csrf_from(found)})
    assert r.status_code == 302
    assert [c.subject_name for c in svc.linked_consents(session, d)] == ["Edna Morales"]


def test_request_consent_page_and_comms_task_list(client, factory, login, session):
    staff, comms = factory.user("staff"), factory.user("comms")
    d = factory.draft(staff, body=EDNA)
    session.commit()
    login(staff)
    page = client.get(f"/consents/link?draft_id={d.id}&name=Edna%20Morales")
    bad = client.post(f"/consents/request?draft_id={d.id}", data={"subject_name": "Nobody Here",
                                                                  "csrf_token": csrf_from(page)})
    assert bad.status_code == 422 and b"exactly as it is written" in bad.data
    r = client.post(f"/consents/request?draft_id={d.id}", data={"subject_name": "Edna Morales",
                                                                "csrf_token": csrf_from(page)})
    assert r.status_code == 302
    switch(client, login, comms)
    listing = client.get("/consents")
    assert b"Record consent" in listing.data and f"Draft #{d.id}".encode() in listing.data


def test_signed_form_is_served_to_keepers_only_no_store(client, factory, login, session, app):
    comms = factory.user("comms")
    login(comms)
    page = client.get("/consents")
    from tests.factories import _png
    r = client.post("/consents", data={"subject_name": "Edna Morales", "covers": ["name", "photo"],
                                       "relation": "patient", "csrf_token": csrf_from(page),
                                       "form_file": (io.BytesIO(_png()), "form.png")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    c = session.scalars(select(__import__("reviewq.models", fromlist=["Consent"]).Consent)).one()
    got = client.get(f"/consents/{c.id}/form")
    assert got.status_code == 200 and got.mimetype == "image/png" and "no-store" in got.headers["Cache-Control"]
    bad = client.post("/consents", data={"subject_name": "Rosa Diaz", "covers": ["name"],
                                         "csrf_token": csrf_from(page),
                                         "form_file": (io.BytesIO(b"MZ not a form"), "form.exe")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and b"PDF or an image" in bad.data
    switch(client, login, factory.user("staff"))
    assert client.get(f"/consents/{c.id}/form").status_code == 404
    switch(client, login, factory.user("reviewer"))
    assert client.get(f"/consents/{c.id}/form").status_code == 404


def test_revoking_in_the_web_lists_a_takedown_until_marked_done(client, factory, login, session):
    c = edna_consent(session, factory)
    d, approvers = scheduled_story(session, factory, c)
    from reviewq.drafts import transitions as T
    T.apply(d, T.release_transition(d), factory.tick())
    session.commit()
    login(approvers["comms"])
    page = client.get("/consents")
    r = client.post(f"/consents/{c.id}/revoke", data={"reason": "the family asked", "csrf_token": csrf_from(page)})
    assert r.status_code == 302
    listing = client.get("/consents")
    assert b"Take down" in listing.data and b"the family asked" in listing.data
    (task,) = session.scalars(select(ConsentTask)).all()
    client.post(f"/consents/tasks/{task.id}/done", data={"csrf_token": csrf_from(listing)})
    assert b"Take down" not in client.get("/consents").data
