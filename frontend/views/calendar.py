"""Interviews in the person's own calendar: an .ics per round, and a private feed to subscribe to
(rounds and follow-ups from the tracker, feedback reminders from the coach).

The feed's address carries the user and a random key, signed with the app's secret; the
tracker keeps only the key's hash and can forget it (revoke), after which every address
made before answers 404.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from frontend import calendar_files, panels, service_client
from frontend.accounts import get_user
from frontend.login import current_user, current_user_id, login_required
from frontend.runtime import sessions

bp = Blueprint("calendar", __name__)  # nested in the applications blueprint: /applications/...
SALT = "rebound.calendar-feed"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _host() -> str:
    return urlsplit(request.host_url).hostname or "rebound"


def _ics(body: bytes, filename: str | None = None) -> Response:
    headers = {"Cache-Control": "private, max-age=300"}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(body, mimetype="text/calendar", headers=headers)


@bp.get("/<int:application_id>/rounds/<int:round_id>.ics")
@login_required
def round_ics(application_id: int, round_id: int):
    """One round as a calendar file, to open in any calendar app."""
    reply = service_client.call("tracker", "GET", f"/applications/{application_id}", current_user_id())
    if not reply.ok:
        abort(404 if reply.status == 404 else 503)
    app = reply.body
    found = next((r for r in app.get("rounds") or [] if r.get("id") == round_id), None)
    if found is None:
        abort(404, description="We couldn't find that interview round.")
    zone = (current_user() or {}).get("timezone")
    body = calendar_files.one_round(found, app["company"], app["role"], zone, _host())
    return _ics(body, f"interview-{round_id}.ics")


@bp.get("/calendar")
@login_required
def page():
    """Whether a feed is on; make a new address or turn it off."""
    try:
        status = panels.document("tracker", "/calendar/key", current_user_id())
    except service_client.ServiceUnavailable:
        status = None
    return render_template("calendar.html", status=status, feed_url=None)


@bp.post("/calendar")
@login_required
def new_address():
    """A new private address (any older one stops working), shown this once."""
    user_id = current_user_id()
    reply = service_client.call("tracker", "POST", "/calendar/key", user_id)
    if not reply.ok:
        flash(panels.service_message(reply), "error")
        return redirect(url_for(".page"))
    token = _signer().dumps({"u": user_id, "k": reply.body["key"]})
    feed_url = url_for(".feed", token=token, _external=True)
    return render_template("calendar.html", status={"active": True}, feed_url=feed_url)


@bp.post("/calendar/off")
@login_required
def off():
    reply = service_client.call("tracker", "DELETE", "/calendar/key", current_user_id())
    if reply.ok:
        flash("Your calendar address is switched off. Calendars using it will stop updating.")
    else:
        flash(panels.service_message(reply), "error")
    return redirect(url_for(".page"))


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """The feed itself, read by calendar apps without a session: the signed address is the pass."""
    try:
        claims = _signer().loads(token)
        user_id, key = str(claims["u"]), str(claims["k"])
    except (BadSignature, KeyError, TypeError):
        abort(404)
    user = get_user(sessions(), user_id)
    if user is None:
        abort(404)
    try:
        reply = service_client.call("tracker", "GET", "/calendar/events", user_id, params={"key": key})
    except service_client.ServiceUnavailable:
        abort(503)
    if not reply.ok:
        abort(404 if reply.status == 404 else 503)
    return _ics(calendar_files.feed(reply.body, user.get("timezone"), _host(), _feedback_reminders(user_id)))


def _feedback_reminders(user_id: str) -> list[dict]:
    """The coach owns feedback requests and their reminders; without it the feed still has the rest."""
    try:
        reply = service_client.call("coach", "GET", "/feedback-requests/reminders", user_id)
    except service_client.ServiceUnavailable:
        return []
    return reply.body.get("items") or [] if reply.ok else []
