"""Settings → Notifications: how each topic reaches you outside Rebound, the digest time, quiet hours.

The inbox always gets everything; these choices are only about e-mail (and any
other channel you added). The notifier keeps them (GET/PATCH /preferences).
"""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from frontend import panels, service_client
from frontend.login import current_user, current_user_id, login_required
from frontend.views.actions import act, form_payload

bp = Blueprint("notification_settings", __name__, url_prefix="/settings/notifications")

MODES = {"immediate": "Right away", "digest": "In the daily digest", "off": "Off (inbox only)"}
# Each topic in the person's words: (label, hint, the modes offered).
TOPICS = {
    "coaching": ("Notes from your coach", "Reflections, ideas and insights after something happens.", MODES),
    "wins": ("Wins", "Things you did that deserve a nod.", MODES),
    "reminders": ("Reminders you asked for", "Follow-ups, interviews and feedback requests.", MODES),
    "weekly_review": ("Your weekly look back", "At the day and time you chose for it.", MODES),
    "supporters": ("Your supporters", "When we let someone in your corner know.", MODES),
    "safety": ("Looking after yourself",
               "If something you write sounds very hard, a short note asking you to open Rebound. "
               "Never your words, never in a digest.",
               {"immediate": "Right away", "off": "Off (inbox only)"}),
    "account": ("Your account and channels", "For example, when a channel keeps failing.", MODES),
}
HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="Use 24-hour time, like 18:00.")


class NotificationSettingsIn(Schema):
    digest_time = fields.Str(required=True, validate=HHMM,
                             error_messages={"required": "Please choose a time for the daily digest."})
    quiet_start = fields.Str(validate=HHMM)
    quiet_end = fields.Str(validate=HHMM)

    @validates_schema
    def _both_ends(self, data, **_kw):
        if bool(data.get("quiet_start")) != bool(data.get("quiet_end")):
            raise ValidationError("Give quiet hours both a start and an end, or leave both empty.")


def _chosen_topics(form) -> dict:
    """The modes picked in the form; anything not offered for that topic is ignored."""
    return {topic: form[f"topic-{topic}"] for topic, (_, _, offered) in TOPICS.items()
            if form.get(f"topic-{topic}") in offered}


@bp.get("")
@login_required
def index():
    """The choices as they are now, defaults filled in by the notifier."""
    try:
        prefs, down = panels.document("notifier", "/preferences", current_user_id()), False
    except service_client.ServiceUnavailable:
        prefs, down = {}, True
    return render_template("settings_notifications.html", prefs=prefs, prefs_down=down, topics=TOPICS,
                           timezone=(current_user() or {}).get("timezone") or "UTC")


@bp.post("")
@login_required
def save():
    """Save every topic's mode, the digest time and quiet hours together."""
    back = url_for(".index")
    payload, refusal = form_payload(NotificationSettingsIn(), back)
    if refusal:
        return refusal
    quiet = ({"start": payload["quiet_start"], "end": payload["quiet_end"]}
             if payload.get("quiet_start") else None)
    body = {"topics": _chosen_topics(request.form), "digest_time": payload["digest_time"],
            "quiet_hours": quiet}
    return act("notifier", "PATCH", "/preferences", "Saved. That's how news will reach you from now on.",
               back, body)

