"""GET /insights: the dashboard's numbers, plus the insights the coach has written."""
from __future__ import annotations

from flask import Blueprint, g
from sqlalchemy import select

from services.coach import insights
from services.coach.history import app_of, moods_of
from services.coach.models import ApplicationFact, Effort, Insight
from shared.tables import utcnow

bp = Blueprint("coach_insights", __name__)


@bp.get("/insights")
def get_insights():
    """Funnel, rejections by stage and reason, response by source, timing, weekly mood and activity."""
    with g.runtime.sessions() as session:
        facts = session.scalars(select(ApplicationFact).where(
            ApplicationFact.user_id == g.user_id, ApplicationFact.hidden.is_(False))).all()
        efforts = session.execute(select(Effort.logged_on, Effort.kind, Effort.amount).where(
            Effort.user_id == g.user_id)).all()
        notes = session.scalars(select(Insight).where(Insight.user_id == g.user_id)
                                .order_by(Insight.id.desc()).limit(20)).all()
        body = insights.build([app_of(f) for f in facts], list(moods_of(session, g.user_id)),
                              [tuple(e) for e in efforts], utcnow())
        body["notes"] = [{"id": n.id, "kind": n.kind, "title": n.title, "body": n.body,
                          "numbers": n.numbers, "created_at": n.created_at.isoformat()} for n in notes]
    return body
