"""The coach's one time-zone helper: times are stored as naive UTC and read in the person's zone."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

UTC = ZoneInfo("UTC")


def local(at: datetime, tz: str | None) -> datetime:
    """A naive UTC time, as an aware time in the person's zone."""
    return at.replace(tzinfo=UTC).astimezone(ZoneInfo(tz or "UTC"))


def to_utc(day: date, at: time, tz: str | None) -> datetime:
    """A local day and clock time in the person's zone, as naive UTC."""
    return datetime.combine(day, at, ZoneInfo(tz or "UTC")).astimezone(UTC).replace(tzinfo=None)
