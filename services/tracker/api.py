"""The tracker's HTTP API: thin routes over commands.py, scoped to the caller."""
from __future__ import annotations

from flask import Blueprint, Flask, g, request
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from services.tracker import commands
from services.tracker.models import Application
from services.tracker.schemas import application_in, application_out, rejection_in, stage_in
from shared.config import Settings
from shared.pagination import paginate
from shared.runtime import Runtime
from shared.web import ApiError, create_service_app, json_body

bp = Blueprint("applications", __name__)


def get_application_or_404(session, app_id: int) -> Application:
    app = session.scalar(
        select(Application)
        .where(Application.id == app_id, Application.user_id == g.user_id)
        .options(selectinload(Application.history), selectinload(Application.rejection))
    )
    if app is None:
        raise ApiError(404, "not_found", "We couldn't find that application.")
    return app


@bp.post("/applications")
def create():
    """Add an application."""
    fields = json_body(application_in)
    with g.runtime.sessions.begin() as session:
        app = commands.create_application(session, g.user_id, fields)
        return application_out.dump(app), 201


@bp.get("/applications")
def list_applications():
    """The caller's applications, newest first, filtered by stage or text."""
    query = select(Application).where(Application.user_id == g.user_id).options(
        selectinload(Application.history), selectinload(Application.rejection))
    if stage := request.args.get("stage"):
        query = query.where(Application.stage == stage)
    if text := request.args.get("q"):
        like = f"%{text}%"
        query = query.where(or_(Application.company.ilike(like), Application.role.ilike(like),
                                Application.notes.ilike(like)))
    with g.runtime.sessions() as session:
        return paginate(session, query, Application.id, application_out.dump)


@bp.get("/applications/<int:app_id>")
def get(app_id: int):
    """One application with its history."""
    with g.runtime.sessions() as session:
        return application_out.dump(get_application_or_404(session, app_id))


@bp.post("/applications/<int:app_id>/stage")
def stage(app_id: int):
    """Move an application to another stage."""
    fields = json_body(stage_in)
    with g.runtime.sessions.begin() as session:
        app = get_application_or_404(session, app_id)
        commands.change_stage(session, app, fields["stage"], fields.get("changed_on"))
        return application_out.dump(app)


@bp.post("/applications/<int:app_id>/rejection")
def rejection(app_id: int):
    """Record that an application ended in a rejection."""
    fields = json_body(rejection_in)
    with g.runtime.sessions.begin() as session:
        app = get_application_or_404(session, app_id)
        commands.record_rejection(session, app, fields)
        return application_out.dump(app), 201


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    return create_service_app(__name__, runtime or Runtime.build("tracker", settings), bp)
