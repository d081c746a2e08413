"""Reflections: open prompts answered inline, past answers searchable, a quick mood check-in."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from marshmallow import Schema, fields, validate

from frontend import panels, service_client
from frontend.login import current_user_id, login_required
from frontend.schemas import Trimmed
from frontend.views import feedback
from frontend.views.actions import act, form_payload

bp = Blueprint("journal", __name__, url_prefix="/journal")
bp.register_blueprint(feedback.bp)  # asking for feedback and keeping it: part of the Reflections section


class CheckinIn(Schema):
    mood = fields.Int(required=True, validate=validate.Range(1, 5),
                      error_messages={"required": "Pick how you're feeling."})
    note = Trimmed(validate=validate.Length(max=5000))


def past_answers(user_id: str) -> dict:
    try:
        done = panels.items("coach", "/reflections", user_id, {"status": "done"})
    except service_client.ServiceUnavailable:
        return {"past": [], "past_down": True}
    return {"past": done, "past_down": False}


def matching(answers: list[dict], query: str) -> list[dict]:
    """Answers whose prompt or answer mention every word of the query, case aside."""
    words = query.lower().split()
    return [a for a in answers
            if all(w in f"{a.get('prompt', '')} {a.get('answer', '')}".lower() for w in words)]


@bp.get("")
@login_required
def index():
    """Open prompts, a check-in, and everything answered so far."""
    user_id = current_user_id()
    query = request.args.get("q", "").strip()[:200]
    context = panels.gather(lambda: panels.reflections_panel(user_id),
                            lambda: past_answers(user_id), lambda: panels.mood_panel(user_id),
                            lambda: feedback.drafts_panel(user_id))
    context.update(q=query, past=matching(context["past"], query))
    return render_template("journal.html", **context)


@bp.post("/checkin")
@login_required
def checkin():
    """Note how you're feeling today."""
    back = url_for(".index")
    payload, refusal = form_payload(CheckinIn(), back)
    if refusal:
        return refusal
    return act("coach", "POST", "/checkins", "Thanks for checking in with yourself.", back, payload)

