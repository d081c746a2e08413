"""The coach once on Today, cards in the inbox, Settings → Notifications and the one-click unsubscribe page."""
from __future__ import annotations

import html
import re
from datetime import date

HTMX = {"HX-Request": "true"}
CARD = {"id": 40, "kind": "coach_card", "severity": "gentle", "title": "About Northwind",
        "body": "A no after a final round stings.", "link": "/inbox", "read_at": None,
        "created_at": "2026-03-02T10:00:00", "sections": [
            {"kind": "feelings", "title": "First, you", "body": "It's fine to feel flat today.", "link": None},
            {"kind": "next_step", "title": "One small step", "body": "Send one note on Tuesday.",
             "link": "/applications/3"},
            {"kind": "review", "title": "Bad link", "body": "x", "link": "javascript:alert(1)"}]}
OLDER = [{"id": 39 - n, "kind": "reflection", "severity": "gentle", "title": f"Older {n}", "body": "b",
          "link": "/reflections", "read_at": "2026-03-01T10:00:00" if n == 0 else None,
          "created_at": "2026-03-01T09:00:00", "sections": None} for n in range(3)]
PREFS = {"topics": {"coaching": "digest", "wins": "digest", "reminders": "immediate",
                    "weekly_review": "immediate", "supporters": "digest", "safety": "immediate",
                    "account": "immediate"},
         "kinds": {}, "quiet_hours": None, "digest_time": "18:00", "nudges_enabled": True,
         "share_good_news": False}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_today_shows_the_newest_card_whole_and_how_many_more_wait(client, services, signed_in):
    services.reply("notifier", "GET", "/notifications", {"items": [CARD, *OLDER], "next_cursor": None})
    page = text(client.get("/"))
    asked = [c for c in services.calls_to("notifier", "GET") if c.path == "/notifications"][-1]
    assert asked.args["kind"] == "coach_card,reflection,insight,win,goal"
    panel = page[page.index('id="today-coach"'):]
    assert "About Northwind" in panel and "It's fine to feel flat today." in panel
    assert panel.index("First, you") < panel.index("One small step")  # the coach's order
    assert '<a href="/applications/3">' in panel and "javascript:" not in page
    assert "2 more from your coach in your inbox" in panel  # two unread beyond the newest
    assert "Older 1" not in panel


def test_the_coach_panel_polls_with_204_while_unchanged_and_marks_read_in_place(client, services, signed_in):
    services.reply("notifier", "GET", "/notifications", {"items": [CARD], "next_cursor": None})
    first = text(client.get("/today/coach", headers=HTMX))
    assert first.lstrip().startswith('<div id="today-coach"') and "<html" not in first
    poll = html.unescape(re.search(r'hx-get="([^"]+)"', first).group(1))
    assert client.get(poll, headers=HTMX).status_code == 204
    services.reply("notifier", "POST", "/notifications/40/read", {**CARD, "read_at": "2026-03-02T11:00:00"})
    services.reply("notifier", "GET", "/notifications",
                   {"items": [{**CARD, "read_at": "2026-03-02T11:00:00"}], "next_cursor": None})
    done = client.post("/today/coach/40/read", data={"csrf_token": signed_in.csrf()}, headers=HTMX)
    assert done.status_code == 200 and "Marked as read" in text(done)
    assert client.get(poll, headers=HTMX).status_code == 200  # it changed


def test_an_empty_coach_panel_is_calm(client, services, signed_in):
    assert "Nothing new from your coach. That's fine too." in text(client.get("/"))


def test_the_inbox_lists_one_entry_per_card_with_its_sections_folded(client, services, signed_in):
    services.reply("notifier", "GET", "/notifications", {"items": [CARD, *OLDER], "next_cursor": None})
    page = text(client.get("/inbox"))
    assert page.count('class="notification ') == 4
    details = re.search(r'<details class="card-details">(.*?)</details>', page, re.S).group(1)
    assert "First, you" in details and "One small step" in details
    assert "javascript:" not in page


def test_settings_links_to_notification_settings(client, services, signed_in):
    assert 'href="/settings/notifications"' in text(client.get("/settings"))


def test_notification_settings_show_each_topic_with_its_choice(client, services, signed_in):
    services.reply("notifier", "GET", "/preferences", PREFS)
    page = text(client.get("/settings/notifications"))
    assert re.search(r'<select id="topic-coaching"[^>]*>.*?<option value="digest" selected>In the daily digest',
                     page, re.S)
    assert re.search(r'<select id="topic-reminders"[^>]*>.*?<option value="immediate" selected>Right away',
                     page, re.S)
    safety = re.search(r'<select id="topic-safety".*?</select>', page, re.S).group(0)
    assert "digest" not in safety and "Off (inbox only)" in safety
    assert 'name="digest_time" type="time" required value="18:00"' in page


def test_notification_settings_are_saved_together(client, services, signed_in):
    services.reply("notifier", "PATCH", "/preferences", PREFS)
    form = {"topic-coaching": "immediate", "topic-wins": "off", "topic-safety": "digest",
            "digest_time": "07:30", "quiet_start": "22:00", "quiet_end": "07:00", "csrf_token": signed_in.csrf()}
    answer = client.post("/settings/notifications", data=form)
    assert answer.status_code == 302 and answer.headers["Location"] == "/settings/notifications"
    sent = services.calls_to("notifier", "PATCH")[-1].json
    # Safety can't wait for a digest, so that choice is simply not sent.
    assert sent == {"topics": {"coaching": "immediate", "wins": "off"}, "digest_time": "07:30",
                    "quiet_hours": {"start": "22:00", "end": "07:00"}}


def test_bad_times_are_explained_and_nothing_is_sent(client, services, signed_in):
    services.reply("notifier", "GET", "/preferences", PREFS)
    for form in ({"digest_time": "25:00"}, {"digest_time": "18:00", "quiet_start": "22:00"}, {}):
        client.post("/settings/notifications", data={**form, "csrf_token": signed_in.csrf()})
        page = text(client.get("/settings/notifications"))
        assert "Some of that needs another look." in page, form
    assert services.calls_to("notifier", "PATCH") == []


def test_the_unsubscribe_link_asks_first_then_works_in_one_post_without_a_session(client, app, services):
    services.reply("notifier", "GET", "/public/mail/unsubscribe/tok",
                   {"valid": True, "topic": "coaching", "label": "coaching notes", "on": True})
    services.reply("notifier", "POST", "/public/mail/unsubscribe/tok",
                   {"valid": True, "topic": "coaching", "label": "coaching notes", "on": False})
    asked = text(client.get("/mail/unsubscribe/tok"))
    assert "Stop e-mails about coaching notes?" in asked
    assert services.calls_to("notifier", "POST") == []  # looking changes nothing
    # A mail provider's RFC 8058 one-click: a bare POST, no cookie, no CSRF token.
    fresh = app.test_client()
    done = fresh.post("/mail/unsubscribe/tok", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "no more e-mails about coaching notes" in text(done)
    assert services.calls_to("notifier", "POST")[-1].path == "/public/mail/unsubscribe/tok"


def test_a_bad_unsubscribe_link_gets_a_kind_page(client, services):
    services.reply("notifier", "POST", "/public/mail/unsubscribe/old",
                   {"error": {"code": "expired", "message": "This link has expired.", "fields": {}}}, status=410)
    answer = client.post("/mail/unsubscribe/old")
    assert answer.status_code == 410 and "invalid or has expired" in text(answer)


def test_other_forms_still_need_the_csrf_token(client, services, signed_in):
    assert client.post("/settings/notifications", data={"digest_time": "18:00"}).status_code == 403


def test_the_inbox_tells_the_time_in_the_persons_own_zone(client, services, auth):
    assert auth.register(timezone="Asia/Tokyo").status_code == 302
    this_year = date.today().year
    card = {**CARD, "created_at": f"{this_year}-03-02T10:00:00"}
    services.reply("notifier", "GET", "/notifications", {"items": [card], "next_cursor": None})
    page = text(client.get("/inbox"))
    assert "2 Mar, 19:00" in page and f"{this_year}-03-02" not in page  # 10:00 UTC is 19:00 in Tokyo
