"""Adding applications and recording what happened to them, from the dashboard."""
from __future__ import annotations

from flask import Blueprint, request
from marshmallow import Schema, ValidationError

from frontend import panels, services
from frontend.login import current_user_id, login_required
from frontend.schemas import ApplicationIn, RejectionIn, StageIn, clean_form
from frontend.views.render import (
    after_change,
    dashboard_context,
    fragment_or_page,
    is_fragment_request,
)

bp = Blueprint("applications", __name__, url_prefix="/applications")


def _submit(schema: Schema, path: str, form_key: str, success: str):
    """Validate the form, send it to the tracker, answer with the refreshed panel."""
    user_id = current_user_id()
    try:
        payload = clean_form(schema, request.form)
    except ValidationError as exc:
        return _with_errors(user_id, form_key, exc.messages)
    reply = services.call("tracker", "POST", path, user_id, json=payload)
    if not reply.ok:
        errors = {"_schema": [panels.service_message(reply)], **panels.service_fields(reply)}
        return _with_errors(user_id, form_key, errors)
    return after_change(success, "applications", lambda: panels.applications_panel(user_id))


def _with_errors(user_id: str, form_key: str, errors: dict):
    """The panel (or whole dashboard) again, with the form as it was sent and what to fix."""
    context = (panels.applications_panel(user_id) if is_fragment_request()
               else dashboard_context(user_id))
    context.update(errors={form_key: errors}, drafts={form_key: request.form})
    return fragment_or_page("applications", "dashboard", context, 422)


@bp.post("")
@login_required
def add():
    """Add an application to the pipeline."""
    company = request.form.get("company", "").strip() or "it"
    return _submit(ApplicationIn(), "/applications", "new",
                   f"Added {company}. Good luck, we're rooting for you.")


@bp.post("/<int:application_id>/stage")
@login_required
def move(application_id: int):
    """Move an application to another stage."""
    return _submit(StageIn(), f"/applications/{application_id}/stage", f"stage-{application_id}",
                   "Updated. Every step counts.")


@bp.post("/<int:application_id>/rejection")
@login_required
def record_rejection(application_id: int):
    """Record a rejection; the coach and notifier take it from there."""
    return _submit(RejectionIn(), f"/applications/{application_id}/rejection",
                   f"reject-{application_id}",
                   "Recorded. That one stings, and it says nothing about your worth. "
                   "Your coach has a few thoughts for you when you're ready.")
