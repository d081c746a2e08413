"""The coach's HTTP API: reflections, check-ins and settings; the app that holds every blueprint."""
from __future__ import annotations

from zoneinfo import available_timezones

from flask import Blueprint, Flask, g, request
from sqlalchemy import select

from services.coach import api_export, api_feedback, api_goals, api_insights, api_wins, scheduler
from services.coach.models import Checkin, Profile, Reflection
from services.coach.schemas import (
    answer_in, checkin_in, checkin_out, reflection_out, settings_out, settings_patch,
)
from services.coach.speaking import playbook
from shared.config import Settings
from shared.outbox import emit
from shared.pagination import paginate
from shared.runtime import Runtime
from shared.tables import utcnow
from shared.web import ApiError, create_service_app, json_body

bp = Blueprint("coach", __name__)
STATUSES = ("open", "done", "skipped")


@bp.get("/reflections")
def list_reflections():
    """Open, answered or skipped reflections, newest first."""
    query = select(Reflection).where(Reflection.user_id == g.user_id, Reflection.status != "withdrawn")
    status = request.args.get("status")
    if status not in (None, *STATUSES):
        raise ApiError(422, "validation_failed", "status must be open, done or skipped.",
                       {"status": ["Must be one of: open, done, skipped."]})
    if status:
        query = query.where(Reflection.status == status)
    with g.runtime.sessions() as session:
        return paginate(session, query, Reflection.id, reflection_out.dump)


def _reflection(session, reflection_id: int) -> Reflection:
    reflection = session.scalar(select(Reflection).where(
        Reflection.id == reflection_id, Reflection.user_id == g.user_id, Reflection.status != "withdrawn"))
    if reflection is None:
        raise ApiError(404, "not_found", "We couldn't find that reflection.")
    return reflection


@bp.post("/reflections/<int:reflection_id>")
def answer_reflection(reflection_id: int):
    """Save the user's answer to a reflection prompt."""
    fields = json_body(answer_in)
    with g.runtime.sessions.begin() as session:
        reflection = _reflection(session, reflection_id)
        first_answer = reflection.status != "done"
        reflection.answer, reflection.mood = fields["answer"], fields.get("mood")
        reflection.status, reflection.answered_at = "done", utcnow()
        if first_answer:
            emit(session, "reflection.completed", user_id=g.user_id, producer="coach",
                 data={"reflection_id": reflection.id, "mood": reflection.mood})
        return reflection_out.dump(reflection)


@bp.post("/reflections/<int:reflection_id>/skip")
def skip_reflection(reflection_id: int):
    """Set a prompt aside without answering it."""
    with g.runtime.sessions.begin() as session:
        reflection = _reflection(session, reflection_id)
        if reflection.status == "open":
            reflection.status = "skipped"
        return reflection_out.dump(reflection)


@bp.post("/checkins")
def record_checkin():
    """A mood from 1 to 5 and an optional note."""
    fields = json_body(checkin_in)
    with g.runtime.sessions.begin() as session:
        checkin = Checkin(user_id=g.user_id, mood=fields["mood"], note=fields.get("note") or None,
                          application_id=fields.get("application_id"), created_at=utcnow())
        session.add(checkin)
        session.flush()
        emit(session, "checkin.recorded", user_id=g.user_id, producer="coach",
             data={"mood": checkin.mood, "note_present": bool(checkin.note)})
        return checkin_out.dump(checkin), 201


@bp.get("/checkins")
def list_checkins():
    """Check-ins, newest first."""
    with g.runtime.sessions() as session:
        return paginate(session, select(Checkin).where(Checkin.user_id == g.user_id), Checkin.id, checkin_out.dump)


def _profile(session) -> Profile:
    profile = session.get(Profile, g.user_id)
    if profile is None:
        profile = Profile(user_id=g.user_id, timezone="UTC", review_weekday=6, review_time="18:00",
                          disabled_rules=[], nudge_threshold=3)
        session.add(profile)
    return profile


@bp.get("/settings")
def get_settings():
    """The user's coaching settings."""
    with g.runtime.sessions.begin() as session:
        return settings_out.dump(_profile(session))


@bp.patch("/settings")
def update_settings():
    """Change timezone, weekly review time, switched-off rules, nudge threshold, weekly target or budgets."""
    fields = json_body(settings_patch)
    problems = {}
    if "timezone" in fields and fields["timezone"] not in available_timezones():
        problems["timezone"] = ["Unknown timezone."]
    unknown = set(fields.get("disabled_rules", ())) - playbook().ids
    if unknown:
        problems["disabled_rules"] = [f"Unknown rule ids: {', '.join(sorted(unknown))}."]
    if problems:
        raise ApiError(422, "validation_failed", "Some fields need another look.", problems)
    with g.runtime.sessions.begin() as session:
        profile = _profile(session)
        for name, value in fields.items():
            setattr(profile, name, value)
        session.flush()
        scheduler.schedule_user(session, g.user_id, utcnow())
        return settings_out.dump(profile)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    playbook()  # a bad playbook stops start-up here, naming file, rule and field
    return create_service_app(__name__, runtime or Runtime.build("coach", settings),
                              bp, api_goals.bp, api_wins.bp, api_feedback.bp, api_insights.bp, api_export.bp)
