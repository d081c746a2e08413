"""Quiet hours, nights and the daily digest, in the user's timezone, on a movable clock."""
from datetime import datetime, time

from notifier_samples import reflection
from services.notifier.quiet_hours import inside, release_at


class Prefs:
    def __init__(self, start=None, end=None):
        self.quiet_start, self.quiet_end = start, end


def test_windows_that_wrap_past_midnight():
    assert inside(time(23, 0), time(22, 0), time(7, 0))
    assert inside(time(6, 59), time(22, 0), time(7, 0))
    assert not inside(time(7, 0), time(22, 0), time(7, 0))
    assert inside(time(13, 0), time(12, 0), time(14, 0)) and not inside(time(14, 0), time(12, 0), time(14, 0))


def test_release_rules_in_the_users_timezone():
    # 21:30 UTC is 22:30 in Paris (winter): inside quiet hours 22:00-07:00 there.
    now = datetime(2026, 3, 2, 21, 30)
    prefs = Prefs("22:00", "07:00")
    held = release_at(now, "Europe/Paris", prefs, severity="info", about_rejection=False)
    assert held == datetime(2026, 3, 3, 6, 0)  # 07:00 Paris
    assert release_at(now, "Europe/Paris", prefs, severity="important", about_rejection=False) == now
    assert release_at(now, "Europe/Paris", prefs, severity="important", about_rejection=True) == held
    assert release_at(now, "UTC", prefs, severity="info", about_rejection=False) == now
    # No quiet hours set: rejection news still waits out the night (21:00-08:00).
    assert release_at(now, "Europe/Paris", Prefs(), severity="important", about_rejection=True) \
        == datetime(2026, 3, 3, 7, 0)
    assert release_at(now, "Europe/Paris", Prefs(), severity="info", about_rejection=False) == now


def test_held_items_reach_the_inbox_now_and_channels_when_quiet_hours_end(notifier):
    notifier.register(tz="Europe/Paris")
    notifier.send("PATCH", "/preferences", {"quiet_hours": {"start": "22:00", "end": "07:00"},
                                            "topics": {"wins": "immediate", "coaching": "immediate"}})
    notifier.clock.now = datetime(2026, 3, 2, 22, 0)  # 23:00 in Paris
    notifier.event("win.celebrated", {"win_id": 1, "kind": "k", "title": "Quiet win"})
    notifier.event("reminder.due", {"reminder_id": 2, "kind": "follow_up", "application_id": 3,
                                    "due_at": "2026-03-02T22:00:00+00:00", "urgency": "high"})
    notifier.event("reflection.prompted", reflection(urgency="high"))
    assert len(notifier.get("/notifications").json["items"]) == 3
    notifier.tick()
    assert [m.title for _, m in notifier.recorder.sent] == ["Time for a gentle follow-up"]
    notifier.clock.now = datetime(2026, 3, 3, 5, 59)
    notifier.tick()
    assert len(notifier.recorder.sent) == 1
    notifier.clock.now = datetime(2026, 3, 3, 6, 0)  # 07:00 in Paris
    notifier.tick()
    assert [m.body for _, m in notifier.recorder.sent[1:]] == ["Quiet win", "How was it?"]


def test_one_daily_digest_at_the_chosen_time_sums_up_the_held_items(notifier):
    notifier.register(tz="America/New_York")
    notifier.send("PATCH", "/preferences", {"digest_time": "19:30",
                                            "kinds": {"win": {"mode": "digest"}}})
    notifier.clock.now = datetime(2026, 3, 2, 15, 0)  # 10:00 in New York
    notifier.event("win.celebrated", {"win_id": 1, "kind": "k", "title": "Sent three applications"})
    notifier.event("win.celebrated", {"win_id": 2, "kind": "k", "title": "Finished a reflection"})
    notifier.event("insight.generated", {"insight_id": 1, "kind": "pace", "title": "Steady pace",
                                         "body": "Nice rhythm."})  # insights wait for the digest by default
    notifier.tick()
    assert notifier.recorder.sent == []
    notifier.clock.now = datetime(2026, 3, 3, 0, 29)  # 19:29 in New York
    notifier.tick()
    assert notifier.recorder.sent == []
    notifier.clock.now = datetime(2026, 3, 3, 0, 30)
    notifier.tick()
    notifier.tick()
    [(_, digest)] = notifier.recorder.sent
    assert digest.kind == "digest" and "3 things" in digest.subject
    for title in ("Sent three applications", "Finished a reflection", "Steady pace"):
        assert title in digest.body
    notifier.clock.now = datetime(2026, 3, 3, 1, 30)
    notifier.event("win.celebrated", {"win_id": 3, "kind": "k", "title": "Late win"})
    notifier.tick()
    assert len(notifier.recorder.sent) == 1  # tomorrow's digest, not a second one today
    # The digest is a letter, not news: it is filed at once, the inbox already holds each item.
    assert notifier.get("/notifications?kind=digest").json["items"] == []
    assert notifier.get("/notifications?kind=digest&archived=1").json["items"][0]["kind"] == "digest"


def test_preferences_validate_and_round_trip(notifier):
    bad = notifier.send("PUT", "/preferences", {"digest_time": "25:00", "quiet_hours": {"start": "x"},
                                               "surprise": 1})
    assert bad.status_code == 422 and {"digest_time", "quiet_hours", "surprise"} <= set(bad.json["error"]["fields"])
    good = notifier.send("PUT", "/preferences", {"quiet_hours": {"start": "21:00", "end": "08:00"},
                                                "nudges_enabled": False}).json
    assert good["quiet_hours"] == {"start": "21:00", "end": "08:00"} and good["nudges_enabled"] is False
    assert good["kinds"]["goal"] == {"channels": None, "mode": "digest"}
    assert notifier.get("/preferences", user="bob").json["nudges_enabled"] is True
    assert notifier.send("PUT", "/preferences", {"quiet_hours": None}).json["quiet_hours"] is None
