"""Today's one coach panel: the newest thing from the coach, whole, and how many more wait.

The coach speaks once on Today: one card (its sections, in the coach's order)
instead of a list of ideas beside a list of news. Everything else waits in the
inbox; the panel says how many unread there are. It refreshes itself like the
other live panels: the poll carries a digest and gets 204 while nothing changed.
"""
from __future__ import annotations

from flask import Blueprint, abort, request

from frontend import panels, service_client
from frontend.login import current_user_id, login_required
from frontend.views.render import after_change, fragment_or_page, is_fragment_request

bp = Blueprint("today_coach", __name__, url_prefix="/today/coach")
# What the coach puts in the inbox: a composed card, and the single pieces it sent before cards.
COACH_KINDS = "coach_card,reflection,insight,win,goal"
LOOK_BACK = 50  # enough to count "n more" honestly on any ordinary day


def coach_panel(user_id: str) -> dict:
    """The newest coach item and how many other unread ones are waiting."""
    try:
        found = panels.items("notifier", "/notifications", user_id, {"kind": COACH_KINDS, "limit": LOOK_BACK})
    except service_client.ServiceUnavailable:
        return {"coach_card": None, "coach_more": 0, "coach_card_down": True, "coach_card_digest": "down"}
    newest, rest = (found[0], found[1:]) if found else (None, [])
    more = sum(1 for item in rest if not item.get("read_at"))
    return {"coach_card": newest, "coach_more": more, "coach_card_down": False,
            "coach_card_digest": panels.digest([newest, more])}


@bp.get("")
@login_required
def panel():
    """The live panel for htmx (204 while unchanged), a page of its own otherwise."""
    context = coach_panel(current_user_id())
    if is_fragment_request() and request.args.get("seen") == context["coach_card_digest"]:
        return "", 204
    return fragment_or_page("today_coach", "dashboard_coach", context)


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    """Mark the card read; the panel comes back as it now is."""
    user_id = current_user_id()
    reply = service_client.call("notifier", "POST", f"/notifications/{notification_id}/read", user_id)
    if not reply.ok:
        abort(422, description=panels.service_message(reply))
    return after_change("Marked as read.", "today_coach", lambda: coach_panel(user_id))
