"""The support network's side of events: invitations, nudges and good news.

Only confirmed supporters hear anything beyond the invitation; the dispatcher
checks again at send time, so a supporter who unsubscribes meanwhile hears nothing.
"""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifier import clock, inbox, preferences, supporter_messages
from services.notifier.models import Delivery, Recipient, Supporter
from services.notifier.quiet_hours import release_at

RELATIONSHIPS = ("friend", "family", "peer", "mentor", "coach")
# How many supporters one request reaches: a gentle one asks one person, a strong one a few.
REACH = {"gentle": 1, "strong": 3}


def queue_message(session: Session, supporter: Supporter, purpose: str, key: str,
                  text: supporter_messages.Text, about_rejection: bool = False) -> Delivery | None:
    """A delivery to a supporter, written now and sent by the scheduler."""
    if session.scalar(select(Delivery.id).where(Delivery.dedupe_key == key)):
        return None
    now = clock.now()
    recipient = session.get(Recipient, supporter.user_id)
    not_before = release_at(now, recipient.timezone if recipient else None,
                            preferences.get(session, supporter.user_id),
                            severity="info", about_rejection=about_rejection)
    delivery = Delivery(user_id=supporter.user_id, dedupe_key=key, supporter_id=supporter.id,
                        purpose=purpose, subject=text.subject, body=text.body, state="pending",
                        not_before=not_before, created_at=now)
    session.add(delivery)
    return delivery


def invite(session: Session, supporter: Supporter) -> Delivery | None:
    recipient = session.get(Recipient, supporter.user_id)
    text = supporter_messages.invitation(recipient and recipient.display_name, supporter.name)
    return queue_message(session, supporter, "invitation", f"inv:s{supporter.id}:{uuid.uuid4().hex}", text)


def eligible_for_nudge(session: Session, user_id: str, intensity: str) -> list[Supporter]:
    """Confirmed supporters who want nudges and were not nudged too recently, closest first."""
    now = clock.now()
    candidates = [s for s in session.scalars(select(Supporter).where(
        Supporter.user_id == user_id, Supporter.status == "confirmed",
        Supporter.nudges_enabled.is_(True)))
        if s.last_nudged_at is None or now - s.last_nudged_at >= timedelta(days=s.min_days_between)]
    if intensity == "gentle":
        # A gentle request goes to the people closest to the user when there are any.
        close = [s for s in candidates if s.relationship in ("friend", "family", "peer")]
        candidates = close or candidates
    candidates.sort(key=lambda s: (RELATIONSHIPS.index(s.relationship),
                                   s.last_nudged_at or now - timedelta(days=3650), s.id))
    return candidates[:REACH.get(intensity, 1)]


def send_nudges(session: Session, event: dict) -> list[Supporter]:
    user_id, data = event["user_id"], event["data"]
    if not preferences.get(session, user_id).nudges_enabled:
        return []
    recipient = session.get(Recipient, user_id)
    chosen = eligible_for_nudge(session, user_id, data["intensity"])
    for supporter in chosen:
        detailed = data["share_details"] and supporter.share_details
        text = supporter_messages.nudge(recipient and recipient.display_name, supporter.name,
                                        data["reason"] if detailed else None)
        queue_message(session, supporter, "nudge", f"nudge:{event['id']}:s{supporter.id}", text,
                      about_rejection=True)
        supporter.last_nudged_at = clock.now()
    if chosen:
        note = supporter_messages.nudge_sent_note(
            [s.name for s in chosen], any(data["share_details"] and s.share_details for s in chosen))
        inbox.notify(session, user_id=user_id, kind="nudge_sent", severity="info", title=note.subject,
                     body=note.body, link="/supporters", source_event_id=event["id"])
    return chosen


def share_good_news(session: Session, event: dict) -> list[Supporter]:
    user_id, data = event["user_id"], event["data"]
    if not preferences.get(session, user_id).share_good_news:
        return []
    recipient = session.get(Recipient, user_id)
    supporters = list(session.scalars(select(Supporter).where(
        Supporter.user_id == user_id, Supporter.status == "confirmed")))
    for supporter in supporters:
        details = (data["company"], data["role"]) if supporter.share_details else (None, None)
        text = supporter_messages.good_news(recipient and recipient.display_name, supporter.name, *details)
        queue_message(session, supporter, "good_news", f"good:{event['id']}:s{supporter.id}", text)
    return supporters
