"""An outbox relay in a thread of its own, and how long it idles before it looks again unwoken."""
from __future__ import annotations

import threading

from shared.bus import Publisher
from shared.outbox import Relay
from shared.outbox_wakeup import libpq_url, start_listener
from shared.runtime import Runtime

# How long an idle relay waits before it looks again unwoken. On PostgreSQL every commit
# that writes outbox rows wakes it (NOTIFY), so it need not look often; on SQLite a
# writer in another process cannot, so it looks every 200 ms.
NOTIFIED_IDLE_MAX_S = 5.0
POLLING_IDLE_MAX_S = 0.2


def relay_idle_max(runtime: Runtime) -> float:
    notified = libpq_url(runtime.settings.database_url(runtime.service)) is not None
    return NOTIFIED_IDLE_MAX_S if notified else POLLING_IDLE_MAX_S


def start_relay_thread(runtime: Runtime) -> tuple[threading.Event, threading.Event, threading.Thread]:
    """A relay in a daemon thread, woken by commits in other processes on PostgreSQL; (stop, wake, thread)."""
    stop, wake = threading.Event(), threading.Event()
    relay = Relay(runtime.sessions, Publisher(runtime.settings))
    poll_s = runtime.settings.relay_poll_ms / 1000
    thread = threading.Thread(target=relay.run, args=(stop, wake, poll_s, relay_idle_max(runtime)), name="relay",
                              daemon=True)
    thread.start()
    start_listener(runtime.settings.database_url(runtime.service), wake, stop)
    return stop, wake, thread
