"""Weekly goals, the coach's proposals, effort logged, and the wins log."""
from __future__ import annotations

from flask import Blueprint, render_template, url_for
from marshmallow import Schema, fields, validate

from frontend import panels, service_client
from frontend.login import current_user_id, login_required
from frontend.schemas import REQUIRED, Trimmed
from frontend.views.actions import act, form_payload

bp = Blueprint("goals", __name__, url_prefix="/goals")

GOAL_KINDS = {"applications": "Applications sent", "outreach": "People reached out to",
              "learning_hours": "Hours of learning", "rest_days": "Rest days"}


class GoalIn(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(tuple(GOAL_KINDS)))
    target = fields.Int(required=True, validate=validate.Range(1, 500), error_messages=REQUIRED)
    title = Trimmed(validate=validate.Length(min=1, max=300))


EFFORT_KINDS = {"outreach": "Reached out to people", "learning": "Hours of learning", "rest": "Rest days"}


class EffortIn(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(tuple(EFFORT_KINDS)))
    amount = fields.Float(required=True, error_messages=REQUIRED, validate=validate.Range(
        min=0.25, max=1000, error="A number from 0.25 to 1000."))
    what = Trimmed(validate=validate.Length(max=300))
    logged_on = fields.Date()


class WinIn(Schema):
    title = Trimmed(required=True, error_messages=REQUIRED, validate=validate.Length(min=1, max=300))


def learning_log(user_id: str) -> dict:
    """What the person has spent time learning, newest first."""
    try:
        return {"learning": panels.items("coach", "/efforts", user_id, {"kind": "learning", "limit": 20}),
                "learning_down": False}
    except service_client.ServiceUnavailable:
        return {"learning": [], "learning_down": True}


@bp.get("")
@login_required
def index():
    """This week's goals with progress, proposals to accept or decline, and the wins log."""
    user_id = current_user_id()
    context = panels.gather(lambda: panels.goals_panel(user_id), lambda: learning_log(user_id))
    goals = context["goals"]
    context.update(active=[g for g in goals if g.get("status") in ("active", "met")],
                   proposed=[g for g in goals if g.get("status") == "proposed"],
                   earlier=[g for g in goals if g.get("status") == "missed"],
                   goal_kinds=GOAL_KINDS, effort_kinds=EFFORT_KINDS)
    return render_template("goals.html", **context)


@bp.post("")
@login_required
def create():
    """Set a goal for this week."""
    back = url_for(".index")
    payload, refusal = form_payload(GoalIn(), back)
    return refusal or act("coach", "POST", "/goals", "Goal set. Small steps count.", back, payload)


@bp.post("/<int:goal_id>/<any(accept, decline):choice>")
@login_required
def decide(goal_id: int, choice: str):
    """Accept or decline a goal the coach proposed."""
    message = ("Accepted. It's on your list for this week." if choice == "accept"
               else "Declined. You know your week best.")
    return act("coach", "POST", f"/goals/{goal_id}/{choice}", message, url_for(".index"))


@bp.post("/wins")
@login_required
def add_win():
    """Write down a win, however small."""
    back = url_for(".index") + "#wins"
    payload, refusal = form_payload(WinIn(), back)
    return refusal or act("coach", "POST", "/wins", "Noted. That's worth celebrating.", back, payload)


@bp.post("/efforts")
@login_required
def log_effort():
    """Note outreach, learning or a rest day; it counts towards the goals of that kind."""
    back = url_for(".index") + "#effort"
    payload, refusal = form_payload(EffortIn(), back)
    return refusal or act("coach", "POST", "/efforts", "Logged. Effort counts, whatever comes of it.",
                          back, payload)
