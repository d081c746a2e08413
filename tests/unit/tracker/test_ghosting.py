"""The daily ghosting pass, driven by an injected clock."""
import threading
from datetime import datetime

from services.tracker import ghosting


def _pass(tracker, now):
    with tracker.runtime.sessions.begin() as session:
        return ghosting.run_once(session, now, after_days=21)


def test_quiet_applications_are_offered_once_and_listed_for_confirmation(tracker):
    quiet = tracker.create(applied_on="2026-01-01")
    recent = tracker.create(company="Fresh", applied_on="2026-01-15")
    moved = tracker.create(company="Moving", applied_on="2026-01-01")
    tracker.post(f"/applications/{moved['id']}/stage", {"stage": "screening", "changed_on": "2026-01-05"})
    tracker.create(company="Other", applied_on="2026-01-01", user="bob")
    assert _pass(tracker, datetime(2026, 1, 21)) == {"offered": 0, "ghosted": 0}
    assert _pass(tracker, datetime(2026, 1, 22, 9)) == {"offered": 2, "ghosted": 0}
    assert _pass(tracker, datetime(2026, 1, 23, 9)) == {"offered": 0, "ghosted": 0}  # durable: no repeat
    assert [a["id"] for a in tracker.get("/ghost-candidates").json["items"]] == [quiet["id"]]
    assert recent["id"] not in [a["id"] for a in tracker.get("/ghost-candidates").json["items"]]
    confirmed = tracker.post(f"/applications/{quiet['id']}/ghost").json
    assert confirmed["stage"] == "ghosted"
    assert tracker.get("/ghost-candidates").json["items"] == []
    assert tracker.types().count("application.ghosted") == 1


def test_dismissed_candidates_leave_the_list(tracker):
    app = tracker.create(applied_on="2026-01-01")
    _pass(tracker, datetime(2026, 2, 1))
    tracker.post(f"/applications/{app['id']}/ghost/dismiss")
    assert tracker.get("/ghost-candidates").json["items"] == []
    assert tracker.get(f"/applications/{app['id']}").json["stage"] == "applied"


def test_auto_ghosting_users_get_the_event_straight_away(tracker):
    tracker.patch("/settings", {"auto_ghost": True}, user="bob")
    app = tracker.create(applied_on="2026-01-01", user="bob")
    tracker.create(applied_on="2026-01-01", user="alice")
    assert _pass(tracker, datetime(2026, 2, 1)) == {"offered": 1, "ghosted": 1}
    [event] = tracker.events("application.ghosted")
    assert event["user_id"] == "bob" and event["data"]["ghosted_on"] == "2026-02-01"
    assert tracker.get(f"/applications/{app['id']}", user="bob").json["stage"] == "ghosted"


def test_the_loop_acts_once_a_day_and_stops(tracker, monkeypatch):
    tracker.create(applied_on="2026-01-01")
    days = iter([datetime(2026, 2, 1, 8), datetime(2026, 2, 1, 9), datetime(2026, 2, 2, 8)])
    stop, passes = threading.Event(), []
    real = ghosting.run_once

    def clock():
        try:
            return next(days)
        except StopIteration:
            stop.set()
            return datetime(2026, 2, 2, 9)

    def counting(session, now, after_days):
        passes.append(now)
        return real(session, now, after_days)

    monkeypatch.setattr(ghosting, "run_once", counting)
    ghosting.run(tracker.runtime, stop, clock=clock, check_every_s=0)
    assert passes == [datetime(2026, 2, 1, 8), datetime(2026, 2, 2, 8)]
    assert len(tracker.get("/ghost-candidates").json["items"]) == 1
