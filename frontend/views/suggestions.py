"""The coach's open suggestions (check in, a next step, rest, a mentor...), each one easy to put away."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request

from frontend import panels, service_client
from frontend.login import current_user_id, login_required
from frontend.views.render import after_change, back_to, is_fragment_request

bp = Blueprint("suggestions", __name__)

# Where a suggestion of each kind can take you; the rest speak for themselves.
KIND_LINKS = {"checkin": ("journal.index", "checkin", "Check in now"),
              "self_care": ("journal.index", "checkin", "Check in with yourself"),
              "feedback_request": ("application_detail.show", "feedback", "See the draft"),
              "look_back": ("journal.index", None, "Look back at what you wrote"),
              "small_win": ("goals.index", "wins", "See your wins")}


def suggestions_panel(user_id: str, application_id: int | None = None) -> dict:
    """Open suggestions, newest first; on an application's page only the ones about it."""
    base = {"suggestions_for": application_id}
    try:
        found = panels.items("coach", "/suggestions", user_id, {"status": "open"})
    except service_client.ServiceUnavailable:
        return {**base, "suggestions": [], "suggestions_down": True}
    if application_id is not None:
        found = [s for s in found if s.get("application_id") == application_id]
    return {**base, "suggestions": [{**s, "link": _link(s, application_id)} for s in found],
            "suggestions_down": False}


def _link(suggestion: dict, shown_on: int | None) -> dict | None:
    """Where a suggestion points, as {endpoint, args, anchor, words} for url_for in the template
    (this runs beside the request, where URLs can't be built yet)."""
    app_id = suggestion.get("application_id")
    endpoint, anchor, words = KIND_LINKS.get(suggestion.get("kind"), (None, None, None))
    if endpoint == "application_detail.show" and not app_id:
        return None
    if endpoint:
        values = {"application_id": app_id} if endpoint == "application_detail.show" else {}
        return {"endpoint": endpoint, "args": values, "anchor": anchor, "words": words}
    if app_id and app_id != shown_on:
        return {"endpoint": "application_detail.show", "args": {"application_id": app_id}, "anchor": None,
                "words": "See the application"}
    return None


@bp.post("/suggestions/<int:suggestion_id>/dismiss")
@login_required
def dismiss(suggestion_id: int):
    """Put a suggestion away; the panel comes back without it."""
    user_id = current_user_id()
    reply = service_client.call("coach", "POST", f"/suggestions/{suggestion_id}/dismiss", user_id)
    back = back_to("dashboard.index")
    if not reply.ok:
        if is_fragment_request():  # said in the notice area; the panel stays as it was
            abort(reply.status if reply.status == 404 else 422, description=panels.service_message(reply))
        flash(panels.service_message(reply), "error")
        return redirect(back)
    about = request.form.get("application_id", type=int)
    return after_change("Put away. Take what helps and leave the rest.", "suggestions",
                        lambda: suggestions_panel(user_id, about), back)
