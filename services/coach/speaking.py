"""The coach speaks: run the playbook for a moment, write what it decides, compose its one card.

Event handlers (handlers.py) and the scheduler (scheduler.py) both end here.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session

from services.coach import budgets, cards
from services.coach.effects import apply_actions
from services.coach.fact_store import known_fact
from services.coach.history import load_snapshot, occurred_at
from services.coach.playbook.engine import Action, evaluate
from services.coach.playbook.loader import Playbook, load_playbook
from services.coach.playbook.snapshot import local
from services.coach.profiles import settings_of
from services.coach.texts import heading
from shared.config import load_settings


@lru_cache(maxsize=1)
def playbook() -> Playbook:
    return load_playbook()


@lru_cache(maxsize=1)
def resources_text() -> str:
    return load_settings().support_resources_text


def run_playbook(session: Session, event: dict) -> None:
    """Evaluate the playbook for this event against the user's history; write what it decides, say it once."""
    session.flush()
    now = occurred_at(event)
    rules = playbook().rules_for(event["type"])
    snap = load_snapshot(session, event, rules)
    speak(session, event, evaluate(event, snap, now, playbook(), resources_text()), now, snap.timezone)


def speak(session: Session, event: dict, actions: list[Action], now, tz: str, *, kind: str | None = None,
          facts: dict | None = None, cause_type: str | None = None, hold: bool = False):
    """Write the actions' effects and compose their one card (None when there is nothing to say)."""
    budget = budgets.budget_of(settings_of(session, event["user_id"]))
    plan = cards.plan(session, event, actions, now, budget)
    apply_actions(session, event, plan.actions, now, card_id=plan.card_id)
    title, opening = heading(kind or _heading_kind(event), {**_card_facts(session, event, now, tz), **(facts or {})})
    return cards.publish(session, event, plan, now, tz, budget, cause_type=cause_type, title=title,
                         opening=opening, hold=hold)


def _heading_kind(event: dict) -> str:
    if event["type"] == "application.stage_changed":
        return f"stage.{event['data']['to_stage']}"
    return event["type"]


def _card_facts(session: Session, event: dict, now, tz: str) -> dict:
    data = event.get("data", {})
    facts = {"company": data.get("company"), "role": data.get("role")}
    if data.get("application_id") is not None and not (facts["company"] and facts["role"]):
        fact = known_fact(session, event["user_id"], data["application_id"])
        facts = {"company": fact.company, "role": fact.role} if fact else facts
    day = local(now, tz)
    return {**facts, "day": f"{day:%A} {day.day} {day:%B}"}
