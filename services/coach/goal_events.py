"""`goal.updated`, built in one place: every change of a goal (proposed, moved, closed, withdrawn) tells it."""
from __future__ import annotations

from sqlalchemy.orm import Session

from services.coach.models import Goal
from shared.outbox import emit

PRODUCER = "coach"


def emit_goal(session: Session, goal: Goal, cause: dict | None = None, card_id: str | None = None) -> None:
    emit(session, "goal.updated", user_id=goal.user_id, producer=PRODUCER, cause=cause, data={
        "goal_id": goal.id, "kind": goal.kind, "title": goal.title, "progress": goal.progress,
        "target": goal.target, "period": goal.period, "status": goal.status, "card_id": card_id})
