"""The support network: double opt-in, signed links, nudges that stay discreet."""

from sqlalchemy import select

from services.notifier import links
from services.notifier.models import Supporter

NUDGE = {"reason": "Three rejections from Acme Corp for Staff Engineer roles", "intensity": "gentle",
         "share_details": False}


def _add(notifier, name="Sam", email="sam@example.org", **extra):
    response = notifier.post("/supporters", {"name": name, "relationship": "friend", "email": email, **extra})
    assert response.status_code == 201, response.json
    return response.json


def _token_from(message) -> str:
    return message.link.rsplit("/", 1)[-1]


def _invitation_token(notifier, address="sam@example.org") -> str:
    notifier.tick()
    return _token_from(notifier.recorder.to(address)[-1])


def test_adding_a_supporter_sends_only_an_invitation_until_they_confirm(notifier):
    notifier.register(name="Alice")
    supporter = _add(notifier)
    assert supporter["status"] == "invited" and supporter["share_details"] is False
    assert supporter["max_frequency"] == "weekly"
    token = _invitation_token(notifier)
    [invitation] = notifier.recorder.to("sam@example.org")
    assert "Alice" in invitation.body and invitation.link.startswith("https://rebound.example/supporters/confirm/")
    assert invitation.unsubscribe_url.startswith("https://rebound.example/supporters/unsubscribe/")
    notifier.event("support.nudge_requested", NUDGE)
    notifier.clock.advance(hours=24)
    notifier.tick()
    assert len(notifier.recorder.to("sam@example.org")) == 1  # no nudge before confirmation
    look = notifier.client.get(f"/public/supporters/confirm/{token}")
    assert look.json["status"] == "invited" and look.json["person_name"] == "Alice"
    assert notifier.client.post(f"/public/supporters/confirm/{token}").json["status"] == "confirmed"
    assert notifier.get("/supporters").json["items"][0]["status"] == "confirmed"


def test_a_nudge_is_kind_short_and_keeps_details_private(notifier):
    notifier.register(name="Alice")
    _add(notifier)
    notifier.client.post(f"/public/supporters/confirm/{_invitation_token(notifier)}")
    notifier.clock.advance(hours=24)  # noon: not at night
    notifier.event("support.nudge_requested", {**NUDGE, "share_details": True})  # the supporter didn't allow details
    notifier.tick()
    nudge = notifier.recorder.to("sam@example.org")[-1]
    assert "tough stretch" in nudge.body and "Alice" in nudge.subject
    for secret in ("Acme", "Staff Engineer", "rejection"):
        assert secret not in nudge.text and secret not in nudge.subject
    assert nudge.unsubscribe_url
    [note] = notifier.get("/notifications?kind=nudge_sent").json["items"]
    assert "Sam" in note["title"]


def test_details_only_when_both_sides_allow_them(notifier):
    notifier.register()
    _add(notifier, share_details=True)
    notifier.client.post(f"/public/supporters/confirm/{_invitation_token(notifier)}")
    notifier.clock.advance(hours=24)
    notifier.event("support.nudge_requested", {**NUDGE, "share_details": True})
    notifier.tick()
    assert "Acme" in notifier.recorder.to("sam@example.org")[-1].text


def test_frequency_cap_and_switches(notifier):
    notifier.register()
    sam = _add(notifier)
    notifier.client.post(f"/public/supporters/confirm/{_invitation_token(notifier)}")
    notifier.clock.advance(hours=24)
    for _ in range(2):
        notifier.event("support.nudge_requested", NUDGE)
    notifier.tick()
    assert len(notifier.recorder.to("sam@example.org")) == 2  # invitation + one nudge this week
    notifier.clock.advance(days=7)
    notifier.send("PATCH", f"/supporters/{sam['id']}", {"nudges_enabled": False})
    notifier.event("support.nudge_requested", NUDGE)
    notifier.send("PATCH", f"/supporters/{sam['id']}", {"nudges_enabled": True})
    notifier.send("PATCH", "/preferences", {"nudges_enabled": False})
    notifier.event("support.nudge_requested", NUDGE)
    notifier.tick()
    assert len(notifier.recorder.to("sam@example.org")) == 2


def test_tampered_expired_and_borrowed_links_are_refused(notifier):
    notifier.register()
    _add(notifier)
    _add(notifier, name="Kim", email="kim@example.org")
    sam_token = _invitation_token(notifier)
    kim_token = _token_from(notifier.recorder.to("kim@example.org")[-1])
    tampered = sam_token[:-2] + ("AA" if not sam_token.endswith("AA") else "BB")
    assert notifier.client.post(f"/public/supporters/confirm/{tampered}").status_code == 410
    unsubscribe = notifier.recorder.to("sam@example.org")[-1].unsubscribe_url.rsplit("/", 1)[-1]
    wrong_purpose = notifier.client.post(f"/public/supporters/confirm/{unsubscribe}")
    assert wrong_purpose.status_code == 410 and wrong_purpose.json["error"]["code"] == "invalid"
    with notifier.runtime.sessions() as session:
        kim = session.scalar(select(Supporter).where(Supporter.name == "Kim"))
        forged = links.make_token("not-our-key", links.CONFIRM, kim.id, kim.nonce)
        borrowed_nonce = links.make_token(notifier.runtime.settings.secret_key, links.CONFIRM, kim.id, "0" * 32)
    assert notifier.client.post(f"/public/supporters/confirm/{forged}").status_code == 410
    assert notifier.client.post(f"/public/supporters/confirm/{borrowed_nonce}").status_code == 410
    notifier.clock.advance(days=15)
    expired = notifier.client.post(f"/public/supporters/confirm/{kim_token}")
    assert expired.status_code == 410 and expired.json["error"]["code"] == "expired"
    assert {s["status"] for s in notifier.get("/supporters").json["items"]} == {"invited"}


def test_a_removed_and_re_added_supporter_cannot_use_old_links(notifier):
    notifier.register()
    sam = _add(notifier)
    old = _invitation_token(notifier)
    notifier.send("DELETE", f"/supporters/{sam['id']}")
    _add(notifier)
    assert notifier.client.post(f"/public/supporters/confirm/{old}").status_code == 410


def test_one_click_unsubscribe_stops_everything(notifier):
    notifier.register()
    _add(notifier)
    notifier.client.post(f"/public/supporters/confirm/{_invitation_token(notifier)}")
    unsubscribe = notifier.recorder.to("sam@example.org")[-1].unsubscribe_url.rsplit("/", 1)[-1]
    assert notifier.client.post(f"/public/supporters/unsubscribe/{unsubscribe}").json["status"] == "unsubscribed"
    notifier.clock.advance(hours=24)
    notifier.event("support.nudge_requested", NUDGE)
    notifier.tick()
    assert len(notifier.recorder.to("sam@example.org")) == 1
    assert notifier.get("/supporters").json["items"][0]["status"] == "unsubscribed"


def test_good_news_is_shared_only_when_the_user_opts_in(notifier):
    notifier.register()
    _add(notifier)
    notifier.client.post(f"/public/supporters/confirm/{_invitation_token(notifier)}")
    offer = {"application_id": 1, "company": "Acme", "role": "Engineer"}
    notifier.event("application.offer_received", offer)
    notifier.tick()
    assert len(notifier.recorder.to("sam@example.org")) == 1
    notifier.send("PATCH", "/preferences", {"share_good_news": True})
    notifier.event("application.offer_received", offer)
    notifier.tick()
    news = notifier.recorder.to("sam@example.org")[-1]
    assert "offer" in news.body and "Acme" not in news.text


def test_supporter_validation_scoping_and_resend(notifier):
    both = notifier.post("/supporters", {"name": "X", "relationship": "friend", "email": "x@example.org",
                                         "apprise_url": "json://localhost/"})
    assert both.status_code == 422 and "email" in both.json["error"]["fields"]
    bad = notifier.post("/supporters", {"name": "", "relationship": "boss", "email": "nope"})
    assert set(bad.json["error"]["fields"]) >= {"name", "relationship", "email"}
    sam = _add(notifier, email=None, apprise_url="json://hooks.example/sam-secret-path")
    assert "sam-secret-path" not in sam["apprise_url"]
    assert notifier.post(f"/supporters/{sam['id']}/resend", user="bob").status_code == 404
    assert notifier.post(f"/supporters/{sam['id']}/resend").status_code == 200
    assert notifier.get("/supporters", user="bob").json["items"] == []
    notifier.tick()
    assert [t.kind for t, _ in notifier.recorder.sent] == ["apprise", "apprise"]
