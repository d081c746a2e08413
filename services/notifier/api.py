"""The notifier's HTTP API: the inbox, scoped to the caller."""
from __future__ import annotations

from flask import Blueprint, Flask, g, request
from sqlalchemy import func, select

from services.notifier.models import Notification
from services.notifier.schemas import notification_out
from shared.config import Settings
from shared.pagination import paginate
from shared.runtime import Runtime
from shared.tables import utcnow
from shared.web import ApiError, create_service_app

bp = Blueprint("inbox", __name__)


@bp.get("/notifications")
def list_notifications():
    """The inbox, newest first; `unread=1` for unread only."""
    query = select(Notification).where(Notification.user_id == g.user_id)
    if request.args.get("unread") in ("1", "true"):
        query = query.where(Notification.read_at.is_(None))
    with g.runtime.sessions() as session:
        return paginate(session, query, Notification.id, notification_out.dump)


@bp.get("/notifications/unread_count")
def unread_count():
    """How many notifications are unread: cheap enough to poll."""
    with g.runtime.sessions() as session:
        count = session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == g.user_id, Notification.read_at.is_(None)))
    return {"count": count}


@bp.post("/notifications/<int:notification_id>/read")
def mark_read(notification_id: int):
    """Mark one notification read."""
    with g.runtime.sessions.begin() as session:
        notification = session.scalar(select(Notification).where(
            Notification.id == notification_id, Notification.user_id == g.user_id))
        if notification is None:
            raise ApiError(404, "not_found", "We couldn't find that notification.")
        notification.read_at = notification.read_at or utcnow()
        return notification_out.dump(notification)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    return create_service_app(__name__, runtime or Runtime.build("notifier", settings), bp)
