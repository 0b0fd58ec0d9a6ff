"""Find any post (issue 13): the all-drafts search for comms, admins and auditors, and where `/` lands."""
from __future__ import annotations

import pytest

from reviewq.models import Draft


def _ids(html: str) -> list[int]:
    return [int(p.split('"')[0]) for p in html.split('href="/drafts/')[1:] if p.split('"')[0].isdigit()]


@pytest.fixture
def posts(factory):
    sam = factory.user("staff", name="Sam Staff")
    olive = factory.user("staff", name="Olive Other")
    flu = factory.submit(factory.draft(sam, body="Flu shots at the Elm Street clinic.", channels=("facebook",)))
    run = factory.draft(olive, body="Join the 5K fun run for the children's wing!", channels=("x", "instagram"))
    pct = factory.draft(sam, body="100% of our nurses are certified_ this year.", channels=("linkedin",))
    return sam, olive, flu, run, pct


@pytest.mark.parametrize("role", ["admin", "auditor"])
def test_search_by_text_author_state_and_channel(client, factory, login, posts, role):
    sam, olive, flu, run, pct = posts
    login(factory.user(role))
    assert set(_ids(client.get("/drafts").get_data(as_text=True))) >= {flu.id, run.id, pct.id}
    assert _ids(client.get("/drafts?q=elm+STREET").get_data(as_text=True)) == [flu.id]
    assert _ids(client.get(f"/drafts?author={olive.id}").get_data(as_text=True)) == [run.id]
    assert _ids(client.get(f"/drafts?author={sam.id}&state=draft").get_data(as_text=True)) == [pct.id]
    assert _ids(client.get("/drafts?channel=instagram").get_data(as_text=True)) == [run.id]
    # LIKE wildcards in the text are literal characters
    assert _ids(client.get("/drafts?q=100%25").get_data(as_text=True)) == [pct.id]
    assert _ids(client.get("/drafts?q=d_").get_data(as_text=True)) == [pct.id]
    html = client.get("/drafts?q=nothing+like+this").get_data(as_text=True)
    assert _ids(html) == [] and "No drafts match" in html


def test_comms_find_what_reached_them_and_nothing_else(client, factory, login, posts):
    sam, olive, flu, run, pct = posts
    done = factory.approved_draft(sam, body="Our new MRI suite opens on Monday.")
    login(factory.user("comms"))
    found = _ids(client.get("/drafts").get_data(as_text=True))
    assert done.id in found and not {flu.id, run.id, pct.id} & set(found)
    assert _ids(client.get("/drafts?q=mri").get_data(as_text=True)) == [done.id]
    assert _ids(client.get("/drafts?q=elm").get_data(as_text=True)) == []


def test_search_by_written_date(client, factory, login, posts):
    login(factory.user("auditor"))
    day = factory.now.date()
    assert len(_ids(client.get(f"/drafts?from={day}&to={day}").get_data(as_text=True))) == 3
    assert _ids(client.get("/drafts?from=2001-01-01&to=2001-12-31").get_data(as_text=True)) == []


def test_search_pages_on_the_server_and_keeps_the_query(client, factory, login):
    author = factory.user("staff")
    made = [factory.draft(author, body=f"Blood drive reminder {i}.") for i in range(30)]
    login(factory.user("auditor"))
    first = client.get("/drafts?q=blood+drive").get_data(as_text=True)
    assert _ids(first) == [d.id for d in reversed(made)][:25]
    link = first.split("Older drafts")[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert "q=blood+drive" in link and "after=" in link
    second = client.get(link).get_data(as_text=True)
    assert _ids(second) == [d.id for d in reversed(made)][25:]


@pytest.mark.parametrize("query, message", [
    ("from=2026-02-30", "is not a date"),
    ("to=tomorrow", "is not a date"),
    ("from=2026-05-02&to=2026-05-01", "before the start date"),
    ("author=abc", "Choose the author"),
    ("state=lost", "Unknown state"),
    ("channel=myspace", "Unknown channel"),
    ("q=" + "x" * 201, "at most 200 characters"),
    ("after=zz", "page cursor"),
])
def test_bad_search_is_a_400_with_a_message(client, factory, login, query, message):
    login(factory.user("admin"))
    resp = client.get(f"/drafts?{query}")
    assert resp.status_code == 400 and message in resp.get_data(as_text=True)


@pytest.mark.parametrize("roles", [("staff",), ("reviewer",), ("legal",), ("staff", "reviewer")])
def test_others_may_not_search_all_drafts(client, factory, login, posts, roles):
    login(factory.user(*roles))
    resp = client.get("/drafts?q=flu")
    assert resp.status_code == 403 and "Elm Street" not in resp.get_data(as_text=True)
    assert "All drafts" not in client.get("/mine").get_data(as_text=True)


def test_the_search_refuses_in_the_service_layer_too(factory, session):
    from reviewq.core.errors import PermissionDeniedError
    from reviewq.drafts.queries import DraftFilter, search_drafts
    with pytest.raises(PermissionDeniedError):
        search_drafts(session, factory.user("reviewer"), DraftFilter())
    rows, _ = search_drafts(session, factory.user("auditor"), DraftFilter())
    assert all(isinstance(d, Draft) for d in rows)


@pytest.mark.parametrize("roles, lands_on", [
    (("staff",), None), (("admin",), None), (("reviewer",), "/review"), (("legal",), "/review"),
    (("staff", "reviewer"), "/review"), (("comms",), "/calendar"), (("auditor",), "/audit"),
    (("admin", "auditor"), "/audit"),
])
def test_home_lands_by_role_and_my_drafts_stays_reachable(client, factory, login, roles, lands_on):
    user = login(factory.user(*roles))
    resp = client.get("/")
    if lands_on is None:
        assert resp.status_code == 200 and "My drafts" in resp.get_data(as_text=True)
    else:
        assert resp.status_code == 302 and resp.headers["Location"].endswith(lands_on)
        assert client.get("/", follow_redirects=True).status_code == 200
    if "auditor" not in roles or "admin" in roles:
        mine = factory.draft(user, body="A post of my own about parking.")
        html = client.get("/mine").get_data(as_text=True)
        assert "<h1>My drafts</h1>" in html and "parking" in html and str(mine.id) in html
