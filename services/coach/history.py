"""Loading a person's history from the database into the evaluator's Snapshot.

Only what this event's rules can ask about is loaded; questions about the
applications go to a FactStore (services/coach/fact_store.py).
"""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from services.coach.fact_store import FactStore, app_of  # noqa: F401  (app_of: used by api_insights)
from services.coach.models import Checkin, Feedback, Goal, Reflection, RuleFiring, Win
from services.coach.playbook.snapshot import Mood, Snapshot
from services.coach.profiles import settings_of

_R = RuleFiring.__table__.c

# Snapshot fields a condition reads; a field no rule of the event asks for is not loaded.
NEEDS = {
    "low_mood_running": {"moods"}, "very_low_mood": {"moods"}, "no_mood_since": {"moods"},
    "distress_words": {"current_text"},
    "self_critical": {"current_text"}, "self_blame_words": {"current_text"},
    "repeated_reason": {"feedback_tags"}, "reflections_done": {"reflections_done"},
    "goal_results": {"goal_results"}, "journey": {"wins_count"}, "days_since_activity": {"last_activity"},
}
EVERYTHING = frozenset({"moods", "current_text", "feedback_tags", "reflections_done", "goal_results",
                        "wins_count", "last_activity"})


def occurred_at(event: dict) -> datetime:
    """The event's time as naive UTC: the evaluator's clock, so a retry decides the same."""
    at = datetime.fromisoformat(event["occurred_at"])
    return at.astimezone(timezone.utc).replace(tzinfo=None) if at.tzinfo else at


def needed(rules) -> frozenset[str]:
    """The snapshot fields these rules can read (every field when the rules are not known)."""
    if rules is None:
        return EVERYTHING
    return frozenset(f for rule in rules for name in rule.when for f in NEEDS.get(name, ())
                     # feedback themes are read only for feedback events (see conditions.repeated_reason)
                     if not (f == "feedback_tags" and rule.on != "application.feedback_received"))


def load_snapshot(session: Session, event: dict, rules=None) -> Snapshot:
    """The person's history as the given rules (all rules by default) may ask about it."""
    user_id = event["user_id"]
    want = needed(rules)
    profile = settings_of(session, user_id)
    store = FactStore(session, user_id, profile.weekly_target if profile else None)
    return Snapshot(
        user_id=user_id,
        timezone=(profile.timezone if profile else None) or "UTC",
        moods=moods_of(session, user_id) if "moods" in want else (),
        feedback_tags=tuple(tuple(tags) for tags in session.scalars(
            select(Feedback.tags).where(Feedback.user_id == user_id).order_by(Feedback.id)))
        if "feedback_tags" in want else (),
        current_text=_current_text(session, event) if "current_text" in want else None,
        reflections_done=_count(session, Reflection, Reflection.user_id == user_id, Reflection.status == "done")
        if "reflections_done" in want else 0,
        wins_count=_count(session, Win, Win.user_id == user_id) if "wins_count" in want else 0,
        goal_results=tuple(session.scalars(select(Goal.status).where(
            Goal.user_id == user_id, Goal.kind == "applications", Goal.status.in_(("met", "missed")))
            .order_by(Goal.week_start, Goal.id))) if "goal_results" in want else (),
        last_activity=store.last_activity(event.get("data", {}).get("application_id"))
        if "last_activity" in want else None,
        last_fired=_last_fired(session, user_id, rules),
        disabled=frozenset((profile.disabled_rules if profile else None) or ()),
        nudge_threshold=(profile.nudge_threshold if profile else None) or 3,
        store=store,  # answers the weekly target too, asked only when a goal is to be proposed
    )


def _last_fired(session: Session, user_id: str, rules) -> dict[str, datetime]:
    """When each rule last acted; only rules with a cooldown look at it."""
    cooling = None if rules is None else tuple(r.id for r in rules if r.cooldown_hours)
    if cooling == ():
        return {}
    return dict(session.execute(_last_fired_statement(cooling), {"user_id": user_id}).all())


@lru_cache(maxsize=32)
def _last_fired_statement(rule_ids: tuple[str, ...] | None):
    """Built once per set of rules (one per event type): building costs more than running it."""
    query = select(_R.rule_id, func.max(_R.fired_at)).where(_R.user_id == bindparam("user_id"))
    if rule_ids is not None:
        query = query.where(_R.rule_id.in_(rule_ids))
    return query.group_by(_R.rule_id)


def moods_of(session: Session, user_id: str) -> tuple[Mood, ...]:
    checkins = session.execute(select(Checkin.created_at, Checkin.mood).where(Checkin.user_id == user_id)).all()
    answers = session.execute(select(Reflection.answered_at, Reflection.mood).where(
        Reflection.user_id == user_id, Reflection.mood.is_not(None), Reflection.answered_at.is_not(None))).all()
    return tuple(sorted((Mood(at, mood) for at, mood in [*checkins, *answers]), key=lambda m: m.at))


def _current_text(session: Session, event: dict) -> str | None:
    if event["type"] == "reflection.completed":
        return session.scalar(select(Reflection.answer).where(
            Reflection.id == event["data"]["reflection_id"], Reflection.user_id == event["user_id"]))
    if event["type"] == "checkin.recorded" and event["data"].get("note_present"):
        return session.scalar(select(Checkin.note).where(Checkin.user_id == event["user_id"])
                              .order_by(Checkin.id.desc()).limit(1))
    return None


def _count(session: Session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0
