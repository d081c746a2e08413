"""What a card on the board says about an application: how long ago, what's next, the pay."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "JPY": "¥", "INR": "₹"}
PERIODS = {"year": "a year", "month": "a month", "week": "a week", "day": "a day", "hour": "an hour"}
PERIOD_CHOICES = {"year": "Year", "month": "Month", "week": "Week", "day": "Day", "hour": "Hour"}
WORK_MODES = {"onsite": "On site", "hybrid": "Hybrid", "remote": "Remote"}


def days_ago(on: str | None, today: date) -> str:
    """"today", "yesterday", "5 days ago", "3 weeks ago": whole units, never fractions."""
    try:
        days = (today - date.fromisoformat(on or "")).days
    except ValueError:
        return ""
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    return f"{days // 30} months ago"


def short_day(on: str | None) -> str:
    """"16 Nov" (with the year only when it is not this year's)."""
    try:
        day = date.fromisoformat((on or "")[:10])
    except ValueError:
        return on or ""
    label = f"{day.day} {day:%b}"
    return label if day.year == date.today().year else f"{label} {day.year}"


def local_moment(stamp: str | None, zone: str | None) -> str:
    """A stored moment (naive UTC, ISO) as the person reads it: "6 Dec, 16:44" in their own time zone."""
    try:
        moment = datetime.fromisoformat(stamp or "").replace(tzinfo=timezone.utc)
        here = moment.astimezone(ZoneInfo(zone or "UTC"))
    except (ValueError, ZoneInfoNotFoundError):
        return stamp or ""
    return f"{short_day(here.date().isoformat())}, {here:%H:%M}"


def _amount(value: int, symbol: str) -> str:
    if value >= 10_000 and value % 1000 == 0:
        return f"{symbol}{value // 1000}k"
    return f"{symbol}{value:,}"


def salary(app: dict) -> str:
    """"€60k–70k a year", "from £40k", "up to $90k"; empty when nothing is known."""
    low, high = app.get("salary_min"), app.get("salary_max")
    if low is None and high is None:
        return ""
    code = app.get("salary_currency") or ""
    symbol = SYMBOLS.get(code, f"{code} " if code else "")
    if low is not None and high is not None:
        text = _amount(low, symbol) if low == high else f"{_amount(low, symbol)}–{_amount(high, symbol)}"
    elif low is not None:
        text = f"from {_amount(low, symbol)}"
    else:
        text = f"up to {_amount(high, symbol)}"
    period = PERIODS.get(app.get("salary_period") or "")
    return f"{text} {period}" if period else text


def next_step(app: dict, rounds: list[dict], today: date) -> str:
    """The soonest interview round from today on, else the follow-up date; empty if neither."""
    iso = today.isoformat()
    coming = sorted((r for r in rounds if (r.get("scheduled_on") or "") >= iso),
                    key=lambda r: (r["scheduled_on"], r.get("starts_at") or ""))
    if coming:
        first = coming[0]
        at = f" at {first['starts_at'][:5]}" if first.get("starts_at") else ""
        return f"Interview {short_day(first['scheduled_on'])}{at}"
    if (app.get("follow_up_on") or "") >= iso:
        return f"Follow up {short_day(app['follow_up_on'])}"
    return ""


def card_facts(app: dict, rounds: list[dict], today: date) -> dict:
    """The few lines a card shows under the company and role."""
    since = days_ago(app.get("stage_since") or app.get("applied_on"), today)
    age = f"{AGE_WORDS.get(app.get('stage'), 'Moved here')} {since}" if since else ""
    return {"age": age, "next": next_step(app, rounds, today), "salary": salary(app)}


AGE_WORDS = {"saved": "Saved", "applied": "Applied", "rejected": "Closed", "withdrawn": "Closed",
             "ghosted": "Went quiet", "accepted": "Accepted", "offer": "Offer came"}


def fold_parts(text: str | None, at: int = 600) -> tuple[str, str]:
    """Long text split for "Show more": the head ends at a space near `at`; tail is the rest."""
    text = text or ""
    if len(text) <= at + 200:  # not worth folding away a few lines
        return text, ""
    cut = text.rfind(" ", at // 2, at)
    cut = cut if cut > 0 else at
    return text[:cut].rstrip(), text[cut:].lstrip()
