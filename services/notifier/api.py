"""The notifier's HTTP API: the inbox, scoped to the caller; and the app that serves it all."""
from __future__ import annotations

from flask import Blueprint, Flask, g, jsonify, request
from sqlalchemy import func, select, update
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from services.notifier import clock
from services.notifier.api_export import bp as export_bp
from services.notifier.api_channels import bp as channels_bp
from services.notifier.models import Delivery, Notification
from services.notifier.api_preferences import bp as preferences_bp
from services.notifier.api_public import PREFIX as PUBLIC_PREFIX, create_public_app
from services.notifier.schemas import delivery_out, notification_out
from services.notifier.api_supporters import bp as supporters_bp
from shared.config import Settings
from shared.pagination import paginate
from shared.runtime import Runtime
from shared.web import ApiError, create_service_app

bp = Blueprint("inbox", __name__)


def get_notification_or_404(session, notification_id: int) -> Notification:
    notification = session.scalar(select(Notification).where(
        Notification.id == notification_id, Notification.user_id == g.user_id))
    if notification is None:
        raise ApiError(404, "not_found", "We couldn't find that notification.")
    return notification


@bp.get("/notifications")
def list_notifications():
    """The inbox, newest first; `unread=1` for unread only, `archived=1` for the archive,
    `kind=a,b` for some kinds only (the coach's, say)."""
    query = select(Notification).where(Notification.user_id == g.user_id)
    if request.args.get("unread") in ("1", "true"):
        query = query.where(Notification.read_at.is_(None))
    archived = request.args.get("archived") in ("1", "true")
    query = query.where(Notification.archived_at.is_not(None) if archived
                        else Notification.archived_at.is_(None))
    if request.args.get("kind"):
        query = query.where(Notification.kind.in_(request.args["kind"].split(",")[:20]))
    with g.runtime.sessions() as session:
        return paginate(session, query, Notification.id, notification_out.dump)


@bp.get("/notifications/unread_count")
def unread_count():
    """How many notifications are unread: one indexed query, and 304 when nothing changed."""
    with g.runtime.sessions() as session:
        count, newest = session.execute(select(func.count(), func.max(Notification.id)).where(
            Notification.user_id == g.user_id, Notification.read_at.is_(None),
            Notification.archived_at.is_(None))).one()
    response = jsonify({"count": count})
    response.set_etag(f"{count}-{newest or 0}", weak=True)
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)


@bp.post("/notifications/<int:notification_id>/read")
def mark_read(notification_id: int):
    """Mark one notification read."""
    with g.runtime.sessions.begin() as session:
        notification = get_notification_or_404(session, notification_id)
        if notification.read_at is None:
            notification.read_at = clock.now()
        return notification_out.dump(notification)


@bp.post("/notifications/read_all")
def mark_all_read():
    """Mark every unread notification read."""
    with g.runtime.sessions.begin() as session:
        result = session.execute(update(Notification).where(
            Notification.user_id == g.user_id, Notification.read_at.is_(None)).values(read_at=clock.now()))
        return {"updated": result.rowcount}


@bp.post("/notifications/<int:notification_id>/archive")
def archive(notification_id: int):
    """Move a notification out of the inbox (it counts as read)."""
    with g.runtime.sessions.begin() as session:
        notification = get_notification_or_404(session, notification_id)
        now = clock.now()
        notification.archived_at = notification.archived_at or now
        notification.read_at = notification.read_at or now
        return notification_out.dump(notification)


@bp.get("/notifications/<int:notification_id>/deliveries")
def deliveries(notification_id: int):
    """Where this notification went: one row per channel, with state, attempts and reason."""
    with g.runtime.sessions() as session:
        get_notification_or_404(session, notification_id)
        rows = session.scalars(select(Delivery).where(
            Delivery.user_id == g.user_id, Delivery.notification_id == notification_id)
            .order_by(Delivery.id))
        return {"items": [delivery_out.dump(d) for d in rows]}


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    runtime = runtime or Runtime.build("notifier", settings)
    app = create_service_app(__name__, runtime, bp, channels_bp, preferences_bp, supporters_bp, export_bp)
    # Supporters' confirm/unsubscribe pages carry no user token: a separate app under
    # /public answers them, so the internal-token check never sees those paths.
    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {PUBLIC_PREFIX: create_public_app(runtime)})
    return app
