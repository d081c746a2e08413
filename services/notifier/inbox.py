"""Putting something in the inbox, and fanning it out to the user's channels.

The inbox item is always made at once. Each chosen channel gets one
`deliveries` row (unique per notification and channel), pending until its
`not_before` (quiet hours), or held for the daily digest, unless the item's
topic is switched off, the item is private, or its producer said `email: never`.
A safety item goes out only as a pointer to open Rebound, never as its text.
The scheduler sends.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, and_, bindparam, insert, select
from sqlalchemy.orm import Session

from services.notifier import clock, preferences, topics
from services.notifier.models import Channel, Delivery, Notification, Preferences, Recipient
from services.notifier.quiet_hours import release_at
from shared.db import insert_for

# Who a new item reaches: the person's preferences, time zone and active channels in one query.
_USER = select(bindparam("user_id", type_=String).label("user_id")).subquery("u")
# Each part outer-joined to the user id, so a missing one is None, not a missing row.
# Only the columns fan-out needs: every column costs CPU in the driver on every row.
_REACH = (
    select(Preferences, Recipient.timezone, Channel.id).select_from(_USER)
    .outerjoin(Preferences, Preferences.user_id == _USER.c.user_id)
    .outerjoin(Recipient, Recipient.user_id == _USER.c.user_id)
    .outerjoin(Channel, and_(Channel.user_id == _USER.c.user_id, Channel.paused_at.is_(None)))
    .order_by(Channel.id)
)
_INSERT_DELIVERIES = insert(Delivery)


def notify(session: Session, *, user_id: str, kind: str, severity: str, title: str, body: str,
           source_event_id: str, link: str | None = None, ref: str | None = None,
           about_rejection: bool = False, fan_out: bool = True, email: str | None = None,
           private: bool = False, mail_body: str | None = None,
           sections: list[dict] | None = None) -> Notification | None:
    """Make the inbox item and its deliveries; None if this source was seen before.

    `email="never"` or `private=True` (from the producer) keep it in the inbox only;
    `mail_body` is what channels get instead of `body` (a card's sections, say).
    """
    notification = _insert_unless_seen(session, dict(
        user_id=user_id, kind=kind, severity=severity, title=title[:300], body=body, link=link,
        source_event_id=source_event_id, ref=ref, about_rejection=about_rejection,
        sections=sections, created_at=clock.now()))
    if notification is None:
        return None
    if fan_out and not private and email != "never":
        fan_out_deliveries(session, notification, mail_body)
    return notification


def _insert_unless_seen(session: Session, values: dict) -> Notification | None:
    """The new item, or None if one came from this source already (source_event_id is unique).

    One statement instead of a SELECT then an INSERT: a handler makes one item per
    event, so this round trip is paid for every event the notifier handles.
    """
    return session.scalar(insert_for(session)(Notification).on_conflict_do_nothing(
        index_elements=["source_event_id"]).returning(Notification), values)


def fan_out_deliveries(session: Session, notification: Notification, mail_body: str | None = None) -> int:
    """One delivery per chosen channel, written at once; how many."""
    now = clock.now()
    prefs, timezone, channel_ids = _reach(session, notification.user_id)
    choice = preferences.for_kind(prefs, notification.kind, notification.severity)
    if choice["mode"] == topics.OFF:
        return 0
    not_before = release_at(now, timezone, prefs,
                            severity=notification.severity,
                            about_rejection=notification.about_rejection)
    state = "digest" if choice["mode"] == topics.DIGEST else "pending"
    subject, body, link = notification.title, mail_body or notification.body, notification.link
    if topics.of(notification.kind, notification.severity) == topics.SAFETY:
        # The words stay in Rebound: not in any channel, nor in the deliveries table.
        (subject, body), link = topics.SAFETY_POINTER, "/"
    rows = [dict(user_id=notification.user_id, dedupe_key=f"n{notification.id}:c{channel_id}",
                 notification_id=notification.id, channel_id=channel_id, purpose="notification",
                 subject=subject, body=body, link=link,
                 state=state, not_before=not_before, created_at=now)
            for channel_id in _chosen(channel_ids, choice["channels"])]
    if rows:
        # A bulk INSERT: nothing here needs the rows as objects, and the unit of work
        # that would flush them costs more CPU than the INSERT itself.
        session.execute(_INSERT_DELIVERIES, rows)
    return len(rows)


def _reach(session: Session, user_id: str) -> tuple[Preferences, str | None, list[int]]:
    """The user's preferences, timezone and unpaused channel ids (in order), in one query.

    Three lookups per notification were most of a handler's cost.
    """
    rows = session.execute(_REACH, {"user_id": user_id}).all()
    prefs, timezone = rows[0][0], rows[0][1]
    channel_ids = [row[2] for row in rows if row[2] is not None]
    return prefs or preferences.add_defaults(session, user_id), timezone, channel_ids


def _chosen(channel_ids: list[int], wanted: list[int] | None) -> list[int]:
    """The channels this kind goes to: every one, or those the user picked."""
    return channel_ids if wanted is None else [i for i in channel_ids if i in wanted]


def revise(session: Session, user_id: str, ref: str, *, title: str, body: str,
           sections: list[dict]) -> Notification | None:
    """Put new words on the item about `ref` (a revised coach card), in place; None if there is none.

    Nothing is sent again: a revision drops what no longer holds, it is not news.
    """
    item = session.scalar(select(Notification).where(Notification.user_id == user_id, Notification.ref == ref))
    if item is None:
        return None
    item.title, item.body, item.sections = title[:300], body, sections
    return item


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
