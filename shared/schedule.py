"""Schedulers that sleep until the next due time, woken when their service writes.

A scheduler pass that finds nothing to do should not be repeated every
second: it asks its database when the next thing is due and sleeps until
then, or until `Runtime.idle_s` has passed, whichever is sooner. A commit
that wrote rows through the service's sessions in this process (a worker's
handler, or in `rebound run all` the service's API too) wakes it at once, so a
new due item is never waited for. Writes made by another process are seen
within `idle_s`.
"""
from __future__ import annotations

import threading
import time
import weakref
from datetime import datetime

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

WROTE_KEY = "schedule_wrote"  # in session.info: this transaction flushed changes
STOP_CHECK_S = 1.0  # how often a sleeping scheduler looks at its stop event (no query)
_watched: weakref.WeakSet = weakref.WeakSet()  # session factories already watched


def watch_writes(runtime) -> None:
    """Set `runtime.changed` after every commit of the runtime's sessions that wrote something."""
    sessions = runtime.sessions
    if sessions in _watched:
        return
    _watched.add(sessions)

    @sa_event.listens_for(sessions, "after_flush")
    def _wrote(session: Session, _context) -> None:
        session.info[WROTE_KEY] = True

    @sa_event.listens_for(sessions, "after_commit")
    def _committed(session: Session) -> None:
        if session.info.pop(WROTE_KEY, False):
            runtime.changed.set()

    @sa_event.listens_for(sessions, "after_rollback")
    def _rolled_back(session: Session) -> None:
        session.info.pop(WROTE_KEY, None)


def seconds_until(due_at: datetime | None, now: datetime, idle_s: float) -> float:
    """How long to sleep: until `due_at`, never below 0 nor above `idle_s`."""
    if due_at is None:
        return idle_s
    return max(0.0, min(idle_s, (due_at - now).total_seconds()))


def sleep_until(runtime, stop: threading.Event, due_at: datetime | None, now: datetime) -> None:
    """Sleep until `due_at` (at most `runtime.idle_s`), a write in this process, or `stop`."""
    changed: threading.Event | None = getattr(runtime, "changed", None)
    seconds = seconds_until(due_at, now, getattr(runtime, "idle_s", 5.0))
    if changed is None:
        stop.wait(seconds)
        return
    deadline = time.monotonic() + seconds
    while not stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0 or changed.wait(min(left, STOP_CHECK_S)):
            break
    changed.clear()  # before the next pass: a write during it wakes the sleep after it
