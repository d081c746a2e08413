"""Numbers for the dashboard and the coach: where applications stand and how the search is going."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.tracker.stage_history import ORDER, furthest_of
from services.tracker.models import Application, Rejection, StageChange
from shared.events import STAGES

# A stage that means the company answered (a rejection is an answer too; silence is not).
RESPONSES = ("screening", "interview", "final_interview", "offer", "accepted", "rejected")


def compute(session: Session, user_id: str) -> dict:
    apps = session.execute(select(Application.id, Application.stage, Application.channel, Application.applied_on)
                           .where(Application.user_id == user_id)).all()
    changes: dict[int, list] = defaultdict(list)
    for change in session.execute(select(StageChange.application_id, StageChange.to_stage, StageChange.changed_on)
                                  .where(StageChange.user_id == user_id)):
        changes[change.application_id].append(change)
    reached_at_rejection = dict(session.execute(
        select(Rejection.application_id, Rejection.stage_reached).where(Rejection.user_id == user_id)).all())

    furthest = {}
    first_response = {}
    for app in apps:
        stages = [c.to_stage for c in changes[app.id]] + [app.stage]
        if app.id in reached_at_rejection:
            stages.append(reached_at_rejection[app.id])
        furthest[app.id] = "saved" if set(stages) <= {"saved"} else furthest_of(stages)
        answered = [c.changed_on for c in changes[app.id] if c.to_stage in RESPONSES]
        if answered and app.applied_on:
            first_response[app.id] = max(0, (min(answered) - app.applied_on).days)
    applied = [a for a in apps if ORDER.index(furthest[a.id]) >= ORDER.index("applied")]
    return {
        "total": len(apps),
        "by_stage": {stage: n for stage, n in Counter(a.stage for a in apps).items()},
        "by_furthest_stage": dict(Counter(furthest.values())),
        "funnel": _funnel(furthest.values()),
        "response_rate_by_channel": _response_rates(applied, first_response),
        "median_days_to_first_response": median(first_response.values()) if first_response else None,
        "applications_per_week": _per_week(applied),
        "stages": list(STAGES),
    }


def stage_counts(session: Session, user_id: str) -> dict:
    """Only how many applications sit in each stage: one grouped count, for pages that need no more."""
    rows = session.execute(select(Application.stage, func.count()).where(Application.user_id == user_id)
                           .group_by(Application.stage)).all()
    by_stage = {stage: n for stage, n in rows}
    return {"total": sum(by_stage.values()), "by_stage": by_stage}


def _funnel(furthest) -> dict[str, int]:
    """How many applications got at least as far as each stage."""
    ranks = Counter(ORDER.index(stage) for stage in furthest)
    return {stage: sum(n for rank, n in ranks.items() if rank >= i) for i, stage in enumerate(ORDER)}


def _response_rates(applied, first_response: dict) -> dict[str, dict]:
    by_channel: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for app in applied:
        by_channel[app.channel][0] += 1
        by_channel[app.channel][1] += app.id in first_response
    return {channel: {"applied": total, "responded": answered, "rate": round(answered / total, 3)}
            for channel, (total, answered) in sorted(by_channel.items())}


def _per_week(applied) -> list[dict]:
    weeks = Counter(a.applied_on - timedelta(days=a.applied_on.weekday()) for a in applied if a.applied_on)
    return [{"week_start": week.isoformat(), "count": n} for week, n in sorted(weeks.items())]
