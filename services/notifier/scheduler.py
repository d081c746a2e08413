"""The notifier-worker's scheduled jobs: daily digests and sending due deliveries.

Between passes it sleeps until the next delivery is due (shared/schedule.py),
woken early by the service's own writes; digests are looked for at least
every `runtime.idle_s`.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime

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
        sleep_until(runtime, stop, due_at, clock.now())
