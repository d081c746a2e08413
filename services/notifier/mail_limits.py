"""How much mail Rebound sends, and to whom, so nobody can use it to fill someone's inbox.

Invitations (and their resends), address confirmations and test messages are
counted per person and per recipient address (whichever account asked), in a
window; past a limit the request is answered 429 with Retry-After and nothing
is sent. Every e-mail that leaves also counts towards the instance's hourly
ceiling (REBOUND_MAIL_PER_HOUR); past it, deliveries wait instead of failing.
Addresses are kept only as a SHA-256, and the rows go with the person.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.notifier.models import MailSend
from shared.web import ApiError

SENT = "sent"  # every e-mail that left, for the instance's ceiling


@dataclass(frozen=True)
class Limit:
    window: timedelta
    per_user: int
    per_recipient: int
    wording: str


LIMITS = {
    "invitation": Limit(timedelta(hours=24), 10, 3, "invitations"),
    "verification": Limit(timedelta(hours=24), 10, 3, "confirmation e-mails"),
    "test": Limit(timedelta(hours=1), 20, 5, "test messages"),
}


def recipient_key(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


def _count(session: Session, since: datetime, **where) -> int:
    query = select(func.count()).select_from(MailSend).where(MailSend.created_at > since)
    for name, value in where.items():
        query = query.where(getattr(MailSend, name) == value)
    return session.scalar(query)


def allow(session: Session, user_id: str, address: str, purpose: str, now: datetime) -> None:
    """Record one send of `purpose` to `address`, or 429 if a limit is reached (nothing recorded)."""
    limit, key = LIMITS[purpose], recipient_key(address)
    since = now - limit.window
    if (_count(session, since, user_id=user_id, purpose=purpose) >= limit.per_user
            or _count(session, since, recipient_key=key, purpose=purpose) >= limit.per_recipient):
        hours = int(limit.window.total_seconds() // 3600)
        span = "an hour" if hours == 1 else f"{hours} hours"
        raise ApiError(429, "too_many", f"That's as many {limit.wording} as we send in {span}, to keep "
                       "inboxes calm. Please try again later.",
                       headers={"Retry-After": str(int(limit.window.total_seconds()))})
    session.add(MailSend(user_id=user_id, recipient_key=key, purpose=purpose, created_at=now))


def room_this_hour(session: Session, ceiling: int, now: datetime) -> bool:
    """Is there room under the instance's hourly ceiling for one more e-mail?"""
    return _count(session, now - timedelta(hours=1), purpose=SENT) < ceiling


def record_sent(session: Session, user_id: str, address: str, now: datetime) -> None:
    session.add(MailSend(user_id=user_id, recipient_key=recipient_key(address), purpose=SENT, created_at=now))
