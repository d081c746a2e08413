"""Carrying out the evaluator's actions: rows and outbox events in the caller's transaction."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from services.coach.fact_store import known_fact
from services.coach.goal_events import emit_goal
from services.coach.models import (
    DueItem, FeedbackRequest, Goal, Insight, Reflection, RuleFiring, Suggestion, Win, insert_once,
)
from services.coach.playbook.engine import Action
from services.coach.profiles import settings_of
from services.coach.retraction import withdraw_rejection
from services.coach.texts import FEEDBACK_BODY, FEEDBACK_SUBJECT, fill
from shared.outbox import emit

PRODUCER = "coach"

# Rows are written with Core inserts built once: an ORM object, flushed to learn
# its id, costs several times as much, and nothing here reads the row back.
_G = Goal.__table__.c
FIRINGS = insert(RuleFiring.__table__)
SUGGESTION = insert(Suggestion.__table__).returning(Suggestion.__table__.c.id)
GOAL = insert(Goal.__table__).returning(_G.id, _G.user_id, _G.kind, _G.title, _G.progress, _G.target, _G.period,
                                        _G.status)
FEEDBACK_REQUEST = insert(FeedbackRequest.__table__).returning(FeedbackRequest.__table__.c.id)
DUE_ITEM = insert(DueItem.__table__)
INSIGHT = insert(Insight.__table__).returning(Insight.__table__.c.id)


def apply_actions(session: Session, event: dict, actions: list[Action], now: datetime,
                  card_id: str | None = None) -> None:
    """Write every action's rows and events; `card_id` names the card that speaks for them."""
    fired: list[str] = []
    for action in actions:
        APPLY[action.type](session, event, action, now, card_id)
        if action.rule_id not in fired:
            fired.append(action.rule_id)
    if fired:  # one statement for every rule that acted: cooldowns and retractions read these
        session.execute(FIRINGS, [{"user_id": event["user_id"], "rule_id": rule_id, "source_event_id": _source(event),
                                   "fired_at": now} for rule_id in fired])


def _source(event: dict) -> str | None:
    return event.get("id")


def _app_id(event: dict) -> int | None:
    return event.get("data", {}).get("application_id")


def reflect(session: Session, event: dict, action: Action, now: datetime, card_id: str | None = None) -> None:
    kind, prompt = action.params.get("kind", "rejection_resume"), action.body
    reflection_id = session.execute(insert_once(session, Reflection, "source_event_id"), {  # one per event
        "user_id": event["user_id"], "application_id": _app_id(event), "kind": kind, "prompt": prompt,
        "source_event_id": event["id"], "rule_id": action.rule_id, "created_at": now}).scalar()
    if reflection_id is None:  # this event has prompted its reflection already
        return
    emit(session, "reflection.prompted", user_id=event["user_id"], producer=PRODUCER, cause=event, data={
        "reflection_id": reflection_id, "application_id": _app_id(event), "kind": kind, "prompt": prompt,
        "urgency": action.params.get("urgency", "normal"), "card_id": card_id})


def suggest(session: Session, event: dict, action: Action, now: datetime, card_id: str | None = None) -> int:
    """Record a suggestion and offer it; returns its id."""
    data = {"kind": action.params["kind"], "title": action.title, "body": action.body,
            "application_id": _app_id(event), "urgency": action.params.get("urgency", "normal")}
    suggestion_id = session.execute(SUGGESTION, {
        **data, "user_id": event["user_id"], "source_event_id": _source(event), "rule_id": action.rule_id,
        "created_at": now}).scalar_one()
    emit(session, "suggestion.offered", user_id=event["user_id"], producer=PRODUCER, cause=event,
         data={"suggestion_id": suggestion_id, **data, "card_id": card_id})
    return suggestion_id


def win(session: Session, event: dict, action: Action, now: datetime, card_id: str | None = None) -> None:
    key = {"application": str(_app_id(event)), "count": str(action.facts.get("count", "")),
           "week": str(action.facts.get("week_start", ""))}.get(action.params.get("key", ""), "")
    celebrate(session, event, action.params["kind"], key, action.title, rule_id=action.rule_id,
              urgency=action.params.get("urgency", "normal"), now=now, card_id=card_id)


def celebrate(session: Session, cause: dict, kind: str, key: str, title: str, *, rule_id: str | None = None,
              urgency: str = "normal", now: datetime | None = None, card_id: str | None = None) -> int | None:
    """Record a win once per (user, kind, key) and announce it; its id, or None if it was there already."""
    row = {"user_id": cause["user_id"], "kind": kind, "key": key, "title": title, "rule_id": rule_id,
           "source_event_id": cause.get("id"), **({"created_at": now} if now else {})}
    win_id = session.execute(insert_once(session, Win, "user_id", "kind", "key"), row).scalar()
    if win_id is None:
        return None
    emit(session, "win.celebrated", user_id=cause["user_id"], producer=PRODUCER, cause=cause,
         data={"win_id": win_id, "kind": kind, "title": title, "urgency": urgency, "card_id": card_id})
    return win_id


def propose_goal(session: Session, event: dict, action: Action, now: datetime, card_id: str | None = None) -> None:
    kind = action.params.get("kind", "applications")
    goal = session.execute(GOAL, {
        "user_id": event["user_id"], "kind": kind, "title": goal_title(kind, action.facts),
        "target": action.facts["target"], "status": "proposed", "period": "week", "source_event_id": _source(event),
        "rule_id": action.rule_id, "created_at": now}).one()
    emit_goal(session, goal, cause=event, card_id=card_id)


def goal_title(kind: str, facts: dict) -> str:
    """What a proposed goal is called on the Goals page: the goal itself, not the message offering it."""
    if kind == "learning":
        return fill("Learn a little more about {theme_words}", facts)
    return fill("Send {target} applications this week", facts)


def nudge(session: Session, event: dict, action: Action, now: datetime, card_id: str | None = None) -> None:
    emit(session, "support.nudge_requested", user_id=event["user_id"], producer=PRODUCER, cause=event, data={
        "reason": action.params["reason"], "intensity": action.params["intensity"],
        "share_details": bool(action.params.get("share_details", False))})


def request_feedback(session: Session, event: dict, action: Action, now: datetime,
                     card_id: str | None = None) -> None:
    """A draft to the application's contact, an offer to send it, a reminder later."""
    user_id, app_id = event["user_id"], _app_id(event)
    fact = known_fact(session, user_id, app_id)
    profile = settings_of(session, user_id)
    to_name = fact.contact_name if fact else None
    facts = {**action.facts, "greeting": to_name or "there",
             "sender": (profile.display_name if profile and profile.display_name else "")}
    draft_id = session.execute(FEEDBACK_REQUEST, {
        "user_id": user_id, "application_id": app_id, "to_name": to_name,
        "to_email": fact.contact_email if fact else None, "subject": fill(FEEDBACK_SUBJECT, facts),
        "body": fill(FEEDBACK_BODY, facts).strip(), "source_event_id": event["id"], "created_at": now}).scalar_one()
    suggest(session, event, Action(action.rule_id, "suggestion", {"kind": "feedback_request"},
                                   action.facts, action.title, action.body), now, card_id)
    days = action.params.get("remind_after_days", 2)
    session.execute(DUE_ITEM, {"user_id": user_id, "kind": "feedback_request", "due_at": now + timedelta(days=days),
                               "key": f"feedback_request:{draft_id}", "ref_id": draft_id, "application_id": app_id,
                               "source_event_id": event["id"]})


def insight(session: Session, event: dict, action: Action, now: datetime, card_id: str | None = None) -> None:
    numbers = {k: v for k, v in action.facts.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    insight_id = session.execute(INSIGHT, {
        "user_id": event["user_id"], "kind": action.params["kind"], "title": action.title, "body": action.body,
        "numbers": numbers, "source_event_id": _source(event), "rule_id": action.rule_id,
        "created_at": now}).scalar_one()
    emit(session, "insight.generated", user_id=event["user_id"], producer=PRODUCER, cause=event, data={
        "insight_id": insight_id, "kind": action.params["kind"], "title": action.title, "body": action.body,
        "urgency": action.params.get("urgency", "low"), "card_id": card_id})


def withdraw(session: Session, event: dict, action: Action, now: datetime, card_id: str | None = None) -> None:
    """Take back what the rejection named in the event set off (services/coach/retraction.py)."""
    withdraw_rejection(session, event)


APPLY = {
    "reflection": reflect, "suggestion": suggest, "win": win, "goal_proposal": propose_goal,
    "nudge": nudge, "feedback_request": request_feedback, "insight": insight, "withdraw": withdraw,
}
