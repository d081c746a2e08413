"""Asking for feedback after a rejection (the coach's drafts) and keeping what people said.

Forms come from the journal or from an application's page and go back there (`next`).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request
from marshmallow import Schema, ValidationError, fields, validate

from frontend import panels, service_client
from frontend.login import login_required
from frontend.schemas import LONG_TEXT, REQUIRED, Trimmed, clean_form
from frontend.views.actions import act, explain
from frontend.views.render import back_to

bp = Blueprint("feedback", __name__)  # nested in the journal blueprint: /journal/...


class DraftIn(Schema):
    subject = Trimmed(required=True, error_messages=REQUIRED, validate=validate.Length(min=1, max=300))
    body = Trimmed(required=True, error_messages=REQUIRED, validate=validate.Length(min=1, max=LONG_TEXT))
    to_email = fields.Email(allow_none=True, error_messages={"invalid": "That doesn't look like an e-mail address."})


class FeedbackIn(Schema):
    text = Trimmed(required=True, error_messages=REQUIRED, validate=validate.Length(min=1, max=LONG_TEXT))
    application_id = fields.Int(allow_none=True)


def drafts_panel(user_id: str, application_id: int | None = None) -> dict:
    """The coach's feedback-request drafts; on an application's page only its own."""
    try:
        found = panels.items("coach", "/feedback-requests", user_id)
    except service_client.ServiceUnavailable:
        return {"drafts_list": [], "drafts_down": True}
    if application_id is not None:
        found = [d for d in found if d.get("application_id") == application_id]
    return {"drafts_list": found, "drafts_down": False}


def feedback_panel(user_id: str, application_id: int) -> dict:
    """Feedback the person has noted down for this application."""
    try:
        found = panels.items("coach", "/feedback", user_id)
    except service_client.ServiceUnavailable:
        return {"feedback": [], "feedback_down": True}
    return {"feedback": [f for f in found if f.get("application_id") == application_id], "feedback_down": False}


def _refused(errors: dict, back: str):
    flash(explain(errors), "error")
    return redirect(back)


@bp.post("/feedback-requests/<int:draft_id>")
@login_required
def save_draft(draft_id: int):
    """Keep the changes to a draft; an empty address means "I'll fill it in later"."""
    back = back_to("journal.index") + f"#draft-{draft_id}"
    try:
        payload = clean_form(DraftIn(), request.form)
    except ValidationError as exc:
        return _refused(exc.messages, back)
    payload.setdefault("to_email", None)
    return act("coach", "PATCH", f"/feedback-requests/{draft_id}", "Draft saved.", back, payload)


@bp.post("/feedback-requests/<int:draft_id>/sent")
@login_required
def mark_sent(draft_id: int):
    """The person sent it themselves; the coach stops reminding them."""
    return act("coach", "PATCH", f"/feedback-requests/{draft_id}", "Marked as sent. Asking takes courage.",
               back_to("journal.index") + f"#draft-{draft_id}", {"status": "sent"})


@bp.post("/feedback")
@login_required
def record_feedback():
    """Note down feedback heard about an application (or in general)."""
    back = back_to("journal.index") + "#feedback"
    try:
        payload = clean_form(FeedbackIn(), request.form)
    except ValidationError as exc:
        return _refused(exc.messages, back)
    return act("coach", "POST", "/feedback", "Saved. Feedback is hard to hear and useful to keep.", back, payload)
