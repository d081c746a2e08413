"""Routes for the numbers over all of the caller's applications."""
from __future__ import annotations

from flask import Blueprint, g

from services.tracker import stats

bp = Blueprint("tracker_stats", __name__)


@bp.get("/stats")
def tracker_stats():
    """Counts by stage and furthest stage, response rates, time to first answer, pace."""
    with g.runtime.sessions() as session:
        return stats.compute(session, g.user_id)


@bp.get("/stats/stages")
def tracker_stage_counts():
    """Counts by current stage alone: what the dashboard's pipeline shows, without the full stats."""
    with g.runtime.sessions() as session:
        return stats.stage_counts(session, g.user_id)
