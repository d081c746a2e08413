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
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, bindparam, func, select
from sqlalchemy.orm import Session, sessionmaker

from services.coach.models import DueItem, FeedbackRequest, Profile, Reflection
from services.coach.voice import WEEKLY_REVIEW, pick
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


def _to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    return local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def next_review_at(now: datetime, tz: str, weekday: int, at: str) -> datetime:
    """The next weekly-review moment after `now` (naive UTC), at the user's local day and time."""
    zone = ZoneInfo(tz or "UTC")
    local = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    hour, minute = (int(p) for p in at.split(":"))
    day = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
    candidate = _to_utc(datetime.combine(day, time(hour, minute)), zone)
    return candidate if candidate > now else _to_utc(datetime.combine(day + timedelta(days=7), time(hour, minute)), zone)


def next_week_close(now: datetime, tz: str) -> datetime:
    """The next local Monday midnight after `now`, in naive UTC."""
    zone = ZoneInfo(tz or "UTC")
    local = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date()
    monday = local + timedelta(days=7 - local.weekday())
    return _to_utc(datetime.combine(monday, time(0, 0)), zone)


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
    source = str(uuid.uuid5(NAMESPACE, item.key))
    if session.scalar(select(Reflection.id).where(Reflection.source_event_id == source)) is None:
        prompt = pick(WEEKLY_REVIEW, f"{item.user_id}:{item.key}")
        reflection = Reflection(user_id=item.user_id, application_id=None, kind="weekly_review",
                                prompt=prompt, source_event_id=source, rule_id="schedule.weekly_review",
                                created_at=now)
        session.add(reflection)
        session.flush()
        emit(session, "reflection.prompted", user_id=item.user_id, producer=PRODUCER, data={
            "reflection_id": reflection.id, "application_id": None, "kind": "weekly_review",
            "prompt": prompt, "urgency": "low"})
        _reminder(session, item, "weekly_review")
    _reschedule(session, item, now)


def close_week(session: Session, item: DueItem, now: datetime) -> None:
    from services.coach import goals, handlers
    from services.coach.effects import apply_actions
    from services.coach.history import load_snapshot
    from services.coach.playbook.engine import evaluate

    profile = session.get(Profile, item.user_id)
    start = goals.week_start(item.due_at - timedelta(hours=1), profile.timezone if profile else "UTC")
    closed = goals.close_week(session, item.user_id, start, now)
    applications = next((g for g in closed if g.kind == "applications"), None)
    if applications is not None:
        session.flush()
        event = goals.week_closed_event(item.user_id, start, applications, now)
        rules = handlers.playbook().rules_for(event["type"])
        actions = evaluate(event, load_snapshot(session, event, rules), now, handlers.playbook())
        apply_actions(session, event, actions, now)
    goals.this_weeks_goal(session, item.user_id, "applications", now)
    _reschedule(session, item, now)


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
    from services.coach.handlers import playbook
    playbook()  # a bad playbook stops here, loudly, naming the file and rule
    while not stop.is_set():
        due_at = None
        try:
            tick(runtime.sessions, clock())
            due_at = next_due_at(runtime.sessions)
        except Exception:
            log.exception("scheduler pass failed")
        sleep_until(runtime, stop, due_at, clock())
