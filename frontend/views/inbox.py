"""The notifications inbox and the unread badge in the header."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from frontend import panels, service_client
from frontend.login import current_user_id, login_required, session_required
from frontend.views.actions import act

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
INBOX_PAGE = 50


@bp.get("")
@login_required
def index():
    """Every notification, newest first; optionally only the unread ones."""
    unread_only = request.args.get("unread") == "1"
    params = {"limit": INBOX_PAGE, **({"unread": 1} if unread_only else {})}
    try:
        found = panels.items("notifier", "/notifications", current_user_id(), params)
        down = False
    except service_client.ServiceUnavailable:
        found, down = [], True
    return render_template("inbox.html", notes=found, inbox_down=down, unread_only=unread_only)


@bp.get("/badge")
@session_required
def badge():
    """The unread count, asked of the notifier every time with the ETag the page last saw
    (`seen`). Unchanged answers 204, which htmx leaves alone (a 304 it would swap in empty)."""
    seen = request.args.get("seen", "")
    try:
        reply = service_client.raw("notifier", "GET", "/notifications/unread_count", current_user_id(),
                             headers={"If-None-Match": seen} if seen else None,
                             timeout=panels.PANEL_TIMEOUT)
    except service_client.ServiceUnavailable:
        return "", 204  # keep showing the last count; the next poll tries again
    if reply.status_code != 200 or (seen and reply.headers.get("ETag") == seen):
        return "", 204  # unchanged (304), or the notifier can't say
    return render_template("_partials/inbox_badge.html", unread=int(reply.json().get("count") or 0),
                           badge_etag=reply.headers.get("ETag", ""))


@bp.post("/<int:notification_id>/<any(read, archive):action>")
@login_required
def update(notification_id: int, action: str):
    """Mark one notification read, or archive it."""
    message = "Marked as read." if action == "read" else "Archived."
    return act("notifier", "POST", f"/notifications/{notification_id}/{action}", message, url_for(".index"))


@bp.post("/read_all")
@login_required
def read_all():
    return act("notifier", "POST", "/notifications/read_all", "All caught up.", url_for(".index"))
