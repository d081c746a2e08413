"""The parts of Settings the services keep: the coach's rhythm and rules, and the tracker's auto-ghosting."""
from __future__ import annotations

from flask import Blueprint, request, url_for
from marshmallow import Schema, fields, validate

from frontend import panels, service_client
from frontend.login import login_required
from frontend.schemas import REQUIRED
from frontend.views.actions import act, form_payload

bp = Blueprint("services", __name__)  # nested in the settings blueprint: /settings/...

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Things the coach does that a person may want to switch off, in their words; each maps to
# the playbook rules behind it (tests check every id exists in the coach's playbook).
RULE_CHOICES = {
    "checkin": ("A gentle check-in after a rejection", ("rejection.feelings_first",)),
    "next_step": ("One small next step after a rejection", ("rejection.next_step",)),
    "feedback": ("A draft asking for feedback after an interview", ("rejection.feedback_request",)),
    "self_care": ("Self-care ideas after a tough run", ("rejection.self_care", "checkin.self_care",
                                                       "reflection.self_care")),
    "supporters": ("Letting your supporters know when it's a hard stretch", ("rejection.support_nudge",)),
    "mentor": ("Suggesting a chat with a mentor", ("rejection.mentor",)),
    "learning": ("Learning goals when the same reason keeps coming up", ("rejection.learning_goal",)),
    "adjacent": ("Ideas for neighbouring roles", ("rejection.adjacent_roles",)),
    "targets": ("Suggesting lighter or bigger weekly goals", ("week.lower_target", "week.higher_target")),
    "small_wins": ("A small nod for each application and reflection", ("application.small_win",
                                                                       "reflection.small_win")),
    "rest": ("Reminders to rest after late nights or very full days", ("application.late_nights",
                                                                       "application.big_day")),
    "kindness": ("Kinder ways to see it when you're hard on yourself", (
        "checkin.self_compassion", "reflection.self_compassion", "reflection.growth")),
    "professional": ("Pointers to professional support when things stay very low", (
        "checkin.professional_support", "reflection.professional_support")),
}
HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="Use 24-hour time, like 18:00.")


class CoachSettingsIn(Schema):
    review_weekday = fields.Int(required=True, error_messages=REQUIRED, validate=validate.Range(0, 6))
    review_time = fields.Str(required=True, error_messages=REQUIRED, validate=HHMM)
    nudge_threshold = fields.Int(required=True, error_messages=REQUIRED, validate=validate.Range(
        2, 50, error="Pick a number from 2 to 50."))


def _document(service: str, path: str, user_id: str, key: str) -> dict:
    try:
        return {key: panels.document(service, path, user_id), f"{key}_down": False}
    except service_client.ServiceUnavailable:
        return {key: {}, f"{key}_down": True}


def service_settings(user_id: str) -> dict:
    """The coach's and the tracker's settings, asked side by side, with the rule switches."""
    context = panels.gather(lambda: _document("coach", "/settings", user_id, "coach_settings"),
                            lambda: _document("tracker", "/settings", user_id, "tracker_settings"))
    disabled = set(context["coach_settings"].get("disabled_rules") or ())
    known = {rule for _, rules in RULE_CHOICES.values() for rule in rules}
    context["rule_switches"] = [
        {"key": key, "label": label, "off": set(rules) <= disabled} for key, (label, rules) in RULE_CHOICES.items()]
    # Rules switched off some other way (the API) stay off; they are listed so they can come back.
    context["rule_switches"] += [{"key": rule, "label": rule, "off": True} for rule in sorted(disabled - known)]
    context["weekdays"] = WEEKDAYS
    return context


@bp.post("/coach")
@login_required
def coach_settings():
    """The weekly review's day and time, when supporters hear, and which ideas the coach offers."""
    back = url_for("settings.index") + "#coach"
    payload, refusal = form_payload(CoachSettingsIn(), back)
    if refusal:
        return refusal
    # Every switch shown is sent back in `shown`; the ticked ones come in `on`. Unticked means off.
    off = set(request.form.getlist("shown")) - set(request.form.getlist("on"))
    payload["disabled_rules"] = sorted(
        {rule for key in off for rule in RULE_CHOICES.get(key, ((), (key,)))[1]})
    return act("coach", "PATCH", "/settings", "Saved. Your coach will work that way from now on.", back, payload)


@bp.post("/tracker")
@login_required
def tracker_settings():
    """Switch automatic "No reply" marking on or off."""
    auto = request.form.get("auto_ghost") == "on"
    message = ("On. Applications that stay quiet will be marked as no reply for you." if auto
               else "Off. We'll ask you first before marking anything as no reply.")
    return act("tracker", "PATCH", "/settings", message, url_for("settings.index") + "#quiet-settings",
               {"auto_ghost": auto})
