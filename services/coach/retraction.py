"""Taking back what a rejection set off, when the rejection turns out not to be one.

Run by the playbook like every other answer: rule `rejection.retracted` (action `withdraw`).
"""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.coach.goal_events import PRODUCER, emit_goal
from services.coach.models import (
    ApplicationFact, Card, DueItem, FeedbackRequest, Goal, Reflection, RuleFiring, Suggestion, Win,
)
from shared.outbox import emit


def withdraw_rejection(session: Session, event: dict) -> None:
    user_id, data = event["user_id"], event["data"]
    fact = session.scalar(select(ApplicationFact).where(
        ApplicationFact.user_id == user_id, ApplicationFact.application_id == data["application_id"]))
    source = str(data["rejection_event_id"]) if data.get("rejection_event_id") else (
        fact.rejection_event_id if fact else None)
    if fact is not None and (source is None or fact.rejection_event_id in (None, source)):
        fact.rejected_on, fact.reason, fact.rejection_event_id = None, None, None
        fact.stage = fact.furthest_stage
    if source is None:
        return
    reflections = _withdraw(session, Reflection, user_id, source, ("open",))
    suggestions = _withdraw(session, Suggestion, user_id, source, ("open",))
    for goal in session.scalars(select(Goal).where(
            Goal.user_id == user_id, Goal.source_event_id == source, Goal.status == "proposed")):
        goal.status = "withdrawn"
        emit_goal(session, goal, cause=event)
    _withdraw(session, FeedbackRequest, user_id, source, ("draft",))
    _withdraw(session, DueItem, user_id, source, ("pending",), to="cancelled")
    wins = list(session.scalars(select(Win).where(Win.user_id == user_id, Win.source_event_id == source)))
    for row in wins:
        session.delete(row)
    session.execute(delete(RuleFiring).where(RuleFiring.user_id == user_id, RuleFiring.source_event_id == source))
    cards = _withdraw(session, Card, user_id, source, ("sent", "held"), key="cause_event_id")
    emit(session, "coaching.withdrawn", user_id=user_id, producer=PRODUCER, cause=event, data={
        "application_id": data["application_id"], "reflection_ids": reflections,
        "suggestion_ids": suggestions, "win_ids": [w.id for w in wins],
        "card_ids": [c.card_id for c in session.scalars(select(Card).where(Card.id.in_(cards or [-1])))]})


def _withdraw(session: Session, model, user_id: str, source: str, from_status: tuple,
              to: str = "withdrawn", key: str = "source_event_id") -> list[int]:
    rows = session.scalars(select(model).where(
        model.user_id == user_id, getattr(model, key) == source, model.status.in_(from_status))).all()
    for row in rows:
        row.status = to
    return [row.id for row in rows]
