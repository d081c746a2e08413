"""The dashboard and its two live panels: open reflections and notifications."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from marshmallow import ValidationError

from frontend import panels, service_client
from frontend.login import current_user, current_user_id, login_required
from frontend.schemas import ReflectionAnswerIn, clean_form
from frontend.views import ghosts, today_coach, upcoming
from frontend.views.render import after_change, fragment_or_page, is_fragment_request

bp = Blueprint("dashboard", __name__)


def dashboard_context(user_id: str) -> dict:
    """What needs attention today, asked of the services side by side; the full list lives on Applications."""
    user = current_user() or {}
    today = upcoming.local_today(user.get("timezone"))
    context = panels.gather(
        lambda: panels.applications_panel(user_id),
        lambda: panels.reflections_panel(user_id, few=True),
        lambda: today_coach.coach_panel(user_id),  # the coach once: not ideas beside news
        lambda: panels.goals_panel(user_id),
        lambda: panels.mood_panel(user_id),
        lambda: upcoming.rounds_panel(user_id, today),
        lambda: upcoming.follow_ups_panel(user_id, today),
        lambda: upcoming.feedback_asks_panel(user_id),
        lambda: ghosts.ghosts_panel(user_id),
    )
    context["upcoming"] = upcoming.coming_up(context["follow_ups"], context["rounds"], today)
    return context


def _few() -> bool:
    """Today's copy of the reflections panel shows only the newest few; its polls and forms say so."""
    return request.args.get("few") == "1"


def _unchanged(digest: str) -> bool:
    """A poll that already shows this state: answer 204 and htmx leaves it alone."""
    return is_fragment_request() and request.args.get("seen") == digest


@bp.get("/")
@login_required
def index():
    """This week, the coach's newest word, what is due, what went quiet, and the counts: one screen."""
    return render_template("dashboard.html", **dashboard_context(current_user_id()))


@bp.get("/reflections")
@login_required
def reflections():
    """Open reflections: the live panel for htmx, a page of its own otherwise."""
    context = panels.reflections_panel(current_user_id(), _few())
    if _unchanged(context["reflections_digest"]):
        return "", 204
    return fragment_or_page("reflections", "reflections", context)


@bp.post("/reflections/<int:reflection_id>")
@login_required
def answer_reflection(reflection_id: int):
    """Save the answer to one reflection prompt, given inline."""
    user_id = current_user_id()
    try:
        answer = clean_form(ReflectionAnswerIn(), request.form)
    except ValidationError as exc:
        return _reflections_with_errors(user_id, reflection_id, exc.messages)
    reply = service_client.call("coach", "POST", f"/reflections/{reflection_id}", user_id, json=answer)
    if not reply.ok:
        errors = {"_schema": [panels.service_message(reply)], **panels.service_fields(reply)}
        return _reflections_with_errors(user_id, reflection_id, errors)
    return after_change("Thank you for taking a moment with that. It's saved.", "reflections",
                        lambda: panels.reflections_panel(user_id, _few()))


def _reflections_with_errors(user_id: str, reflection_id: int, errors: dict):
    context = panels.reflections_panel(user_id, _few())
    context.update(errors={reflection_id: errors}, drafts={reflection_id: request.form})
    return fragment_or_page("reflections", "reflections", context, 422)


@bp.get("/notifications")
@login_required
def notifications():
    """Recent notifications: the live panel for htmx, a page of its own otherwise."""
    context = panels.notifications_panel(current_user_id())
    if _unchanged(context["notifications_digest"]):
        return "", 204
    return fragment_or_page("notifications", "notifications", context)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    """Mark one notification as read."""
    user_id = current_user_id()
    reply = service_client.call("notifier", "POST", f"/notifications/{notification_id}/read", user_id)
    if not reply.ok:  # shown in the page's notice area, the panel stays as it is
        abort(422, description=panels.service_message(reply))
    return after_change("Marked as read.", "notifications",
                        lambda: panels.notifications_panel(user_id))
