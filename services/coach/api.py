"""The coach's HTTP API: reflections, wins and goals, scoped to the caller."""
from __future__ import annotations

from flask import Blueprint, Flask, g, request
from sqlalchemy import select

from services.coach.models import Goal, Reflection, Win
from services.coach.schemas import answer_in, goal_out, reflection_out, win_out
from shared.config import Settings
from shared.outbox import emit
from shared.pagination import paginate
from shared.runtime import Runtime
from shared.tables import utcnow
from shared.web import ApiError, create_service_app, json_body

bp = Blueprint("coach", __name__)


@bp.get("/reflections")
def list_reflections():
    """Open or answered reflections, newest first."""
    query = select(Reflection).where(Reflection.user_id == g.user_id)
    status = request.args.get("status")
    if status not in (None, "open", "done"):
        raise ApiError(422, "validation_failed", "status must be open or done.",
                       {"status": ["Must be one of: open, done."]})
    if status:
        query = query.where(Reflection.status == status)
    with g.runtime.sessions() as session:
        return paginate(session, query, Reflection.id, reflection_out.dump)


@bp.post("/reflections/<int:reflection_id>")
def answer_reflection(reflection_id: int):
    """Save the user's answer to a reflection prompt."""
    fields = json_body(answer_in)
    with g.runtime.sessions.begin() as session:
        reflection = session.scalar(select(Reflection).where(
            Reflection.id == reflection_id, Reflection.user_id == g.user_id))
        if reflection is None:
            raise ApiError(404, "not_found", "We couldn't find that reflection.")
        first_answer = reflection.status != "done"
        reflection.answer, reflection.mood = fields["answer"], fields.get("mood")
        reflection.status, reflection.answered_at = "done", utcnow()
        if first_answer:
            emit(session, "reflection.completed", user_id=g.user_id, producer="coach",
                 data={"reflection_id": reflection.id, "mood": reflection.mood})
        return reflection_out.dump(reflection)


@bp.get("/wins")
def list_wins():
    """Every win, newest first."""
    with g.runtime.sessions() as session:
        return paginate(session, select(Win).where(Win.user_id == g.user_id), Win.id, win_out.dump)


@bp.get("/goals")
def list_goals():
    """The user's goals, newest first."""
    with g.runtime.sessions() as session:
        return paginate(session, select(Goal).where(Goal.user_id == g.user_id), Goal.id, goal_out.dump)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    return create_service_app(__name__, runtime or Runtime.build("coach", settings), bp)
