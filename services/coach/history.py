"""Loading a person's history from the database into the evaluator's Snapshot."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.coach.models import (
    ApplicationFact, Checkin, Feedback, Goal, Profile, Reflection, RuleFiring, Win,
)
from services.coach.playbook.snapshot import App, Mood, Snapshot


def occurred_at(event: dict) -> datetime:
    """The event's time as naive UTC: the evaluator's clock, so a retry decides the same."""
    from datetime import timezone
    at = datetime.fromisoformat(event["occurred_at"])
    return at.astimezone(timezone.utc).replace(tzinfo=None) if at.tzinfo else at


def load_snapshot(session: Session, event: dict) -> Snapshot:
    user_id = event["user_id"]
    profile = session.get(Profile, user_id) or Profile(user_id=user_id, timezone="UTC",
                                                       disabled_rules=[], nudge_threshold=3)
    facts = session.scalars(select(ApplicationFact).where(
        ApplicationFact.user_id == user_id, ApplicationFact.hidden.is_(False)).order_by(ApplicationFact.id)).all()
    this_app = event.get("data", {}).get("application_id")
    earlier = [f.created_at for f in facts if f.created_at and f.application_id != this_app]
    return Snapshot(
        user_id=user_id,
        timezone=profile.timezone or "UTC",
        apps=tuple(app_of(f) for f in facts),
        moods=moods_of(session, user_id),
        feedback_tags=tuple(tuple(tags) for tags in session.scalars(
            select(Feedback.tags).where(Feedback.user_id == user_id).order_by(Feedback.id))),
        current_text=_current_text(session, event),
        reflections_done=_count(session, Reflection, Reflection.user_id == user_id, Reflection.status == "done"),
        wins_count=_count(session, Win, Win.user_id == user_id),
        goal_results=tuple(session.scalars(select(Goal.status).where(
            Goal.user_id == user_id, Goal.kind == "applications", Goal.status.in_(("met", "missed")))
            .order_by(Goal.week_start, Goal.id))),
        last_activity=max(earlier) if earlier else None,
        last_fired=dict(session.execute(select(RuleFiring.rule_id, func.max(RuleFiring.fired_at)).where(
            RuleFiring.user_id == user_id).group_by(RuleFiring.rule_id)).all()),
        disabled=frozenset(profile.disabled_rules or ()),
        nudge_threshold=profile.nudge_threshold or 3,
        weekly_target=current_target(session, user_id, profile),
    )


def current_target(session: Session, user_id: str, profile: Profile | None = None) -> int | None:
    """The weekly application target in force: the newest active goal's, else the setting."""
    target = session.scalar(select(Goal.target).where(
        Goal.user_id == user_id, Goal.kind == "applications", Goal.status.in_(("active", "met", "missed")))
        .order_by(Goal.id.desc()).limit(1))
    return target or (profile.weekly_target if profile else None)


def app_of(f: ApplicationFact) -> App:
    return App(application_id=f.application_id, company=f.company, role=f.role, source=f.source,
               category=f.role_category, furthest=f.furthest_stage, created_at=f.created_at,
               rejected_on=f.rejected_on, stage_reached=f.furthest_stage if f.rejected_on else None,
               reason=f.reason)


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
