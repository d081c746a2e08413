"""The daily ghosting pass: applications that went quiet after `applied`.

Each day, applications still at `applied` with no stage change for
REBOUND_GHOST_AFTER_DAYS are offered to their owner as ghosted (they confirm
in the dashboard), or marked ghosted straight away for people who turned on
auto-ghosting. What was offered is stored (`ghost_offered_at`), so a restart
or a second pass on the same day changes nothing.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.tracker import commands
from services.tracker.models import Application, TrackerSettings
from shared.claims import skip_locked
from shared.tables import utcnow

log = logging.getLogger(__name__)
CHECK_EVERY_S = 3600.0


def find_candidates(session: Session, now: datetime, after_days: int = 21) -> list[Application]:
    """Applications (of every user) quiet since `applied` for long enough, not yet offered."""
    cutoff = now.date() - timedelta(days=after_days)
    # Taken for the caller's transaction: another replica's pass skips them.
    return list(session.scalars(skip_locked(
        select(Application)
        .where(Application.stage == "applied", Application.archived.is_(False),
               Application.ghost_offered_at.is_(None), Application.stage_since <= cutoff)
        .options(selectinload(Application.history), selectinload(Application.rejection))
        .order_by(Application.id), Application)
    ))


def auto_ghosting_users(session: Session, user_ids: set[str]) -> set[str]:
    if not user_ids:
        return set()
    return set(session.scalars(select(TrackerSettings.user_id).where(
        TrackerSettings.user_id.in_(user_ids), TrackerSettings.auto_ghost.is_(True))))


def run_once(session: Session, now: datetime, after_days: int = 21) -> dict[str, int]:
    """One pass in the caller's transaction: offer or apply ghosting; return the counts."""
    candidates = find_candidates(session, now, after_days)
    automatic = auto_ghosting_users(session, {a.user_id for a in candidates})
    counts = {"offered": 0, "ghosted": 0}
    for app in candidates:
        app.ghost_offered_at = now
        if app.user_id in automatic:
            commands.mark_ghosted(session, app, now.date())
            counts["ghosted"] += 1
        else:
            counts["offered"] += 1
    return counts


def run(runtime, stop: threading.Event, clock: Callable[[], datetime] = utcnow,
        check_every_s: float = CHECK_EVERY_S) -> None:
    """The scheduler loop: look every hour, act once per day, until `stop` is set."""
    last_day = None
    while not stop.is_set():
        now = clock()
        if now.date() != last_day:
            try:
                with runtime.sessions.begin() as session:
                    counts = run_once(session, now, runtime.settings.ghost_after_days)
                last_day = now.date()
                log.info("ghosting pass", extra=counts)
            except Exception:  # a database hiccup must not end the scheduler; the next hour retries
                log.exception("ghosting pass failed")
        stop.wait(check_every_s)
