"""The daily digest: at the user's chosen local time, one message sums up the held items.

Items whose kind is set to "digest" wait as `digest` deliveries. When the
user's digest time has passed today, one inbox item of kind `digest` lists
them, and each channel that held something gets one delivery of it. All in
one transaction with `last_digest_on`, so a digest is made once a day.
"""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.notifier import clock, inbox, preferences
from services.notifier.models import Delivery, Notification, Preferences, Recipient
from services.notifier.quiet_hours import digest_due, release_at
from shared.claims import claim

MAX_LINES = 20


def make_due_digests(sessions: sessionmaker[Session]) -> int:
    """Make every digest that is due now; how many were made."""
    made = 0
    for user_id in due_users(sessions):
        with sessions.begin() as session:
            if claim(session, "notifier.digest", user_id):  # another replica is making it
                made += bool(make_digest(session, user_id))
    return made


def due_users(sessions: sessionmaker[Session]) -> list[str]:
    """Users holding items whose digest is due now, found with one query.

    The scheduler asks every second; a transaction per user holding items was
    most of what an idle notifier-worker did. `make_digest` checks again.
    """
    now = clock.now()
    holding = select(Delivery.user_id).where(Delivery.state == "digest").distinct().subquery("holding")
    with sessions() as session:
        rows = session.execute(
            select(holding.c.user_id, Recipient.timezone, Preferences)
            .outerjoin(Recipient, Recipient.user_id == holding.c.user_id)
            .outerjoin(Preferences, Preferences.user_id == holding.c.user_id)
            .order_by(holding.c.user_id)).all()
    return [user_id for user_id, tz, prefs in rows
            if digest_due(now, tz, prefs or preferences.defaults(user_id))]


def _line(delivery: Delivery) -> str:
    body = " ".join(delivery.body.split())
    return f"{delivery.subject}: {body[:117] + '...' if len(body) > 120 else body}"


def make_digest(session: Session, user_id: str) -> Notification | None:
    now = clock.now()
    prefs = preferences.get(session, user_id)
    recipient = session.get(Recipient, user_id)
    tz = recipient.timezone if recipient else None
    today = digest_due(now, tz, prefs)
    if today is None:
        return None
    held = list(session.scalars(select(Delivery).where(
        Delivery.user_id == user_id, Delivery.state == "digest").order_by(Delivery.id)))
    prefs.last_digest_on = today
    if not held:
        return None
    # One line per item however many channels held it.
    titles = list(dict.fromkeys(_line(d) for d in held))
    lines = [f"• {title}" for title in titles[:MAX_LINES]]
    if len(titles) > MAX_LINES:
        lines.append(f"…and {len(titles) - MAX_LINES} more in your inbox.")
    digest = inbox.notify(
        session, user_id=user_id, kind="digest", severity="info",
        title=f"Your day in Rebound: {len(titles)} thing{'s' if len(titles) != 1 else ''} to look at",
        body="Here's what came in today, gathered in one place:\n\n" + "\n".join(lines),
        link="/notifications", source_event_id=str(uuid.uuid4()), fan_out=False)
    not_before = release_at(now, tz, prefs, severity="info", about_rejection=False)
    for channel_id in dict.fromkeys(d.channel_id for d in held):
        session.add(Delivery(
            user_id=user_id, dedupe_key=f"n{digest.id}:c{channel_id}", notification_id=digest.id,
            channel_id=channel_id, purpose="notification", subject=digest.title, body=digest.body,
            link=digest.link, state="pending", not_before=not_before, created_at=now))
    for delivery in held:
        delivery.state = "digested"
    return digest
