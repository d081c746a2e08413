"""Interview rounds with a time and place, and the private calendar feed's key."""
from datetime import date, timedelta


def _round(tracker, app_id, **fields):
    body = {"scheduled_on": (date.today() + timedelta(days=3)).isoformat(), "kind": "technical", **fields}
    return tracker.post(f"/applications/{app_id}/rounds", body)


def test_a_round_keeps_its_time_zone_duration_place_and_link(tracker):
    app = tracker.create()
    reply = _round(tracker, app["id"], starts_at="14:30", timezone="Europe/Berlin", duration_minutes=45,
                   location="Main St 1", video_url="https://meet.example.com/abc", interviewer="Ada")
    assert reply.status_code == 201, reply.json
    again = tracker.get(f"/applications/{app['id']}").json["rounds"][0]
    assert (again["starts_at"], again["timezone"], again["duration_minutes"]) == ("14:30", "Europe/Berlin", 45)
    assert (again["location"], again["video_url"]) == ("Main St 1", "https://meet.example.com/abc")


def test_a_round_with_an_unknown_zone_or_a_bad_time_is_refused_by_field(tracker):
    app = tracker.create()
    reply = _round(tracker, app["id"], timezone="Mars/Olympus", starts_at="25:99", duration_minutes=0)
    assert reply.status_code == 422
    assert set(reply.json["error"]["fields"]) == {"timezone", "starts_at", "duration_minutes"}


def test_the_feed_answers_only_to_the_current_key(tracker):
    app = tracker.create(company="Initech", follow_up_on=(date.today() + timedelta(days=2)).isoformat())
    _round(tracker, app["id"], starts_at="09:00", timezone="America/New_York")
    assert tracker.get("/calendar/key").json == {"active": False, "created_at": None}
    first = tracker.post("/calendar/key").json["key"]
    feed = tracker.get(f"/calendar/events?key={first}")
    assert feed.status_code == 200
    assert [r["company"] for r in feed.json["rounds"]] == ["Initech"]
    assert [f["company"] for f in feed.json["follow_ups"]] == ["Initech"]
    # another person's call with the same key sees nothing
    assert tracker.get(f"/calendar/events?key={first}", user="bob").status_code == 404
    second = tracker.post("/calendar/key").json["key"]
    assert tracker.get(f"/calendar/events?key={first}").status_code == 404
    assert tracker.get(f"/calendar/events?key={second}").status_code == 200
    assert tracker.delete("/calendar/key").status_code == 204
    assert tracker.get(f"/calendar/events?key={second}").status_code == 404
    assert tracker.get("/calendar/key").json["active"] is False


def test_a_round_ahead_of_an_ended_application_leaves_the_feed(tracker):
    app = tracker.create(company="Gone")
    _round(tracker, app["id"])
    key = tracker.post("/calendar/key").json["key"]
    assert [r["company"] for r in tracker.get(f"/calendar/events?key={key}").json["rounds"]] == ["Gone"]
    tracker.post(f"/applications/{app['id']}/rejection", {})
    assert tracker.get(f"/calendar/events?key={key}").json["rounds"] == []
