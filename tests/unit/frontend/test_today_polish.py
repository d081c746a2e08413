"""The small things around Today: the appearance switch, the greeting at sign-in, the zone list
at sign-up, Undo after archiving, and feedback worth asking for under "Coming up"."""
from __future__ import annotations

import html
from datetime import date, timedelta
import re

from frontend import appearance, visits


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.get_data(as_text=True)).group(0)


def test_the_appearance_choice_is_drawn_on_the_page_and_system_forgets_it(client, signed_in):
    assert "data-theme" not in html_tag(client.get("/settings"))
    answer = client.post("/settings/appearance", data={"theme": "dark", "csrf_token": signed_in.csrf()})
    assert answer.status_code == 302 and f"{appearance.COOKIE}=dark" in answer.headers["Set-Cookie"]
    page = client.get("/settings")
    assert 'data-theme="dark"' in html_tag(page)
    assert re.search(r'<option value="dark"\s+selected>', page.get_data(as_text=True))
    client.post("/settings/appearance", data={"theme": "system", "csrf_token": signed_in.csrf()})
    assert "data-theme" not in html_tag(client.get("/settings"))


def test_an_unknown_appearance_means_the_device_decides(client, signed_in):
    client.set_cookie(appearance.COOKIE, "purple")
    assert "data-theme" not in html_tag(client.get("/settings"))
    client.post("/settings/appearance", data={"theme": "<script>", "csrf_token": signed_in.csrf()})
    assert "data-theme" not in html_tag(client.get("/settings"))


def test_a_first_visit_is_welcomed_and_a_browser_that_signed_in_before_is_welcomed_back(client, auth):
    assert "<h1>Welcome</h1>" in text(client.get("/login"))
    auth.register()
    auth.logout()
    assert client.get_cookie(visits.COOKIE) is not None
    assert "<h1>Welcome back</h1>" in text(client.get("/login"))


def test_sign_up_offers_a_list_of_zones_and_keeps_the_one_sent(client):
    page = text(client.get("/register"))
    assert re.search(r'<select id="timezone" name="timezone" data-detect-zone\s*>', page)
    assert '<option value="Europe/Berlin">' in page
    assert re.search(r'<script src="/static/time_zone.js[^"]*" defer></script>', page)


def test_archiving_says_so_with_an_undo_that_brings_it_back(client, services, signed_in):
    services.reply("tracker", "POST", "/applications/7/archive", {"id": 7, "archived": True})
    answer = client.post("/applications/7/archive", data={"csrf_token": signed_in.csrf()})
    assert answer.status_code == 302
    services.reply("tracker", "GET", "/applications/7", {"id": 7, "company": "Acme", "role": "Engineer",
                                                        "stage": "applied", "archived": True, "history": []})
    page = text(client.get(answer.headers["Location"]))
    toast = re.search(r'<div class="notice notice-undo">(.*?)</div>', page, re.S).group(1)
    assert "Archived." in toast and 'action="/applications/7/unarchive"' in toast and ">Undo</button>" in toast


def test_coming_up_names_feedback_worth_asking_for(client, services, signed_in):
    services.reply("coach", "GET", "/feedback-requests", {"items": [
        {"id": 1, "application_id": 4, "subject": "Feedback on my Globex interview", "status": "draft"},
        {"id": 2, "application_id": 5, "subject": "Already asked Initech", "status": "sent"},
    ], "next_cursor": None})
    page = text(client.get("/"))
    assert "Worth asking for feedback:" in page and "Feedback on my Globex interview" in page
    assert "Already asked Initech" not in page


def test_today_names_a_few_applications_that_went_quiet_and_leaves_the_deciding_to_the_board(
        client, services, signed_in):
    quiet = [{"id": n, "company": f"Quiet {n}", "role": "Analyst", "applied_on": "2025-01-02"} for n in range(1, 6)]
    services.reply("tracker", "GET", "/ghost-candidates", {"items": quiet, "next_cursor": None})
    page = text(client.get("/"))
    assert "Gone quiet?" in page
    assert [n for n in range(1, 6) if f">Quiet {n}</a>" in page] == [1, 2, 3]
    assert "Decide what the silence means (5 in all)" in page
    assert "Mark as no reply" not in page  # the buttons live on Applications


def test_today_asks_the_tracker_for_follow_ups_in_the_next_two_weeks_whatever_their_age(
        client, services, signed_in):
    client.get("/")
    asked = [c.args for c in services.calls_to("tracker", "GET")
             if c.path == "/applications" and "follow_up_from" in c.args]
    assert len(asked) == 1
    start, end = date.fromisoformat(asked[0]["follow_up_from"]), date.fromisoformat(asked[0]["follow_up_to"])
    assert end - start == timedelta(days=14)
