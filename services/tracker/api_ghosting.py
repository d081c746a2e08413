"""Routes for applications that went quiet: the candidates, and the user's word on each."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, g
from sqlalchemy import select

from services.tracker import application_loading, commands
from services.tracker.lookups import get_application_or_404
from services.tracker.models import Application
from services.tracker.schemas import application_out

bp = Blueprint("tracker_ghosting", __name__)


@bp.get("/ghost-candidates")
def ghost_candidates():
    """Applications the daily pass thinks went quiet, waiting for the user's word."""
    query = (select(Application).where(
        Application.user_id == g.user_id, Application.stage == "applied",
        Application.ghost_offered_at.is_not(None), Application.ghost_dismissed_at.is_(None),
        Application.archived.is_(False))
        .options(*application_loading.EVERYTHING).order_by(Application.stage_since))
    with g.runtime.sessions() as session:
        return {"items": application_out.dump(session.scalars(query), many=True), "next_cursor": None}


@bp.post("/applications/<int:app_id>/ghost")
def confirm_ghosted(app_id: int):
    """The user confirms they stopped hearing back."""
    with g.runtime.sessions.begin() as session:
        app = get_application_or_404(session, app_id)
        return application_out.dump(commands.mark_ghosted(session, app, date.today()))


@bp.post("/applications/<int:app_id>/ghost/dismiss")
def dismiss_ghosted(app_id: int):
    """The user would rather keep waiting on this one."""
    with g.runtime.sessions.begin() as session:
        app = get_application_or_404(session, app_id)
        return application_out.dump(commands.dismiss_ghosting(session, app))
