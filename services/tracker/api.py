"""The tracker's HTTP API for applications: thin routes over the commands, scoped to the caller."""
from __future__ import annotations

from flask import Blueprint, Flask, g, request

from services.tracker import (
    api_calendar, api_details, api_exports, api_ghosting, api_imports, api_openapi, api_postings, api_settings,
    api_stats,
    application_loading, commands, company_memory, listing, rejections,
)
from services.tracker.lookups import get_application_or_404
from services.tracker.schemas import (
    application_in, application_out, application_patch, rejection_in, rejection_patch, stage_in,
)
from shared.config import Settings
from shared.runtime import Runtime
from shared.web import create_service_app, json_body

bp = Blueprint("applications", __name__)


@bp.post("/applications")
def create():
    """Add an application; warn gently if this company recently said no or went quiet."""
    fields = json_body(application_in)
    with g.runtime.sessions.begin() as session:
        endings = company_memory.recent_endings(session, g.user_id, fields["company"])
        app = commands.create_application(session, g.user_id, fields)
        body = application_out.dump(app)
        body["warnings"] = company_memory.warnings_for(endings, app.company)
        return body, 201


@bp.get("/applications")
def list_applications():
    """The caller's applications, filtered, sorted and paginated."""
    query = listing.filtered(g.user_id, request.args)
    with g.runtime.sessions() as session:
        return listing.page(session, query, request.args)


@bp.get("/applications/<int:app_id>")
def get(app_id: int):
    """One application with its history and details."""
    with g.runtime.sessions() as session:
        return application_out.dump(get_application_or_404(session, app_id))


@bp.patch("/applications/<int:app_id>")
def patch(app_id: int):
    """Change some fields of an application."""
    fields = json_body(application_patch, partial=True)
    with g.runtime.sessions.begin() as session:
        app = get_application_or_404(session, app_id)
        return application_out.dump(commands.update_application(session, app, fields))


@bp.delete("/applications/<int:app_id>")
def delete(app_id: int):
    """Delete an application for good."""
    with g.runtime.sessions.begin() as session:
        commands.delete_application(session, get_application_or_404(session, app_id, only=application_loading.NOTHING))
    return "", 204


@bp.post("/applications/<int:app_id>/archive")
def archive(app_id: int):
    """Tuck an application away from the default list."""
    return _set_archived(app_id, True)


@bp.post("/applications/<int:app_id>/unarchive")
def unarchive(app_id: int):
    """Bring an archived application back."""
    return _set_archived(app_id, False)


def _set_archived(app_id: int, archived: bool):
    with g.runtime.sessions.begin() as session:
        app = get_application_or_404(session, app_id)
        return application_out.dump(commands.set_archived(session, app, archived))


@bp.post("/applications/<int:app_id>/stage")
def stage(app_id: int):
    """Move an application to another stage (back-dated changes go where they belong)."""
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
        rejections.record_rejection(session, app, fields)
        return application_out.dump(app), 201


@bp.patch("/applications/<int:app_id>/rejection")
def patch_rejection(app_id: int):
    """Add the reason or feedback to a recorded rejection."""
    fields = json_body(rejection_patch, partial=True)
    with g.runtime.sessions.begin() as session:
        app = get_application_or_404(session, app_id)
        return application_out.dump(rejections.update_rejection(session, app, fields))


@bp.delete("/applications/<int:app_id>/rejection")
def retract_rejection(app_id: int):
    """Undo a rejection recorded by mistake."""
    with g.runtime.sessions.begin() as session:
        app = get_application_or_404(session, app_id)
        return application_out.dump(rejections.retract_rejection(session, app))


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    blueprints = (bp, api_details.bp, api_imports.bp, api_exports.bp, api_stats.bp, api_ghosting.bp,
                  api_settings.bp, api_openapi.bp, api_calendar.bp, api_postings.bp)
    return create_service_app(__name__, runtime or Runtime.build("tracker", settings), *blueprints)
