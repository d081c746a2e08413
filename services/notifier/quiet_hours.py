"""When a message may go out: quiet hours and nights in the user's own timezone.

Times are naive UTC everywhere else; here they meet the user's clock. During
quiet hours only `important` messages go out. Anything about a rejection never
goes out at night: inside quiet hours if the user set some, else inside NIGHT.
Held messages get a `not_before` at the end of the window.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

NIGHT = (time(21, 0), time(8, 0))


def parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local(now_utc: datetime, tz: str | None) -> datetime:
    return now_utc.replace(tzinfo=timezone.utc).astimezone(zone(tz))


def to_utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def inside(at: time, start: time, end: time) -> bool:
    """Is `at` in [start, end), a window that may wrap past midnight?"""
    if start == end:
        return False
    if start < end:
        return start <= at < end
    return at >= start or at < end


def window_end(now_local: datetime, end: time) -> datetime:
    """The next time the local clock reads `end`."""
    candidate = now_local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if candidate <= now_local:
        candidate = candidate + timedelta(days=1)
    # Rebuild through the zone so a DST change in between lands on the right hour.
    return candidate.replace(tzinfo=None).replace(tzinfo=now_local.tzinfo)


def quiet_window(prefs) -> tuple[time, time] | None:
    if prefs is None or not prefs.quiet_start or not prefs.quiet_end:
        return None
    return parse_hhmm(prefs.quiet_start), parse_hhmm(prefs.quiet_end)


def release_at(now_utc: datetime, tz: str | None, prefs, *, severity: str,
               about_rejection: bool) -> datetime:
    """The earliest naive-UTC time this message may be sent (now, if nothing holds it)."""
    quiet = quiet_window(prefs)
    window = None
    if about_rejection:
        window = quiet or NIGHT
    elif quiet and severity != "important":
        window = quiet
    if window is None:
        return now_utc
    now_local = local(now_utc, tz)
    if not inside(now_local.time(), *window):
        return now_utc
    return to_utc(window_end(now_local, window[1]))


def digest_due(now_utc: datetime, tz: str | None, prefs) -> str | None:
    """Today's local date if the daily digest is due and not yet made, else None."""
    now_local = local(now_utc, tz)
    today = now_local.date().isoformat()
    if prefs.last_digest_on == today:
        return None
    return today if now_local.time() >= parse_hhmm(prefs.digest_time) else None
