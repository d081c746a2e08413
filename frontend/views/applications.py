"""The applications: a board by stage and a table, plus adding and moving them along."""
from __future__ import annotations

from flask import Blueprint, request, url_for
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
from shared.events import STAGES

bp = Blueprint("applications", __name__, url_prefix="/applications")

SORTS = {"-id": "Newest first", "id": "Oldest first", "company": "Company A–Z",
         "-applied_on": "Applied most recently", "-updated_at": "Recently changed"}


def _filters() -> dict:
    """The board's filters from the query string, kept only if they make sense."""
    args = request.args
    stage = args.get("stage") if args.get("stage") in STAGES else ""
    return {"q": args.get("q", "").strip()[:200], "stage": stage,
            "sort": args.get("sort") if args.get("sort") in SORTS else "-id",
            "view": "table" if args.get("view") == "table" else "board",
            "hide_closed": args.get("hide_closed") == "1"}


@bp.get("")
@login_required
def index():
    """Every application, as a board by stage or as a sortable table."""
    from frontend.views.ghosts import ghosts_panel  # it imports this module

    filters = _filters()
    params = {k: filters[k] for k in ("q", "stage", "sort") if filters[k]}
    user_id = current_user_id()
    context = panels.gather(lambda: panels.applications_panel(user_id, params),
                            lambda: ghosts_panel(user_id))
    shown = context["applications"]
    if filters["hide_closed"]:
        shown = [a for a in shown if a.get("stage") not in panels.CLOSED_STAGES]
    columns = [(stage, [a for a in shown if a.get("stage") == stage]) for stage in STAGES
               if not (filters["hide_closed"] and stage in panels.CLOSED_STAGES)]
    context.update(filters=filters, shown=shown, columns=columns, sorts=SORTS)
    return fragment_or_page("board", "applications", context)


def _submit(schema: Schema, path: str, form_key: str, success, back: str | None = None):
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
    message = success(reply) if callable(success) else success
    return after_change(message, "applications", lambda: panels.applications_panel(user_id), back)


def _with_errors(user_id: str, form_key: str, errors: dict):
    """The panel (or whole dashboard) again, with the form as it was sent and what to fix."""
    context = (panels.applications_panel(user_id) if is_fragment_request()
               else dashboard_context(user_id))
    context.update(errors={form_key: errors}, drafts={form_key: request.form})
    return fragment_or_page("applications", "dashboard", context, 422)


def _added(reply) -> str:
    """Good luck, plus what we remember about this company, said gently."""
    company = reply.body.get("company") or "it"
    message = f"Added {company}. Good luck, we're rooting for you."
    memories = [w.get("message") for w in reply.body.get("warnings") or []
                if w.get("code") == "company_memory" and w.get("message")]
    if memories:
        message += " A note from your past self: " + " ".join(memories)
    return message


@bp.post("")
@login_required
def add():
    """Add an application to the pipeline."""
    return _submit(ApplicationIn(), "/applications", "new", _added)


@bp.post("/<int:application_id>/stage")
@login_required
def move(application_id: int):
    """Move an application to another stage."""
    return _submit(StageIn(), f"/applications/{application_id}/stage", f"stage-{application_id}",
                   "Updated. Every step counts.", _back(application_id))


@bp.post("/<int:application_id>/rejection")
@login_required
def record_rejection(application_id: int):
    """Record a rejection; the coach and notifier take it from there."""
    return _submit(RejectionIn(), f"/applications/{application_id}/rejection",
                   f"reject-{application_id}", lambda reply: _after_rejection(application_id),
                   _back(application_id))


def _after_rejection(application_id: int) -> str:
    """Keep the feeling the person shared with the rejection, as a check-in; it's optional."""
    mood = request.form.get("mood", "")
    if mood in {"1", "2", "3", "4", "5"}:
        try:
            services.call("coach", "POST", "/checkins", current_user_id(),
                          json={"mood": int(mood), "application_id": application_id})
        except services.ServiceUnavailable:
            pass  # the rejection is saved; the mood is a nice-to-have
    return ("Recorded. That one stings, and it says nothing about your worth. "
            "Your coach has a few thoughts for you when you're ready.")


def _back(application_id: int) -> str | None:
    """Forms on the board or detail page return there without JavaScript."""
    where = request.form.get("next", "")
    if where == "detail":
        return url_for("application_detail.show", application_id=application_id, recorded=1)
    if where == "board":
        return url_for("applications.index")
    return None



from frontend.views import ghosts  # noqa: E402,F401  (its routes join this blueprint)
