"""Calendar files (iCalendar, RFC 5545): one interview round, or the private feed of rounds,
follow-ups and feedback reminders.

A round with a time is placed in its own time zone (a VTIMEZONE is included, so Google,
Apple and Thunderbird agree on the hour); a round without a time, a follow-up and a
feedback reminder (on its day where the person lives) are whole-day entries. UIDs are stable, so a calendar that refreshes the feed updates entries
instead of duplicating them.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event

from frontend.labels import ROUND_LABELS

PRODID = "-//Rebound//Job search tracker//EN"
DEFAULT_MINUTES = 60


def _zone(name: str | None, fallback: str | None) -> ZoneInfo:
    for candidate in filter(None, (name, fallback, "UTC")):  # a round without its own zone is in the person's
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")


def _calendar(name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
        cal.add("method", "PUBLISH")
    return cal


def round_event(r: dict, company: str, role: str, person_zone: str | None, host: str) -> Event:
    """A VEVENT for one round: timed in its zone when it has a time, else a whole day."""
    event = Event()
    event.add("uid", f"round-{r['id']}@{host}")
    event.add("dtstamp", datetime.now(tz=ZoneInfo("UTC")))
    what = ROUND_LABELS.get(r.get("kind"), "Interview")
    event.add("summary", f"{what}: {company} ({role})")
    day = date.fromisoformat(r["scheduled_on"])
    if r.get("starts_at"):
        hour, minute = (int(x) for x in r["starts_at"][:5].split(":"))
        start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=_zone(r.get("timezone"), person_zone))
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=r.get("duration_minutes") or DEFAULT_MINUTES))
    else:
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
    where = r.get("location") or r.get("video_url")
    if where:
        event.add("location", where)
    if r.get("video_url"):
        event.add("url", r["video_url"])
    lines = [f"With {r['interviewer']}" if r.get("interviewer") else "",
             f"Video link: {r['video_url']}" if r.get("video_url") else "", r.get("notes") or ""]
    if any(lines):
        event.add("description", "\n".join(line for line in lines if line))
    return event


def follow_up_event(item: dict, host: str) -> Event:
    event = Event()
    day = date.fromisoformat(item["follow_up_on"])
    event.add("uid", f"follow-up-{item['application_id']}-{day.isoformat()}@{host}")
    event.add("dtstamp", datetime.now(tz=ZoneInfo("UTC")))
    event.add("summary", f"Follow up: {item['company']} ({item['role']})")
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a reminder, not a busy hour
    return event


def feedback_reminder_event(item: dict, person_zone: str | None, host: str) -> Event:
    """A whole day, the person's own date of the moment the coach will remind them."""
    due = datetime.fromisoformat(item["due_at"].replace("Z", "+00:00"))
    day = (due if due.tzinfo else due.replace(tzinfo=ZoneInfo("UTC"))).astimezone(_zone(person_zone, None)).date()
    event = Event()
    event.add("uid", f"feedback-reminder-{item['draft_id']}@{host}")
    event.add("dtstamp", datetime.now(tz=ZoneInfo("UTC")))
    names = f"{item['company']} ({item['role']})" if item.get("company") else "an application"
    event.add("summary", f"Ask for feedback: {names}")
    event.add("description", "Your draft is ready in Rebound, whenever you'd like to send it.")
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    return event


def one_round(r: dict, company: str, role: str, person_zone: str | None, host: str) -> bytes:
    cal = _calendar()
    cal.add("method", "PUBLISH")
    cal.add_component(round_event(r, company, role, person_zone, host))
    cal.add_missing_timezones()
    return cal.to_ical()


def feed(events: dict, person_zone: str | None, host: str, feedback_reminders: list[dict] = ()) -> bytes:
    """The whole feed: every round (with its company) and every follow-up the tracker listed,
    and the coach's feedback reminders."""
    cal = _calendar("Rebound: interviews and reminders")
    cal.add("x-wr-timezone", str(_zone(person_zone, None)))
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for r in events.get("rounds", []):
        cal.add_component(round_event(r, r.get("company") or "", r.get("role") or "", person_zone, host))
    for item in events.get("follow_ups", []):
        cal.add_component(follow_up_event(item, host))
    for item in feedback_reminders:
        cal.add_component(feedback_reminder_event(item, person_zone, host))
    cal.add_missing_timezones()
    return cal.to_ical()
