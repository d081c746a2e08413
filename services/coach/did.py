"""Small wins, told once a day: kept as notes, folded into one "what you did" line.

An application sent, an interview booked, a reflection answered: each is worth
noticing, none is worth an inbox item of its own. Each is kept as a note (a
card row with status "noted"); the next card shown folds every note, and any
card held over the day's budget, into itself.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.coach.composer import Budget
from services.coach.models import Card
from services.coach.playbook.engine import Action
from services.coach.playbook.snapshot import local
from services.coach.texts import DID_PARTS

NAMESPACE = uuid.UUID("9e3c1b7a-47c2-4c55-8f0e-2b7d5a1c9e03")
SMALL_WINS = {"small_application": "application", "small_interview": "interview", "small_reflection": "reflection"}
# From cards held over budget, only news that keeps is folded in; asks and steps would be stale.
FOLDABLE = ("win", "goal", "insight")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def notes_for(event: dict, small: list[Action]) -> list[dict]:
    notes = []
    for action in small:
        what = SMALL_WINS.get(action.variants[0].key.split("#")[0] if action.variants else "")
        if what:
            notes.append({"did": what, "name": action.facts.get("company", "")})
    return notes


def keep(session: Session, user_id: str, notes: list[dict], event: dict, now: datetime, tz: str) -> str | None:
    """Keep this moment's notes for the next card; the id they are kept under."""
    if notes:
        card_id = str(uuid.uuid5(NAMESPACE, f"{event['id']}:{notes[0]['did']}"))
        session.add(Card(card_id=card_id, user_id=user_id,
                         cause_event_id=event["id"], cause_type=event["type"],
                         application_id=event.get("data", {}).get("application_id"), title="", summary="",
                         sections=notes, status="noted", local_day=local(now, tz).date(), created_at=now))
        session.flush()
        return card_id
    return None


def fold(session: Session, user_id: str, now: datetime, tz: str, budget: Budget,
         exclude_event: str | None = None) -> list[dict]:
    """Sections for the next card: one line of what the person did, and news held over budget."""
    waiting = list(session.scalars(select(Card).where(
        Card.user_id == user_id, Card.status.in_(("noted", "held"))).order_by(Card.id)))
    # This moment's own notes are what the card is about: not listed again.
    noted = [c for c in waiting if c.status == "noted" and c.cause_event_id != exclude_event]
    notes = [n for c in noted for n in c.sections]
    first = min((c.created_at for c in noted), default=now)
    held = [s for c in waiting if c.status == "held" for s in c.sections if s.get("kind") in FOLDABLE]
    for card in waiting:
        card.status = "folded"
    sections = [line(notes, first, now, tz)] if notes else []
    return sections + held[:2]


def line(notes: list[dict], first: datetime, now: datetime, tz: str) -> dict:
    """One line, e.g. "What you did today: sent 2 applications (Acme, Globex) and answered a reflection."."""
    parts = []
    for what, (one, many) in DID_PARTS.items():
        names = list(dict.fromkeys(n["name"] for n in notes if n["did"] == what and n.get("name")))
        count = sum(1 for n in notes if n["did"] == what)
        if count:
            shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
            parts.append((one if count == 1 else many).format(n=count, names=shown))
    start, today = local(first, tz).date(), local(now, tz).date()
    when = f"{today:%A} {today.day} {MONTHS[today.month - 1]}"
    title = f"What you did today, {when}" if start == today else \
        f"What you did since {start:%A} {start.day} {MONTHS[start.month - 1]}"
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return {"kind": "win", "title": title, "body": f"You {listed}.", "link": "/goals"}
