"""The notifications inbox and the unread badge in the header."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from frontend import panels, service_client
from frontend.login import current_user_id, login_required, session_required
from frontend.unread_cache import EXTENSION as UNREAD_CACHE, Unread, UnreadCache
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
    """The unread count; the notifier's ETag rides in `seen` and an unchanged count answers 204."""
    seen = request.args.get("seen", "")
    unread = _unread(current_user_id(), seen)
    if unread is None or (seen and unread.etag == seen):
        return "", 204  # unchanged, or the notifier can't say: keep showing the last count
    return render_template("_partials/inbox_badge.html", unread=unread.count, badge_etag=unread.etag)


def _unread(user_id: str, seen: str) -> Unread | None:
    """The count from this worker's memory, else from the notifier; None if the notifier
    answered "unchanged since `seen`" or did not answer."""
    cache = _cache()
    kept = cache.get(user_id)
    if kept is not None:
        return kept
    ticket = cache.ticket(user_id)
    # Nothing will be kept (not listening): a conditional request spares the notifier the body.
    conditional = {"If-None-Match": seen} if seen and ticket is None else None
    try:
        reply = service_client.raw("notifier", "GET", "/notifications/unread_count", user_id,
                             headers=conditional, timeout=panels.PANEL_TIMEOUT)
    except service_client.ServiceUnavailable:
        return None  # the next poll tries again
    if reply.status_code != 200:
        return None
    unread = Unread(int(reply.json().get("count") or 0), reply.headers.get("ETag", ""))
    cache.keep(ticket, unread)
    return unread


def _cache() -> UnreadCache:
    return current_app.extensions[UNREAD_CACHE]


@bp.post("/<int:notification_id>/<any(read, archive):action>")
@login_required
def update(notification_id: int, action: str):
    """Mark one notification read, or archive it."""
    message = "Marked as read." if action == "read" else "Archived."
    response = act("notifier", "POST", f"/notifications/{notification_id}/{action}", message,
                   url_for(".index"))
    _cache().forget(current_user_id())  # this worker's next badge asks, even before the hint comes
    return response


@bp.post("/read_all")
@login_required
def read_all():
    response = act("notifier", "POST", "/notifications/read_all", "All caught up.", url_for(".index"))
    _cache().forget(current_user_id())
    return response
