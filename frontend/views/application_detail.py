"""One application: its history, interview rounds, contacts, notes, feedback, and the coach's reply."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from marshmallow import Schema, ValidationError, fields, validate

from frontend import panels, service_client
from frontend.login import current_user, current_user_id, login_required
from frontend.time_zones import zone_choices
from frontend.schemas import REQUIRED, Trimmed, at_most, clean_form
from frontend.views import feedback, suggestions
from frontend.views.render import fragment_or_page, is_fragment_request

bp = Blueprint("application_detail", __name__, url_prefix="/applications")

ROUND_KINDS = {"phone": "Phone call", "technical": "Technical", "onsite": "On site",
               "panel": "Panel", "take_home": "Take-home task"}


class NoteIn(Schema):
    body = Trimmed(required=True, error_messages=REQUIRED, validate=[validate.Length(min=1), at_most(20000)])


class ContactIn(Schema):
    name = Trimmed(required=True, error_messages=REQUIRED, validate=[validate.Length(min=1), at_most(200)])
    title = Trimmed(allow_none=True, validate=at_most(200))
    email = fields.Email(allow_none=True, error_messages={"invalid": "An e-mail address like name@example.com."})
    phone = Trimmed(allow_none=True, validate=at_most(50))
    profile_url = fields.Url(allow_none=True, validate=at_most(2000), error_messages={"invalid": "A web address like https://…"})


class RoundIn(Schema):
    scheduled_on = fields.Date(required=True, error_messages=REQUIRED)
    starts_at = fields.Time(allow_none=True, format="%H:%M", error_messages={"invalid": "A time like 14:30."})
    timezone = Trimmed(allow_none=True, validate=at_most(64))
    duration_minutes = fields.Int(allow_none=True, validate=validate.Range(
        5, 1440, error="Between 5 minutes and a whole day (1440)."))
    location = Trimmed(allow_none=True, validate=at_most(500))
    video_url = fields.Url(allow_none=True, validate=at_most(2000), error_messages={"invalid": "A web address like https://…"})
    kind = fields.Str(required=True, validate=validate.OneOf(tuple(ROUND_KINDS)))
    interviewer = Trimmed(allow_none=True, validate=at_most(200))
    notes = Trimmed(allow_none=True, validate=at_most(20000))


ITEMS = {"notes": (NoteIn, "Note saved."), "contacts": (ContactIn, "Contact added."),
         "rounds": (RoundIn, "Interview round added. You've got this.")}


def _application(user_id: str, application_id: int) -> dict | None:
    """The application with everything attached; None if the tracker can't be reached."""
    try:
        reply = service_client.call("tracker", "GET", f"/applications/{application_id}", user_id,
                              timeout=panels.PANEL_TIMEOUT)
    except service_client.ServiceUnavailable:
        return None
    if reply.status == 404:
        abort(404, description="We couldn't find that application.")
    return reply.body if reply.ok else None


def coach_panel(user_id: str, application_id: int) -> dict:
    """What the coach has said about this application so far: its reflection prompts."""
    try:
        found = panels.items("coach", "/reflections", user_id)
    except service_client.ServiceUnavailable:
        return {"coach_replies": [], "coach_down": True, "coach_digest": "down",
                "application_id": application_id}
    mine = [r for r in found if r.get("application_id") == application_id]
    return {"coach_replies": mine, "coach_down": False, "coach_digest": panels.digest(mine),
            "application_id": application_id}


def detail_context(user_id: str, application_id: int) -> dict:
    """Everything the detail page shows, asked of the tracker and the coach side by side."""
    return panels.gather(lambda: {"application": _application(user_id, application_id)},
                         lambda: coach_panel(user_id, application_id),
                         lambda: suggestions.suggestions_panel(user_id, application_id),
                         lambda: feedback.drafts_panel(user_id, application_id),
                         lambda: feedback.feedback_panel(user_id, application_id))


@bp.get("/<int:application_id>")
@login_required
def show(application_id: int):
    """The detail page."""
    context = detail_context(current_user_id(), application_id)
    context.update(round_kinds=ROUND_KINDS, errors=None, drafts=None,
                   waiting=request.args.get("recorded") == "1", open_rejection=request.args.get("reject") == "1",
                   time_zones=zone_choices((current_user() or {}).get("timezone")))
    return render_template("application.html", **context)


@bp.get("/<int:application_id>/coach")
@login_required
def coach(application_id: int):
    """The coach's reply panel, polled after a rejection; 204 while nothing changed."""
    context = coach_panel(current_user_id(), application_id)
    context["waiting"] = request.args.get("waiting") == "1"
    if is_fragment_request() and request.args.get("seen") == context["coach_digest"]:
        return "", 204
    if not is_fragment_request():
        return redirect(url_for(".show", application_id=application_id))
    return render_template("_partials/coach_replies.html", **context)


@bp.post("/<int:application_id>/<any(notes, contacts, rounds):kind>")
@login_required
def add_item(application_id: int, kind: str):
    """Add a note, a contact or an interview round."""
    user_id = current_user_id()
    schema, success = ITEMS[kind]
    try:
        payload = clean_form(schema(), request.form)
        reply = service_client.call("tracker", "POST", f"/applications/{application_id}/{kind}", user_id,
                              json=payload)
        if not reply.ok:
            raise ValidationError({"_schema": [panels.service_message(reply)],
                                   **panels.service_fields(reply)})
    except ValidationError as exc:
        context = {**detail_context(user_id, application_id), "round_kinds": ROUND_KINDS,
                   "errors": {kind: exc.messages}, "drafts": {kind: request.form}, "waiting": False,
                   "time_zones": zone_choices((current_user() or {}).get("timezone"))}
        return fragment_or_page("application_detail", "application", context, 422)
    flash(success)
    return redirect(url_for(".show", application_id=application_id) + f"#{kind}")

