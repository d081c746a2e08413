"""Listening before speaking: what the person just told the coach settles what it still says.

The playbook's conditions keep a rule quiet when the event itself answers it
(feedback typed with a rejection, a mood just given). What was said *before*
the person answered is settled here: a check-in resolves any pending
"how are you" ask, and a rejection withdraws what no longer holds for that
application (an interview card, an interview not yet told in the day's line).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from services.coach import cards
from services.coach.models import Card, Suggestion

# A pending ask is one shown this recently; older ones have faded from view anyway.
PENDING_FOR = timedelta(days=3)


def resolve_checkin_asks(session: Session, event: dict, now: datetime) -> None:
    """A check-in answers every open "how are you" ask: close it, and take it out of its card."""
    user_id = event["user_id"]
    session.execute(update(Suggestion).where(Suggestion.user_id == user_id, Suggestion.kind == "checkin",
                                             Suggestion.status == "open").values(status="done"))
    for card in cards.shown_cards(session, user_id, now - PENDING_FOR):
        if any(s.get("kind") == "feelings" for s in card.sections):
            keep = [s for s in card.sections if s.get("kind") != "feelings"]
            cards.revise(session, card, keep, event)


# Cards that cheer a step forward with this company: an interview booked, a stage reached.
STALE_AFTER_A_NO = ("interview.scheduled", "application.stage_changed")


def withdraw_stale_for_rejection(session: Session, event: dict, now: datetime) -> None:
    """After a no, nothing about that application may still read as good news on its way."""
    user_id, app_id = event["user_id"], event["data"]["application_id"]
    cards.withdraw_for_application(session, user_id, app_id, STALE_AFTER_A_NO, now, event)
    session.execute(delete(Card).where(Card.user_id == user_id, Card.application_id == app_id,
                                       Card.status == "noted", Card.cause_type == "interview.scheduled"))

