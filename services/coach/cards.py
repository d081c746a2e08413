"""One card per moment: from the playbook's actions to the one thing a person reads.

`plan` turns actions into candidate sections, asks the composer what to say
(with what this person was told lately), and settles which actions are written.
`publish` stores the card and announces it as `coach.card_composed`, or holds it
when the day's budget is spent (held cards are folded into the next card or the
weekly review). Small wins never get a card of their own: they wait as "did"
notes and become one "what you did" line in the next card.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.coach import budgets, did
from services.coach.composer import Budget, Composed, Section, Variant, compose
from services.coach.models import Card
from services.coach.playbook.engine import Action
from services.coach.playbook.snapshot import local
from services.coach.texts import split_win
from shared.outbox import emit

PRODUCER = "coach"
NAMESPACE = uuid.UUID("3d0c6f52-6a55-4f3e-9a55-1c2b8f0a4e61")
# suggestion kind -> card section kind
SUGGESTION_SECTIONS = {
    "checkin": "feelings", "next_step": "next_step", "self_care": "selfcare", "self_compassion": "selfcare",
    "rest": "selfcare", "growth": "reflection", "professional_support": "safety", "safety": "safety",
    "mentor": "next_step", "adjacent_roles": "next_step", "share_news": "next_step", "look_back": "win",
    "ghosted": "reflection",
    "feedback_request": "feedback", "setbacks": "insight",
    "withdrawn": "reflection"
}
LINKS = {"feelings": "/journal", "reflection": "/journal", "selfcare": None, "safety": None, "win": "/goals",
         "goal": "/goals", "insight": "/insights", "next_step": None, "review": "/journal"}
# Actions whose only effect is the message: not written at all when the card leaves them out.
MESSAGES_ONLY = ("reflection", "suggestion", "insight", "goal_proposal")


@dataclass
class Plan:
    card_id: str
    actions: list[Action]  # what to write, with the phrasing chosen
    composed: Composed
    did: list[dict] = field(default_factory=list)  # small wins of this moment, for the daily line
    private: bool = False


def card_id_for(event_id: str) -> str:
    """Stable per event: a redelivered event makes the same card."""
    return str(uuid.uuid5(NAMESPACE, event_id))


def section_of(action: Action, app_id: int | None) -> Section | None:
    """The card section an action becomes, or None (effects only, and small wins)."""
    if action.type == "win":
        title, body = split_win(action.title)
        variant = action.variants[0] if action.variants else Variant(f"win:{action.title}", "", action.title)
        return Section("win", (replace(variant, title=title, body=body),), "/goals", action.rule_id)
    kind = {"reflection": "reflection", "insight": "insight", "goal_proposal": "goal",
            "feedback_request": "feedback"}.get(action.type)
    if action.type == "suggestion":
        kind = SUGGESTION_SECTIONS.get(action.params.get("kind", ""))
    if action.type == "reflection" and action.params.get("kind") == "weekly_review":
        kind = "review"
    if kind is None or not action.variants:
        return None
    link = f"/applications/{app_id}/coach" if kind == "feedback" and app_id else LINKS.get(kind)
    return Section(kind, action.variants, link, action.rule_id)


def plan(session: Session, event: dict, actions: list[Action], now: datetime, budget: Budget) -> Plan:
    """What this moment's card says, and which actions are written."""
    user_id, app_id = event["user_id"], event.get("data", {}).get("application_id")
    small = [a for a in actions if a.type == "suggestion" and a.params.get("kind") == "small_win"]
    candidates: list[Section] = []
    for index, action in enumerate(actions):
        section = None if action in small else section_of(action, app_id)
        if section is not None:
            candidates.append(replace(section, source=index))
    if candidates:  # most events (an application sent) have nothing to say: no need to ask what was said
        said = budgets.said_lately(session, user_id, now, budget.repeat_days)
        composed = compose(candidates, said, budget, budgets.kinds_said_within(session, user_id, now))
    else:
        composed = Composed()
    shown = {s.source: s for s in composed.sections}
    considered = {s.source for s in candidates}
    written: list[Action] = []
    for index, action in enumerate(actions):
        if action in small or (action.type in MESSAGES_ONLY and index in considered and index not in shown):
            continue  # said before, contradicted or over the cap: not written, not shown anywhere
        if index in shown and action.type != "win":
            action = replace(action, title=shown[index].text.title, body=shown[index].text.body)
        written.append(action)
    return Plan(card_id_for(event["id"]), written, composed, did=did.notes_for(event, small),
                private=any(a.params.get("private") for a in written))


def publish(session: Session, event: dict, plan_: Plan, now: datetime, tz: str, budget: Budget, *,
            cause_type: str | None = None, title: str, opening: str, hold: bool = False) -> Card | None:
    """Store the card and announce it (or hold it over budget); None when there is nothing to say."""
    user_id = event["user_id"]
    did.keep(session, user_id, plan_.did, event, now, tz)
    sections = plan_.composed.sections
    if not sections:
        return None
    day = local(now, tz).date()
    has_safety = any(s.kind == "safety" for s in sections)
    over = hold or (not has_safety and budgets.cards_on(session, user_id, day) >= budget.cards_per_day)
    extra = [] if over or not _may_fold(plan_.composed.sections, event) else did.fold(
        session, user_id, now, tz, budget, exclude_event=event["id"])
    shown = [s.as_dict() for s in sections] + extra
    card = Card(card_id=plan_.card_id, user_id=user_id, cause_event_id=event["id"],
                cause_type=cause_type or event["type"], application_id=event.get("data", {}).get("application_id"),
                title=title[:300], summary=f"{opening}.", sections=shown,
                urgency="high" if has_safety else "normal", email=email_mode(plan_, sections),
                private=plan_.private, status="held" if over else "sent", local_day=day, created_at=now)
    session.add(card)
    if over:
        return card
    budgets.remember_said(session, user_id, plan_.composed.keys, now)
    announce(session, card, cause=event)
    return card


# A card about a no, a silence or a hard moment stays about that: the day's line and held news wait.
NO_FOLDING_CAUSES = ("application.rejected", "application.ghosted")
NO_FOLDING_KINDS = ("safety", "feelings", "selfcare")


def _may_fold(sections: list[Section], event: dict) -> bool:
    return event["type"] not in NO_FOLDING_CAUSES and not any(s.kind in NO_FOLDING_KINDS for s in sections)


def email_mode(plan_: Plan, sections: list[Section]) -> str:
    """Private writing and the person's own dark words never go by e-mail; safety from moods goes at once."""
    kinds = {s.kind for s in sections}
    if plan_.private or any(s.rule_id.endswith(".safety_words") for s in sections):
        return "never"
    return "immediate" if "safety" in kinds else "digest"


def announce(session: Session, card: Card, cause: dict | None = None) -> None:
    emit(session, "coach.card_composed", user_id=card.user_id, producer=PRODUCER, cause=cause, data={
        "card_id": card.card_id, "cause_event_id": card.cause_event_id, "cause_type": card.cause_type,
        "application_id": card.application_id, "title": card.title, "summary": card.summary,
        "sections": [{k: s.get(k) for k in ("kind", "title", "body", "link")} for s in card.sections],
        "urgency": card.urgency, "email": card.email, "private": card.private})


def revise(session: Session, card: Card, keep: list[dict], cause: dict) -> None:
    """Take sections out of a card already shown: announce it again, or withdraw it when nothing is left."""
    if not keep:
        card.status = "withdrawn"
        emit(session, "coaching.withdrawn", user_id=card.user_id, producer=PRODUCER, cause=cause, data={
            "application_id": card.application_id, "reflection_ids": [], "suggestion_ids": [], "win_ids": [],
            "card_ids": [card.card_id]})
        return
    card.sections = keep
    announce(session, card, cause=cause)


def shown_cards(session: Session, user_id: str, since: datetime, **where) -> list[Card]:
    query = select(Card).where(Card.user_id == user_id, Card.status == "sent", Card.created_at >= since)
    for name, value in where.items():
        query = query.where(getattr(Card, name) == value)
    return list(session.scalars(query.order_by(Card.id)))


def withdraw_for_application(session: Session, user_id: str, app_id: int, cause_types: tuple[str, ...],
                             now: datetime, cause: dict) -> None:
    """Cards about this application that no longer hold (an interview card after the company said no)."""
    for card in shown_cards(session, user_id, now - timedelta(days=60), application_id=app_id):
        if card.cause_type in cause_types:
            revise(session, card, [], cause)
