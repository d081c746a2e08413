"""The numbers behind the dashboard's charts, computed from the coach's own facts."""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from services.coach.playbook.snapshot import App, Mood, rank

FUNNEL = ("applied", "screening", "interview", "final_interview", "offer", "accepted")


def _week(day: date) -> str:
    return (day - timedelta(days=day.weekday())).isoformat()


def funnel(apps: list[App]) -> list[dict]:
    """How many applications got at least as far as each stage."""
    return [{"stage": s, "count": sum(1 for a in apps if rank(a.furthest) >= rank(s))} for s in FUNNEL]


def rejections_by(apps: list[App], attr: str) -> dict[str, int]:
    return dict(Counter(getattr(a, attr) or "unknown" for a in apps if a.rejected_on))


def response_by_source(apps: list[App]) -> list[dict]:
    groups: dict[str, list[App]] = defaultdict(list)
    for a in apps:
        groups[a.source or "unknown"].append(a)
    rows = []
    for source, items in sorted(groups.items()):
        answered = sum(a.responded for a in items)
        rows.append({"source": source, "applications": len(items), "responses": answered,
                     "rate_pct": round(100 * answered / len(items))})
    return rows


def time_to_response(apps: list[App]) -> dict:
    days = [(a.rejected_on - a.created_at.date()).days for a in apps if a.rejected_on and a.created_at]
    days = [d for d in days if d >= 0]
    return {"samples": len(days), "median_days": statistics.median(days) if days else None,
            "max_days": max(days) if days else None}


def weekly(apps: list[App], moods: list[Mood], efforts: list[tuple[date, str, float]]) -> list[dict]:
    """One row per week: activity and the average mood, for the 'mood against activity' chart."""
    weeks: dict[str, dict] = defaultdict(lambda: {"applications": 0, "rejections": 0, "checkins": 0,
                                                  "moods": [], "outreach": 0.0, "learning_hours": 0.0,
                                                  "rest_days": 0.0})
    for a in apps:
        if a.created_at:
            weeks[_week(a.created_at.date())]["applications"] += 1
        if a.rejected_on:
            weeks[_week(a.rejected_on)]["rejections"] += 1
    for m in moods:
        row = weeks[_week(m.at.date())]
        row["checkins"] += 1
        row["moods"].append(m.mood)
    names = {"outreach": "outreach", "learning": "learning_hours", "rest": "rest_days"}
    for day, kind, amount in efforts:
        weeks[_week(day)][names[kind]] += amount
    out = []
    for week in sorted(weeks):
        row = weeks[week]
        moods_here = row.pop("moods")
        out.append({"week": week, **row,
                    "average_mood": round(statistics.mean(moods_here), 2) if moods_here else None})
    return out


def build(apps: list[App], moods: list[Mood], efforts: list[tuple[date, str, float]], now: datetime) -> dict:
    return {
        "generated_at": now.isoformat(),
        "funnel": funnel(apps),
        "rejections_by_stage": rejections_by(apps, "stage_reached"),
        "rejections_by_reason": rejections_by(apps, "reason"),
        "response_rate_by_source": response_by_source(apps),
        "time_to_response": time_to_response(apps),
        "weekly": weekly(apps, moods, efforts),
    }
