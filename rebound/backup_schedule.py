"""Scheduled backups in `rebound run all`: REBOUND_BACKUP_SCHEDULE and REBOUND_BACKUP_KEEP.

REBOUND_BACKUP_SCHEDULE is either a time of day in UTC (`03:30`: daily then)
or an interval (`30m`, `6h`, `1d`); unset, nothing is scheduled. Archives go
to REBOUND_BACKUP_DIR (default: `backups` under the data dir) and only the
newest REBOUND_BACKUP_KEEP (default 7) are kept.
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

from rebound.backup import backup, prune
from shared.config import ConfigError, Settings

log = logging.getLogger(__name__)
_INTERVAL = re.compile(r"^(\d+)([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


@dataclass(frozen=True)
class Schedule:
    daily_at: time | None = None
    every: timedelta | None = None

    def next_after(self, now: datetime) -> datetime:
        if self.every is not None:
            return now + self.every
        today = datetime.combine(now.date(), self.daily_at, tzinfo=timezone.utc)
        return today if today > now else today + timedelta(days=1)


def parse_schedule(raw: str) -> Schedule:
    raw = raw.strip().lower()
    match = _INTERVAL.match(raw)
    if match and int(match.group(1)) > 0:
        return Schedule(every=timedelta(**{_UNITS[match.group(2)]: int(match.group(1))}))
    try:
        return Schedule(daily_at=time.fromisoformat(raw))
    except ValueError:
        raise ConfigError(f"REBOUND_BACKUP_SCHEDULE must be a time of day like 03:30 or an interval "
                          f"like 6h, 30m or 1d, not {raw!r}") from None


def configured(settings: Settings) -> tuple[Schedule, Path, int] | None:
    """(schedule, folder, keep) from the environment, or None when no schedule is set."""
    if settings.backup_schedule is None:
        return None
    keep = settings.backup_keep
    if not keep.isdigit() or int(keep) < 1:
        raise ConfigError(f"REBOUND_BACKUP_KEEP must be a whole number of at least 1, not {keep!r}")
    return parse_schedule(settings.backup_schedule), settings.backup_dir, int(keep)


def loop(settings: Settings, schedule: Schedule, folder: Path, keep: int, stop: threading.Event) -> None:
    """Back up at each scheduled moment until `stop` is set."""
    while not stop.is_set():
        now = datetime.now(timezone.utc)
        if stop.wait((schedule.next_after(now) - now).total_seconds()):
            return
        archive = backup(settings, folder)
        removed = prune(folder, keep)
        log.info("backup written", extra={"archive": str(archive), "pruned": len(removed)})
