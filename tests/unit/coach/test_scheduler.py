"""The scheduler with an injected clock: reminders, weekly reviews, week closes. No sleeping."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from services.coach import handlers as coach
from services.coach.goals import week_start
from services.coach.models import DueItem, Goal, Reflection, Win
from services.coach.scheduler import due, next_review_at, next_week_close, tick
from shared.events import make_event

NOW = datetime(2026, 3, 11, 12, 0)  # Wednesday


def test_due_picks_pending_items_whose_time_has_come():
    items = [DueItem(id=1, status="pending", due_at=NOW - timedelta(minutes=1)),
             DueItem(id=2, status="pending", due_at=NOW + timedelta(minutes=1)),
             DueItem(id=3, status="done", due_at=NOW - timedelta(days=1)),
             DueItem(id=4, status="pending", due_at=NOW - timedelta(days=1))]
    assert [i.id for i in due(NOW, items)] == [4, 1]


def test_review_and_week_close_follow_the_users_timezone():
    # Sunday 18:00 in Tokyo is 09:00 UTC.
    assert next_review_at(NOW, "Asia/Tokyo", 6, "18:00") == datetime(2026, 3, 15, 9, 0)
    assert next_review_at(datetime(2026, 3, 15, 9, 0), "Asia/Tokyo", 6, "18:00") == datetime(2026, 3, 22, 9, 0)
    # Monday 00:00 in New York (EDT from 8 March) is 04:00 UTC.
    assert next_week_close(NOW, "America/New_York") == datetime(2026, 3, 16, 4, 0)
    assert week_start(datetime(2026, 3, 16, 2, 0), "America/New_York").isoformat() == "2026-03-09"


def _event(type_, data, user="alice", at=NOW):
    event = make_event(type_, user_id=user, data=data, producer="test")
    event["occurred_at"] = at.isoformat() + "+00:00"
    return event


def _apply(runtime, event):
    with runtime.sessions.begin() as session:
        for handler in coach.HANDLERS[event["type"]]:
            handler(session, event)


def _rejected(app_id, stage="interview", at=NOW):
    return _event("application.rejected", {
        "application_id": app_id, "company": "Acme", "role": "Engineer", "source": None,
        "stage_reached": stage, "reason": None, "feedback": None, "received_on": at.date().isoformat()}, at=at)


def test_feedback_reminder_comes_two_days_later_unless_sent(make_service):
    svc = make_service("coach")
    _apply(svc.runtime, _rejected(1))
    _apply(svc.runtime, _rejected(2))
    drafts = svc.get("/feedback-requests").json["items"]
    assert len(drafts) == 2 and "Acme" in drafts[0]["body"]
    assert svc.patch(f"/feedback-requests/{drafts[0]['id']}", {"status": "sent"}).status_code == 200
    assert tick(svc.runtime.sessions, NOW + timedelta(days=1)) == 0
    before = svc.outbox_types().count("reminder.due")
    assert tick(svc.runtime.sessions, NOW + timedelta(days=2, minutes=1)) == 1
    assert svc.outbox_types().count("reminder.due") == before + 1
    assert tick(svc.runtime.sessions, NOW + timedelta(days=3)) == 0  # once only


def test_weekly_review_and_week_close_run_from_the_database(make_service):
    svc = make_service("coach")
    _apply(svc.runtime, _event("user.registered", {"display_name": "Al", "email": "a@example.com",
                                                   "timezone": "Europe/Berlin"}))
    assert svc.post("/goals", {"kind": "applications", "target": 2}).status_code == 201
    with svc.runtime.sessions.begin() as session:  # the goal for the fixed clock's week
        goal = session.scalar(select(Goal))
        goal.week_start, goal.progress = week_start(NOW, "Europe/Berlin"), 2
    # Sunday 18:00 Berlin (17:00 UTC) review; Monday 00:00 Berlin (Sunday 23:00 UTC) week close.
    assert tick(svc.runtime.sessions, datetime(2026, 3, 15, 16, 59)) == 0
    assert tick(svc.runtime.sessions, datetime(2026, 3, 15, 23, 0)) == 2
    with svc.runtime.sessions() as session:
        [review] = session.scalars(select(Reflection).where(Reflection.kind == "weekly_review")).all()
        assert "next week" in review.prompt
        assert session.scalar(select(Goal.status).where(Goal.id == goal.id)) == "met"
        assert [w.kind for w in session.scalars(select(Win))] == ["weekly_goal_met"]
        pending = sorted(i.kind for i in session.scalars(select(DueItem).where(DueItem.status == "pending")))
        assert pending == ["week_close", "weekly_review"]  # the next ones, durable
        assert session.scalar(select(Goal).where(Goal.status == "active")).target == 2
    # The review is one card (no separate reminder); the week's close waits to be folded into the next one.
    assert "reminder.due" not in svc.outbox_types()
    [card] = svc.outbox("coach.card_composed")
    assert [s["kind"] for s in card["sections"]] == ["review"] and card["cause_type"] == "schedule"
    assert tick(svc.runtime.sessions, datetime(2026, 3, 15, 23, 0)) == 0


def test_two_missed_weeks_propose_a_lower_target(make_service):
    svc = make_service("coach")
    _apply(svc.runtime, _event("user.registered", {"display_name": None, "email": "a@example.com",
                                                   "timezone": "UTC"}))
    svc.post("/goals", {"kind": "applications", "target": 8})
    with svc.runtime.sessions.begin() as session:
        goal = session.scalar(select(Goal))
        goal.week_start = week_start(NOW, "UTC")
    tick(svc.runtime.sessions, datetime(2026, 3, 16, 0, 1))
    tick(svc.runtime.sessions, datetime(2026, 3, 23, 0, 1))
    goals = svc.get("/goals").json["items"]
    proposed = [g for g in goals if g["status"] == "proposed"]
    assert [g["target"] for g in proposed] == [6]
    accepted = svc.post(f"/goals/{proposed[0]['id']}/accept")
    assert accepted.json["status"] == "active"


def test_feedback_reminders_are_listed_for_the_calendar_until_the_draft_is_sent(make_service):
    svc = make_service("coach")
    _apply(svc.runtime, _rejected(1))
    _apply(svc.runtime, _event("application.rejected", {
        "application_id": 2, "company": "Globex", "role": "Designer", "source": None, "stage_reached": "interview",
        "reason": None, "feedback": None, "received_on": NOW.date().isoformat()}))
    items = svc.get(f"/feedback-requests/reminders?since={NOW.date().isoformat()}").json["items"]
    assert [(i["company"], i["role"], i["status"]) for i in items] == [
        ("Acme", "Engineer", "pending"), ("Globex", "Designer", "pending")]
    assert items[0]["due_at"] == (NOW + timedelta(days=2)).isoformat() + "Z"
    assert svc.get("/feedback-requests/reminders", user="bob").json["items"] == []
    assert svc.patch(f"/feedback-requests/{items[0]['draft_id']}", {"status": "sent"}).status_code == 200
    left = svc.get(f"/feedback-requests/reminders?since={NOW.date().isoformat()}").json["items"]
    assert [i["company"] for i in left] == ["Globex"]
    assert svc.get("/feedback-requests/reminders?since=soon").status_code == 400
