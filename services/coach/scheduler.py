"""Scheduled coaching: reminders, weekly reviews and week closes, from the due_items table.

`due` is the pure choice of what is due; `tick` does one pass in the database;
`run` loops in the worker process until stopped. The clock is injectable, and
nothing lives only in memory, so a restart picks up where it left off.
"""
from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta

from sqlalchemy import Integer, bindparam, func, select
from sqlalchemy.orm import Session, sessionmaker

from services.coach import cards, goals, speaking
from services.coach.history import load_snapshot
from services.coach.models import DueItem, FeedbackRequest, Profile
from services.coach.playbook.engine import evaluate
from services.coach.timezones import local, to_utc
from shared.outbox import emit
from shared.schedule import sleep_until
from shared.tables import utcnow

log = logging.getLogger(__name__)
PRODUCER = "coach"
NAMESPACE = uuid.UUID("0b8a3c55-2f4e-4d8e-bc1e-6a1f0d9e7c22")
_D = DueItem.__table__.c
PENDING = (select(_D.id, _D.status, _D.due_at).where(_D.status == "pending", _D.due_at <= bindparam("now"))
           .order_by(_D.due_at).limit(bindparam("batch", type_=Integer)))


def due(now: datetime, items: list[DueItem]) -> list[DueItem]:
    """The pending items whose time has come, oldest first."""
    return sorted((i for i in items if i.status == "pending" and i.due_at <= now), key=lambda i: i.due_at)


def next_review_at(now: datetime, tz: str, weekday: int, at: str) -> datetime:
    """The next weekly-review moment after `now` (naive UTC), at the user's local day and time."""
    today = local(now, tz).date()
    clock = time(*(int(p) for p in at.split(":")))
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    candidate = to_utc(day, clock, tz)
    return candidate if candidate > now else to_utc(day + timedelta(days=7), clock, tz)


def next_week_close(now: datetime, tz: str) -> datetime:
    """The next local Monday midnight after `now`, in naive UTC."""
    today = local(now, tz).date()
    return to_utc(today + timedelta(days=7 - today.weekday()), time(0, 0), tz)


def schedule_user(session: Session, user_id: str, now: datetime) -> None:
    """Plan the next weekly review and week close; replaces any pending ones (settings changed)."""
    profile = session.get(Profile, user_id)
    if profile is None:
        return
    for item in session.scalars(select(DueItem).where(
            DueItem.user_id == user_id, DueItem.status == "pending",
            DueItem.kind.in_(("weekly_review", "week_close")))):
        item.status = "cancelled"
    session.flush()
    review = next_review_at(now, profile.timezone, profile.review_weekday, profile.review_time)
    _plan(session, user_id, "weekly_review", review)
    _plan(session, user_id, "week_close", next_week_close(now, profile.timezone))


def _plan(session: Session, user_id: str, kind: str, at: datetime) -> None:
    key = f"{kind}:{user_id}:{at.isoformat()}"
    existing = session.scalar(select(DueItem).where(DueItem.key == key))
    if existing is None:
        session.add(DueItem(user_id=user_id, kind=kind, due_at=at, key=key))
    elif existing.status == "cancelled":
        existing.status = "pending"


def tick(sessions: sessionmaker, now: datetime, batch: int = 100) -> int:
    """Handle every due item once, each in its own transaction; return how many."""
    with sessions() as session:
        # Three columns, not DueItem objects: this runs every few seconds, mostly to find nothing.
        pending = session.execute(PENDING, {"now": now, "batch": batch}).all()
    ids = [i.id for i in due(now, pending)]
    handled = 0
    for item_id in ids:
        try:
            handled += _handle(sessions, item_id, now)
        except Exception:  # one broken item must not hold up the others
            log.exception("due item failed", extra={"due_item_id": item_id})
            with sessions.begin() as session:
                session.get(DueItem, item_id).status = "failed"
    return handled


def _handle(sessions: sessionmaker, item_id: int, now: datetime) -> int:
    with sessions.begin() as session:
        item = session.scalar(select(DueItem).where(DueItem.id == item_id, DueItem.status == "pending")
                              .with_for_update(skip_locked=True))
        if item is None:
            return 0
        JOBS[item.kind](session, item, now)
        item.status, item.done_at = "done", now
    return 1


def remind_feedback(session: Session, item: DueItem, now: datetime) -> None:
    draft = session.get(FeedbackRequest, item.ref_id)
    if draft is None or draft.status != "draft":
        return
    _reminder(session, item, "feedback_request")


def weekly_review(session: Session, item: DueItem, now: datetime) -> None:
    """The week's look back, through the playbook like every other moment (rule week.review)."""
    source = str(uuid.uuid5(NAMESPACE, item.key))
    event = {"id": source, "type": "week.review", "user_id": item.user_id, "occurred_at": now.isoformat(),
             "correlation_id": source, "data": {}}
    _speak_for_schedule(session, event, now, "weekly_review")
    _reschedule(session, item, now)


def close_week(session: Session, item: DueItem, now: datetime) -> None:
    profile = session.get(Profile, item.user_id)
    start = goals.week_start(item.due_at - timedelta(hours=1), profile.timezone if profile else "UTC")
    event = goals.week_closed_event(item.user_id, start, None, now)
    closed = goals.close_week(session, item.user_id, start, now, card_id=cards.card_id_for(event["id"]))
    applications = next((g for g in closed if g.kind == "applications"), None)
    if applications is not None:
        session.flush()
        event = goals.week_closed_event(item.user_id, start, applications, now)
        # Said in the next card (or the next weekly review), not at midnight on its own.
        _speak_for_schedule(session, event, now, "week.closed", week=start, hold=True)
    goals.this_weeks_goal(session, item.user_id, "applications", now)
    _reschedule(session, item, now)


def _speak_for_schedule(session: Session, event: dict, now: datetime, kind: str, week=None,
                        hold: bool = False) -> None:
    rules = speaking.playbook().rules_for(event["type"])
    snap = load_snapshot(session, event, rules)
    actions = evaluate(event, snap, now, speaking.playbook(), speaking.resources_text())
    day = week or goals.week_start(now, snap.timezone)
    speaking.speak(session, event, actions, now, snap.timezone, kind=kind, cause_type="schedule",
                   facts={"week": f"{day.day} {day:%B}"}, hold=hold)


def _reminder(session: Session, item: DueItem, kind: str) -> None:
    emit(session, "reminder.due", user_id=item.user_id, producer=PRODUCER, data={
        "reminder_id": item.id, "kind": kind, "application_id": item.application_id,
        "due_at": item.due_at.isoformat() + "Z", "urgency": "normal"})


def _reschedule(session: Session, item: DueItem, now: datetime) -> None:
    profile = session.get(Profile, item.user_id)
    if profile is None:
        return
    after = max(now, item.due_at)
    if item.kind == "weekly_review":
        _plan(session, item.user_id, "weekly_review",
              next_review_at(after, profile.timezone, profile.review_weekday, profile.review_time))
    else:
        _plan(session, item.user_id, "week_close", next_week_close(after, profile.timezone))


JOBS = {"feedback_request": remind_feedback, "weekly_review": weekly_review, "week_close": close_week}


def next_due_at(sessions: sessionmaker) -> datetime | None:
    with sessions() as session:
        return session.scalar(select(func.min(_D.due_at)).where(_D.status == "pending"))


def run(runtime, stop: threading.Event, clock: Callable[[], datetime] = utcnow) -> None:
    """The worker's scheduler thread: tick, then sleep until the next item is due (or a write wakes
    it, shared/schedule.py), until `stop` is set; never dies on one bad pass."""
    speaking.playbook()  # a bad playbook stops here, loudly, naming the file and rule
    while not stop.is_set():
        due_at = None
        try:
            tick(runtime.sessions, clock())
            due_at = next_due_at(runtime.sessions)
        except Exception:
            log.exception("scheduler pass failed")
        sleep_until(runtime, stop, due_at, clock())
