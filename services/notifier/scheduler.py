"""The notifier-worker's scheduled jobs: daily digests and sending due deliveries."""
from __future__ import annotations

import logging
import threading

from services.notifier.delivery import Dispatcher
from services.notifier.digests import make_due_digests

log = logging.getLogger(__name__)

POLL_S = 1.0


def tick(runtime, dispatcher: Dispatcher) -> int:
    """One round: digests first (they add deliveries), then whatever is due."""
    make_due_digests(runtime.sessions)
    return dispatcher.run_once()


def run(runtime, stop: threading.Event) -> None:
    """Until `stop` is set; errors are logged and the loop carries on."""
    dispatcher = Dispatcher(runtime.sessions, runtime.settings)
    while not stop.is_set():
        busy = 0
        try:
            busy = tick(runtime, dispatcher)
        except Exception:
            log.exception("notifier scheduler round failed")
        # A full batch means more may be waiting: go again without sleeping.
        stop.wait(0 if busy >= dispatcher.batch else POLL_S)
