"""What a person was told lately: the facts the composer's budgets are checked against."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from services.coach.composer import SPACING, Budget
from services.coach.models import Card, Profile, SaidText

_SAID = insert(SaidText.__table__)


def budget_of(profile: Profile | None) -> Budget:
    """The person's budgets: their settings where they chose, calm defaults elsewhere."""
    chosen = (getattr(profile, "coach_budget", None) or {}) if profile is not None else {}
    return Budget(**{k: int(v) for k, v in chosen.items() if k in Budget.__dataclass_fields__})


def said_lately(session: Session, user_id: str, now: datetime, days: int) -> set[str]:
    return set(session.scalars(select(SaidText.text_key).where(
        SaidText.user_id == user_id, SaidText.said_at > now - timedelta(days=days))))


def remember_said(session: Session, user_id: str, keys: list[str], now: datetime) -> None:
    if keys:
        session.execute(_SAID, [{"user_id": user_id, "text_key": key[:80], "said_at": now} for key in keys])


def kinds_said_within(session: Session, user_id: str, now: datetime) -> dict[str, timedelta]:
    """How long ago each spaced section kind was last shown (kinds not shown lately are absent)."""
    longest = max(SPACING.values())
    found: dict[str, timedelta] = {}
    for created_at, sections in session.execute(select(Card.created_at, Card.sections).where(
            Card.user_id == user_id, Card.status.in_(("sent", "folded")), Card.created_at > now - longest)):
        for section in sections:
            kind = section.get("kind")
            if kind in SPACING:
                found[kind] = min(found.get(kind, longest), now - created_at)
    return found


def cards_on(session: Session, user_id: str, day: date) -> int:
    """Coach cards shown on this local day (safety cards included: they count, but are never held)."""
    return session.scalar(select(func.count()).select_from(Card).where(
        Card.user_id == user_id, Card.local_day == day, Card.status.in_(("sent", "withdrawn")))) or 0
