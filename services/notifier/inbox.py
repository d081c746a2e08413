"""Putting something in the inbox, and fanning it out to the user's channels.

The inbox item is always made at once. Each chosen channel gets one
`deliveries` row (unique per notification and channel), pending until its
`not_before` (quiet hours), or held for the daily digest. The scheduler sends.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifier import clock, preferences
from services.notifier.models import Channel, Delivery, Notification, Recipient
from services.notifier.quiet_hours import release_at


def notify(session: Session, *, user_id: str, kind: str, severity: str, title: str, body: str,
           source_event_id: str, link: str | None = None, ref: str | None = None,
           about_rejection: bool = False, fan_out: bool = True) -> Notification | None:
    """Make the inbox item and its deliveries; None if this source was seen before."""
    if session.scalar(select(Notification.id).where(Notification.source_event_id == source_event_id)):
        return None
    notification = Notification(
        user_id=user_id, kind=kind, severity=severity, title=title[:300], body=body, link=link,
        source_event_id=source_event_id, ref=ref, about_rejection=about_rejection,
        created_at=clock.now())
    session.add(notification)
    session.flush()
    if fan_out:
        fan_out_deliveries(session, notification)
    return notification


def fan_out_deliveries(session: Session, notification: Notification) -> list[Delivery]:
    now = clock.now()
    prefs = preferences.get(session, notification.user_id)
    choice = preferences.for_kind(prefs, notification.kind)
    recipient = session.get(Recipient, notification.user_id)
    not_before = release_at(now, recipient.timezone if recipient else None, prefs,
                            severity=notification.severity,
                            about_rejection=notification.about_rejection)
    state = "digest" if choice["mode"] == "digest" else "pending"
    made = []
    for channel in _chosen_channels(session, notification.user_id, choice["channels"]):
        delivery = Delivery(
            user_id=notification.user_id, dedupe_key=f"n{notification.id}:c{channel.id}",
            notification_id=notification.id, channel_id=channel.id, purpose="notification",
            subject=notification.title, body=notification.body, link=notification.link,
            state=state, not_before=not_before, created_at=now)
        session.add(delivery)
        made.append(delivery)
    return made


def _chosen_channels(session: Session, user_id: str, ids: list[int] | None) -> list[Channel]:
    query = select(Channel).where(Channel.user_id == user_id, Channel.paused_at.is_(None))
    if ids is not None:
        query = query.where(Channel.id.in_(ids or [-1]))
    return list(session.scalars(query.order_by(Channel.id)))


def withdraw(session: Session, user_id: str, refs: list[str], when: datetime) -> int:
    """Archive the items about `refs` and cancel whatever of theirs has not gone out."""
    items = list(session.scalars(select(Notification).where(
        Notification.user_id == user_id, Notification.ref.in_(refs or ["-"]))))
    for item in items:
        item.archived_at = item.archived_at or when
        for delivery in session.scalars(select(Delivery).where(
                Delivery.notification_id == item.id,
                Delivery.state.in_(("pending", "retry", "digest")))):
            delivery.state, delivery.last_error = "cancelled", "withdrawn"
    return len(items)
