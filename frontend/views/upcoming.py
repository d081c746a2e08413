"""Today's "Coming up": follow-ups and interview rounds from the tracker, and feedback worth asking for.

The application list carries no rounds, so the rounds come from the tracker's
/rounds/upcoming, asked for the user's own today (their time zone, not the server's).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from frontend import panels, service_client
from frontend.labels import ROUND_LABELS

DAYS = 14


def local_today(timezone: str | None, now: datetime | None = None) -> date:
    """The date where the user is."""
    try:
        zone = ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return (now or datetime.now(tz=zone)).astimezone(zone).date()


def follow_ups_panel(user_id: str, today: date) -> dict:
    """Applications with a follow-up in the next two weeks, however old they are."""
    horizon = today + timedelta(days=DAYS)
    try:
        found = panels.items("tracker", "/applications", user_id,
                             {"follow_up_from": today.isoformat(), "follow_up_to": horizon.isoformat(), "limit": 100})
    except service_client.ServiceUnavailable:
        return {"follow_ups": []}  # the tracker's own panels say it is unavailable
    return {"follow_ups": found}


def rounds_panel(user_id: str, today: date) -> dict:
    try:
        found = panels.items("tracker", "/rounds/upcoming", user_id,
                             {"days": DAYS, "from": today.isoformat()})
    except service_client.ServiceUnavailable:
        return {"rounds": [], "rounds_down": True}
    return {"rounds": found, "rounds_down": False}


def feedback_asks_panel(user_id: str) -> dict:
    """The coach's feedback-request drafts not sent yet: each is a reminder that an ask is ready."""
    try:
        found = panels.items("coach", "/feedback-requests", user_id)
    except service_client.ServiceUnavailable:
        return {"feedback_asks": [], "feedback_asks_down": True}
    return {"feedback_asks": [d for d in found if d.get("status") == "draft"], "feedback_asks_down": False}


def coming_up(applications: list[dict], rounds: list[dict], today: date) -> list[dict]:
    """Follow-ups and rounds in the next two weeks, soonest first; each {on, what, app}."""
    start, horizon = today.isoformat(), (today + timedelta(days=DAYS)).isoformat()
    found = [{"on": a["follow_up_on"], "what": "Follow up", "app": a} for a in applications
             if a.get("stage") not in panels.CLOSED_STAGES and start <= (a.get("follow_up_on") or "") <= horizon]
    for r in rounds:
        app = {"id": r.get("application_id"), "company": r.get("company"), "role": r.get("role")}
        what = ROUND_LABELS.get(r.get("kind"), "Interview")
        if r.get("interviewer"):
            what += f" with {r['interviewer']}"
        found.append({"on": r.get("scheduled_on") or "", "what": what, "app": app})
    for event in found:
        event["when"] = day_label(event["on"], today)
    return sorted(found, key=lambda e: e["on"])


def day_label(on: str, today: date) -> str:
    """"Today", "Tomorrow" or "Thu 12 Mar": easier to take in than an ISO date."""
    try:
        day = date.fromisoformat(on)
    except ValueError:
        return on
    if day == today:
        return "Today"
    if day == today + timedelta(days=1):
        return "Tomorrow"
    return f"{day:%a} {day.day} {day:%b}"
