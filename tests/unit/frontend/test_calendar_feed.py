"""The private calendar feed, read as a calendar app reads it: rounds, follow-ups and feedback reminders."""
from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

ROUND = {"id": 7, "scheduled_on": "2030-05-02", "starts_at": "14:30", "timezone": None,
         "duration_minutes": 45, "kind": "technical", "interviewer": "Ada", "location": None,
         "video_url": None, "notes": None, "application_id": 1, "company": "Acme", "role": "Engineer"}
FOLLOW_UP = {"application_id": 2, "company": "Globex", "role": "Designer", "follow_up_on": "2030-05-06"}
# 03:00 UTC on the 3rd is still the evening of the 2nd in Los Angeles
REMINDER = {"draft_id": 31, "application_id": 3, "due_at": "2030-05-03T03:00:00Z", "status": "pending",
            "company": "Initech", "role": "Analyst"}


@pytest.fixture
def feed_path(client, services, auth):
    """A person in Los Angeles who has turned the feed on; the path of its address."""
    assert auth.register(timezone="America/Los_Angeles").status_code == 302
    services.reply("tracker", "POST", "/calendar/key", {"key": "k3y"}, status=201)
    page = client.post("/applications/calendar", data={"csrf_token": auth.csrf()}).get_data(as_text=True)
    client.post("/logout", data={"csrf_token": auth.csrf()})  # calendar apps come without a session
    return urlsplit(re.search(r'id="feed-url"[^>]*value="([^"]+)"', page).group(1)).path


def _events(reply) -> dict[str, object]:
    assert reply.status_code == 200 and reply.mimetype == "text/calendar"
    calendar = Calendar.from_ical(reply.data)
    return {str(e["uid"]).split("@")[0]: e for e in calendar.walk("VEVENT")}


def test_the_feed_has_feedback_reminders_on_the_persons_own_day(client, services, feed_path):
    services.reply("tracker", "GET", "/calendar/events", {"rounds": [ROUND], "follow_ups": [FOLLOW_UP]})
    services.reply("coach", "GET", "/feedback-requests/reminders", {"items": [REMINDER]})
    events = _events(client.get(feed_path))
    assert set(events) == {"round-7", "follow-up-2-2030-05-06", "feedback-reminder-31"}
    reminder = events["feedback-reminder-31"]
    assert str(reminder["summary"]) == "Ask for feedback: Initech (Analyst)"
    assert reminder.decoded("dtstart") == date(2030, 5, 2) and reminder.decoded("dtend") == date(2030, 5, 3)
    start = events["round-7"].decoded("dtstart")  # a round without its own zone is in the person's
    assert start == datetime(2030, 5, 2, 14, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert str(start.tzinfo) == "America/Los_Angeles"
    assert services.calls_to("tracker", "GET")[-1].args == {"key": "k3y"}


def test_without_the_coach_the_feed_still_has_rounds_and_follow_ups(client, services, feed_path):
    services.reply("tracker", "GET", "/calendar/events", {"rounds": [ROUND], "follow_ups": [FOLLOW_UP]})
    services.reply("coach", "GET", "/feedback-requests/reminders", {"error": {"code": "oops"}}, status=503)
    assert set(_events(client.get(feed_path))) == {"round-7", "follow-up-2-2030-05-06"}


def test_a_revoked_feed_asks_the_coach_nothing(client, services, feed_path):
    services.reply("tracker", "GET", "/calendar/events", {"error": {"code": "not_found"}}, status=404)
    assert client.get(feed_path).status_code == 404
    assert services.calls_to("coach") == []
