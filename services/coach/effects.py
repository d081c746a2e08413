"""Carrying out the evaluator's actions: rows and outbox events in the caller's transaction."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.coach.models import (
    ApplicationFact, DueItem, FeedbackRequest, Goal, Insight, Profile, Reflection, RuleFiring,
    Suggestion, Win,
)
from services.coach.playbook.engine import Action
from services.coach.prompts import reflection_for
from services.coach.voice import FEEDBACK_BODY, FEEDBACK_SUBJECT, fill
from shared.outbox import emit

PRODUCER = "coach"


def apply_actions(session: Session, event: dict, actions: list[Action], now: datetime) -> None:
    fired: set[str] = set()
    for action in actions:
        APPLY[action.type](session, event, action, now)
        if action.rule_id not in fired:
            fired.add(action.rule_id)
            session.add(RuleFiring(user_id=event["user_id"], rule_id=action.rule_id,
                                   source_event_id=_source(event), fired_at=now))


def _source(event: dict) -> str | None:
    return event.get("id")


def _app_id(event: dict) -> int | None:
    return event.get("data", {}).get("application_id")


def reflect(session: Session, event: dict, action: Action, now: datetime) -> None:
    data = event["data"]
    exists = session.scalar(select(Reflection.id).where(Reflection.source_event_id == event["id"]))
    if exists:
        return
    kind, prompt = reflection_for(data.get("stage_reached", "applied"), action.facts["company"],
                                  action.facts["role"], seed=event["id"])
    reflection = Reflection(user_id=event["user_id"], application_id=_app_id(event), kind=kind,
                            prompt=prompt, source_event_id=event["id"], rule_id=action.rule_id, created_at=now)
    session.add(reflection)
    session.flush()
    emit(session, "reflection.prompted", user_id=event["user_id"], producer=PRODUCER, cause=event, data={
        "reflection_id": reflection.id, "application_id": _app_id(event), "kind": kind, "prompt": prompt,
        "urgency": action.params.get("urgency", "normal")})


def suggest(session: Session, event: dict, action: Action, now: datetime) -> Suggestion:
    suggestion = Suggestion(user_id=event["user_id"], kind=action.params["kind"], title=action.title,
                            body=action.body, application_id=_app_id(event),
                            urgency=action.params.get("urgency", "normal"),
                            source_event_id=_source(event), rule_id=action.rule_id, created_at=now)
    session.add(suggestion)
    session.flush()
    emit(session, "suggestion.offered", user_id=event["user_id"], producer=PRODUCER, cause=event, data={
        "suggestion_id": suggestion.id, "kind": suggestion.kind, "title": suggestion.title,
        "body": suggestion.body, "application_id": suggestion.application_id, "urgency": suggestion.urgency})
    return suggestion


def win(session: Session, event: dict, action: Action, now: datetime) -> None:
    key = {"application": str(_app_id(event)), "count": str(action.facts.get("count", "")),
           "week": str(action.facts.get("week_start", ""))}.get(action.params.get("key", ""), "")
    celebrate(session, event, action.params["kind"], key, action.title, rule_id=action.rule_id,
              urgency=action.params.get("urgency", "normal"), now=now)


def celebrate(session: Session, cause: dict, kind: str, key: str, title: str, *, rule_id: str | None = None,
              urgency: str = "normal", now: datetime | None = None) -> Win | None:
    """Record a win once per (user, kind, key) and announce it."""
    exists = session.scalar(select(Win.id).where(
        Win.user_id == cause["user_id"], Win.kind == kind, Win.key == key))
    if exists:
        return None
    row = Win(user_id=cause["user_id"], kind=kind, key=key, title=title, rule_id=rule_id,
              source_event_id=cause.get("id"), **({"created_at": now} if now else {}))
    session.add(row)
    session.flush()
    emit(session, "win.celebrated", user_id=cause["user_id"], producer=PRODUCER, cause=cause,
         data={"win_id": row.id, "kind": kind, "title": title, "urgency": urgency})
    return row


def propose_goal(session: Session, event: dict, action: Action, now: datetime) -> None:
    kind = action.params.get("kind", "applications")
    goal = Goal(user_id=event["user_id"], kind=kind, title=action.title, target=action.facts["target"],
                status="proposed", period="week", source_event_id=_source(event), rule_id=action.rule_id,
                created_at=now)
    session.add(goal)
    session.flush()
    emit_goal(session, goal, cause=event, body=action.body)


def emit_goal(session: Session, goal: Goal, cause: dict | None = None, body: str | None = None) -> None:
    emit(session, "goal.updated", user_id=goal.user_id, producer=PRODUCER, cause=cause, data={
        "goal_id": goal.id, "kind": goal.kind, "title": body or goal.title, "progress": goal.progress,
        "target": goal.target, "period": goal.period, "status": goal.status})


def nudge(session: Session, event: dict, action: Action, now: datetime) -> None:
    emit(session, "support.nudge_requested", user_id=event["user_id"], producer=PRODUCER, cause=event, data={
        "reason": action.params["reason"], "intensity": action.params["intensity"],
        "share_details": bool(action.params.get("share_details", False))})


def request_feedback(session: Session, event: dict, action: Action, now: datetime) -> None:
    """A draft to the application's contact, an offer to send it, a reminder later."""
    user_id, app_id = event["user_id"], _app_id(event)
    fact = session.scalar(select(ApplicationFact).where(
        ApplicationFact.user_id == user_id, ApplicationFact.application_id == app_id))
    profile = session.get(Profile, user_id)
    to_name = fact.contact_name if fact else None
    facts = {**action.facts, "greeting": to_name or "there",
             "sender": (profile.display_name if profile and profile.display_name else "")}
    draft = FeedbackRequest(user_id=user_id, application_id=app_id, to_name=to_name,
                            to_email=fact.contact_email if fact else None,
                            subject=fill(FEEDBACK_SUBJECT, facts), body=fill(FEEDBACK_BODY, facts).strip(),
                            source_event_id=event["id"], created_at=now)
    session.add(draft)
    session.flush()
    suggest(session, event, Action(action.rule_id, "suggestion", {"kind": "feedback_request"},
                                   action.facts, action.title, action.body), now)
    days = action.params.get("remind_after_days", 2)
    session.add(DueItem(user_id=user_id, kind="feedback_request", due_at=now + timedelta(days=days),
                        key=f"feedback_request:{draft.id}", ref_id=draft.id, application_id=app_id,
                        source_event_id=event["id"]))


def insight(session: Session, event: dict, action: Action, now: datetime) -> None:
    numbers = {k: v for k, v in action.facts.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    row = Insight(user_id=event["user_id"], kind=action.params["kind"], title=action.title, body=action.body,
                  numbers=numbers, source_event_id=_source(event), rule_id=action.rule_id, created_at=now)
    session.add(row)
    session.flush()
    emit(session, "insight.generated", user_id=event["user_id"], producer=PRODUCER, cause=event, data={
        "insight_id": row.id, "kind": row.kind, "title": row.title, "body": row.body,
        "urgency": action.params.get("urgency", "low")})


APPLY = {
    "reflection": reflect, "suggestion": suggest, "win": win, "goal_proposal": propose_goal,
    "nudge": nudge, "feedback_request": request_feedback, "insight": insight,
}
