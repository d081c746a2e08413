"""Weekly goals: dated to the user's week, moved by events, closed by the scheduler."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import and_, bindparam, case, select, update
from sqlalchemy.orm import Session

from services.coach import did
from services.coach.goal_events import emit_goal
from services.coach.models import Goal
from services.coach.profiles import settings_of
from services.coach.timezones import local

TITLES = {
    "applications": "Send {target} applications this week",
    "outreach": "Reach out to {target} people this week",
    "learning_hours": "Spend {target} hours learning this week",
    "rest_days": "Take {target} rest days this week",
}
EFFORT_GOALS = {"outreach": "outreach", "learning": "learning_hours", "rest": "rest_days"}
NAMESPACE = uuid.UUID("6f1c1d1e-8b0e-4c2a-9a57-0f7d3f0c0a11")

_G = Goal.__table__.c
# (bound names differ from the columns': an UPDATE keeps those for its SET clause)
_THIS_WEEKS = (select(_G.id).where(_G.user_id == bindparam("for_user"), _G.kind == bindparam("of_kind"),
                                   _G.week_start == bindparam("in_week"), _G.status.in_(("active", "met")))
               .order_by(_G.id.desc()).limit(1).scalar_subquery())
_MOVED = _G.progress + bindparam("amount")
MOVE_THIS_WEEKS_GOAL = (update(Goal.__table__).where(_G.id == _THIS_WEEKS)
                        .values(progress=case((_MOVED < 0, 0), else_=_MOVED))
                        .returning(_G.id, _G.user_id, _G.kind, _G.title, _G.progress, _G.target, _G.period,
                                   _G.status))


def week_start(now: datetime, tz: str) -> date:
    """The Monday of the user's current week, in their timezone."""
    today = local(now, tz).date()
    return today - timedelta(days=today.weekday())


def this_weeks_goal(session: Session, user_id: str, kind: str, now: datetime) -> Goal | None:
    """This week's active goal of a kind; started from last week's target if there was one."""
    profile = settings_of(session, user_id)
    start = week_start(now, profile.timezone if profile else "UTC")
    # One query for both: this week's active goal if there is one, else the newest to copy the target from.
    this_week = and_(Goal.week_start == start, Goal.status.in_(("active", "met")))
    last = session.scalar(select(Goal).where(Goal.user_id == user_id, Goal.kind == kind,
                                             Goal.status.in_(("active", "met", "missed")))
                          .order_by(case((this_week, 0), else_=1), Goal.id.desc()).limit(1))
    if last is not None and last.week_start == start and last.status in ("active", "met"):
        return last
    target = last.target if last else (profile.weekly_target if profile and kind == "applications" else None)
    if not target:
        return None
    goal = Goal(user_id=user_id, kind=kind, title=TITLES.get(kind, "{target} this week").format(target=target),
                target=target, week_start=start, status="active", created_at=now)
    session.add(goal)
    session.flush()
    return goal


def add_progress(session: Session, user_id: str, kind: str, amount: int, now: datetime,
                 cause: dict | None = None) -> None:
    """Move this week's goal of a kind (starting it if need be) and announce it."""
    if amount:
        moved = _move_this_weeks_goal(session, user_id, kind, amount, now)
        if moved is not None:
            emit_goal(session, moved, cause=cause, card_id=_reached(session, moved, amount, cause, now))
            return
    goal = this_weeks_goal(session, user_id, kind, now)
    if goal is None or amount == 0:
        return
    goal.progress = max(0, goal.progress + amount)
    emit_goal(session, goal, cause=cause)


def _reached(session: Session, goal, amount: int, cause: dict | None, now: datetime) -> str | None:
    """A goal that just reached its target is told in the day's "what you did" line, not an item of its own."""
    if cause is None or goal.progress < goal.target:
        return None
    if goal.progress - amount >= goal.target:
        return f"goal:{goal.id}"  # told when it was reached; more progress is not news
    profile = settings_of(session, goal.user_id)
    return did.keep(session, goal.user_id, [{"did": "goal", "name": ""}], cause, now,
                    profile.timezone if profile else "UTC")


def _move_this_weeks_goal(session: Session, user_id: str, kind: str, amount: int, now: datetime):
    """The usual case in one statement: this week's goal exists; add to it and read it back (None if none).

    Every application moves the goal, so an import of thousands does this thousands of times.
    """
    profile = settings_of(session, user_id)
    start = week_start(now, profile.timezone if profile else "UTC")
    moved = session.execute(MOVE_THIS_WEEKS_GOAL, {
        "for_user": user_id, "of_kind": kind, "in_week": start, "amount": amount}).first()
    if moved is not None:
        # A Goal object of this row loaded earlier in the session would now hold an old progress.
        loaded = session.identity_map.get(session.identity_key(Goal, moved.id))
        if loaded is not None:
            session.expire(loaded, ["progress"])
    return moved


def close_week(session: Session, user_id: str, start: date, now: datetime,
               card_id: str | None = None) -> list[Goal]:
    """Mark that week's active goals met or missed; announce each (the week's card tells the person)."""
    goals = session.scalars(select(Goal).where(Goal.user_id == user_id, Goal.week_start == start,
                                               Goal.status == "active")).all()
    for goal in goals:
        goal.status = "met" if goal.progress >= goal.target else "missed"
        emit_goal(session, goal, card_id=card_id)
    return list(goals)


def week_closed_event(user_id: str, start: date, goal: Goal | None, now: datetime) -> dict:
    """The scheduler's own trigger for the week.closed rules; its id is stable per user and week."""
    event_id = str(uuid.uuid5(NAMESPACE, f"week:{user_id}:{start}"))
    return {"id": event_id, "type": "week.closed", "user_id": user_id,
            "occurred_at": now.isoformat(), "correlation_id": event_id,
            "data": {"week_start": str(start), "week": f"{start.day} {start:%B}", "progress": goal.progress if goal else 0,
                     "target": goal.target if goal else 0}}
