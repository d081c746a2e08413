"""The public REST API /api/v1: checks who is asking and what they sent, then asks the service.

The service's status and JSON body are passed through unchanged (including its
404 and 422), so the API never disagrees with the service that owns the data.
"""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from frontend import accounts, services
from frontend.csrf import SAFE_METHODS, csrf_ok
from frontend.login import current_user
from frontend.runtime import sessions
from frontend.schemas import (
    ApplicationIn,
    ApplicationQuery,
    NotificationQuery,
    Page,
    ReflectionAnswerIn,
    ReflectionQuery,
    RejectionIn,
    StageIn,
)
from shared.web import error_response, json_body

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def authenticate():
    """A Bearer API token, or the signed-in session plus its CSRF token for changes."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        g.api_user_id = accounts.user_for_token(sessions(), token.strip())
        return None if g.api_user_id else _unauthorized("That API token isn't valid (or was revoked).")
    user = current_user()
    if user is None:
        return _unauthorized("Sign in, or send a personal API token as 'Authorization: Bearer <token>'.")
    if request.method not in SAFE_METHODS and not csrf_ok():
        return error_response(403, "csrf_failed", "Send the page's CSRF token in the X-CSRF-Token header.")
    g.api_user_id = user["id"]
    return None


def _unauthorized(message: str):
    response = error_response(401, "unauthorized", message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="rebound"'
    return response


def _body(schema) -> dict:
    """The JSON body, validated: 400 if malformed, 422 naming the fields if invalid."""
    return schema.dump(json_body(schema))


def _query(schema) -> dict:
    return schema.dump(schema.load(request.args.to_dict()))


def _proxy(service: str, method: str, path: str, *, json: dict | None = None,
           params: dict | None = None, listing: bool = False):
    reply = services.call(service, method, path, g.api_user_id, json=json, params=params)
    body = dict(reply.body)
    if listing and reply.ok:
        body.setdefault("items", [])
        body.setdefault("next_cursor", None)
    return jsonify(body), reply.status


@bp.post("/applications")
def create_application():
    """Add an application; 201 with it."""
    return _proxy("tracker", "POST", "/applications", json=_body(ApplicationIn()))


@bp.get("/applications")
def list_applications():
    """Applications, filtered by stage or a search, a page at a time."""
    return _proxy("tracker", "GET", "/applications", params=_query(ApplicationQuery()), listing=True)


@bp.get("/applications/<int:application_id>")
def get_application(application_id: int):
    """One application with its stage history and rejection."""
    return _proxy("tracker", "GET", f"/applications/{application_id}")


@bp.post("/applications/<int:application_id>/stage")
def change_stage(application_id: int):
    """Move an application to another stage."""
    return _proxy("tracker", "POST", f"/applications/{application_id}/stage", json=_body(StageIn()))


@bp.post("/applications/<int:application_id>/rejection")
def record_rejection(application_id: int):
    """Record a rejection; 201."""
    return _proxy("tracker", "POST", f"/applications/{application_id}/rejection",
                  json=_body(RejectionIn()))


@bp.get("/reflections")
def list_reflections():
    """Reflection prompts, open or done."""
    return _proxy("coach", "GET", "/reflections", params=_query(ReflectionQuery()), listing=True)


@bp.post("/reflections/<int:reflection_id>")
def answer_reflection(reflection_id: int):
    """Answer a reflection prompt."""
    return _proxy("coach", "POST", f"/reflections/{reflection_id}", json=_body(ReflectionAnswerIn()))


@bp.get("/notifications")
def list_notifications():
    """Notifications, optionally only the unread ones."""
    return _proxy("notifier", "GET", "/notifications", params=_query(NotificationQuery()), listing=True)


@bp.post("/notifications/<int:notification_id>/read")
def mark_notification_read(notification_id: int):
    """Mark one notification as read."""
    return _proxy("notifier", "POST", f"/notifications/{notification_id}/read")


@bp.get("/wins")
def list_wins():
    """Small wins the coach has celebrated."""
    return _proxy("coach", "GET", "/wins", params=_query(Page()), listing=True)


@bp.get("/goals")
def list_goals():
    """Goals and how far along they are."""
    return _proxy("coach", "GET", "/goals", params=_query(Page()), listing=True)
