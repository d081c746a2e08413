"""The notifier-worker's scheduled jobs: daily digests and sending due deliveries.

Between passes it sleeps until the next delivery is due or the next whole
minute, whichever comes first (a digest is due at a person's chosen minute),
woken early by the service's own writes (shared/schedule.py).
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from sqlalchemy import func, select

from services.notifier import clock
from services.notifier.delivery import SENDABLE, Dispatcher
from services.notifier.digests import make_due_digests
from services.notifier.models import Delivery
from shared.schedule import sleep_until

log = logging.getLogger(__name__)


def tick(runtime, dispatcher: Dispatcher) -> int:
    """One round: digests first (they add deliveries), then whatever is due."""
    make_due_digests(runtime.sessions)
    return dispatcher.run_once()


def next_due_at(sessions) -> datetime | None:
    """When the next delivery may be tried, or a send in progress is given up on."""
    with sessions() as session:
        sendable = session.scalar(select(func.min(Delivery.not_before)).where(Delivery.state.in_(SENDABLE)))
        sending = session.scalar(select(func.min(Delivery.lease_until)).where(Delivery.state == "sending"))
    return min((t for t in (sendable, sending) if t is not None), default=None)


def next_wake(due_at: datetime | None, now: datetime) -> datetime:
    """The next delivery's time, but no later than the next whole minute: digests go at their minute."""
    next_minute = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return next_minute if due_at is None else min(due_at, next_minute)


def run(runtime, stop: threading.Event) -> None:
    """Until `stop` is set; errors are logged and the loop carries on."""
    dispatcher = Dispatcher(runtime.sessions, runtime.settings)
    while not stop.is_set():
        due_at = None
        try:
            # A full batch means more may be waiting: go again without sleeping.
            if tick(runtime, dispatcher) >= dispatcher.batch:
                continue
            due_at = next_due_at(runtime.sessions)
        except Exception:
            log.exception("notifier scheduler round failed")
        now = clock.now()
        sleep_until(runtime, stop, next_wake(due_at, now), now)
