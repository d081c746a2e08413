"""Goals (weekly, dated; proposals to accept or decline) and the effort log."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, g, request
from sqlalchemy import select

from services.coach.goal_events import emit_goal
from services.coach.goals import EFFORT_GOALS, TITLES, add_progress, week_start
from services.coach.models import Effort, Goal, Profile
from services.coach.schemas import effort_in, effort_out, goal_in, goal_out, goal_patch
from shared.pagination import paginate
from shared.tables import utcnow
from shared.web import ApiError, json_body

bp = Blueprint("coach_goals", __name__)


@bp.get("/goals")
def list_goals():
    """The user's goals, newest first (withdrawn proposals left out)."""
    query = select(Goal).where(Goal.user_id == g.user_id, Goal.status != "withdrawn")
    with g.runtime.sessions() as session:
        return paginate(session, query, Goal.id, goal_out.dump)


@bp.post("/goals")
def create_goal():
    """A weekly goal for this week; it carries over to the weeks after."""
    fields = json_body(goal_in)
    with g.runtime.sessions.begin() as session:
        profile = session.get(Profile, g.user_id)
        start = week_start(utcnow(), profile.timezone if profile else "UTC")
        for old in session.scalars(select(Goal).where(Goal.user_id == g.user_id, Goal.kind == fields["kind"],
                                                      Goal.status == "active")):
            old.status = "declined" if old.week_start == start else old.status
        goal = Goal(user_id=g.user_id, kind=fields["kind"], target=fields["target"], week_start=start,
                    title=fields.get("title") or TITLES[fields["kind"]].format(target=fields["target"]))
        session.add(goal)
        session.flush()
        emit_goal(session, goal)
        return goal_out.dump(goal), 201


def _goal(session, goal_id: int) -> Goal:
    goal = session.scalar(select(Goal).where(Goal.id == goal_id, Goal.user_id == g.user_id,
                                             Goal.status != "withdrawn"))
    if goal is None:
        raise ApiError(404, "not_found", "We couldn't find that goal.")
    return goal


@bp.patch("/goals/<int:goal_id>")
def update_goal(goal_id: int):
    """Change a goal; status active accepts a proposal, declined turns it down."""
    fields = json_body(goal_patch)
    with g.runtime.sessions.begin() as session:
        goal = _goal(session, goal_id)
        if fields.get("status") == "active" and goal.status == "proposed":
            _accept(session, goal)
        elif fields.get("status") == "declined":
            goal.status = "declined"
        for name in ("target", "title"):
            if name in fields:
                setattr(goal, name, fields[name])
        emit_goal(session, goal)
        return goal_out.dump(goal)


@bp.post("/goals/<int:goal_id>/accept")
def accept_goal(goal_id: int):
    """Accept a proposed goal: it becomes this week's goal of its kind."""
    with g.runtime.sessions.begin() as session:
        goal = _goal(session, goal_id)
        if goal.status != "proposed":
            raise ApiError(409, "conflict", "Only a proposed goal can be accepted.")
        _accept(session, goal)
        emit_goal(session, goal)
        return goal_out.dump(goal)


@bp.post("/goals/<int:goal_id>/decline")
def decline_goal(goal_id: int):
    """Turn down a proposal; nothing else changes."""
    with g.runtime.sessions.begin() as session:
        goal = _goal(session, goal_id)
        if goal.status != "proposed":
            raise ApiError(409, "conflict", "Only a proposed goal can be declined.")
        goal.status = "declined"
        emit_goal(session, goal)
        return goal_out.dump(goal)


def _accept(session, goal: Goal) -> None:
    """The proposal replaces this week's active goal of the same kind, keeping its progress."""
    profile = session.get(Profile, g.user_id)
    start = week_start(utcnow(), profile.timezone if profile else "UTC")
    current = session.scalar(select(Goal).where(Goal.user_id == g.user_id, Goal.kind == goal.kind,
                                                Goal.status == "active", Goal.week_start == start))
    if current is not None:
        goal.progress, current.status = current.progress, "declined"
    goal.status, goal.week_start = "active", start


@bp.post("/efforts")
def log_effort():
    """Outreach messages, learning hours or a rest day; counts towards effort goals."""
    fields = json_body(effort_in)
    with g.runtime.sessions.begin() as session:
        effort = Effort(user_id=g.user_id, kind=fields["kind"], amount=fields["amount"], what=fields.get("what"),
                        logged_on=fields.get("logged_on") or date.today())
        session.add(effort)
        session.flush()
        add_progress(session, g.user_id, EFFORT_GOALS[effort.kind], round(effort.amount), utcnow())
        return effort_out.dump(effort), 201


@bp.get("/efforts")
def list_efforts():
    """The effort log, newest first; ?kind=learning gives the learning log."""
    query = select(Effort).where(Effort.user_id == g.user_id)
    if request.args.get("kind"):
        query = query.where(Effort.kind == request.args["kind"])
    with g.runtime.sessions() as session:
        return paginate(session, query, Effort.id, effort_out.dump)
