"""`rebound run PROCESS`: the long-running processes of the Procfile.

A web process serves a Flask app under gunicorn. A background process
(`tracker-relay`, `coach-worker`, `notifier-worker`) relays its service's
outbox, consumes the events the service subscribes to, and runs the
service's scheduled jobs, each in a thread that is restarted if it crashes.
`rebound run all` hosts every one of them in one process. The tables below
are the whole list: a new service is one entry in each that applies.
"""
from __future__ import annotations

import importlib
import logging
import signal
import threading
from collections.abc import Callable

from shared.bus import Publisher, connect
from shared.config import load_settings
from shared.logs import setup_logging
from shared.outbox import Relay
from shared.outbox_wakeup import start_listener
from shared.relay_thread import relay_idle_max
from shared.runtime import Runtime
from rebound.migrations import migrate_service
from shared.schedule import watch_writes
from rebound.supervisor import SupervisedThread
from shared.worker import Worker

log = logging.getLogger(__name__)

ALL = "all"  # `rebound run all`: every process below in one (rebound/all_in_one.py)
# process name -> (service, kind)
PROCESSES = {
    "frontend": ("frontend", "web"),
    "tracker-api": ("tracker", "web"),
    "tracker-relay": ("tracker", "background"),
    "coach-api": ("coach", "web"),
    "coach-worker": ("coach", "background"),
    "notifier-api": ("notifier", "web"),
    "notifier-worker": ("notifier", "background"),
    "mailbox-api": ("mailbox", "web"),
    "mailbox-worker": ("mailbox", "background"),
}
APP_FACTORIES = {
    "frontend": "frontend.app:create_app",
    "tracker": "services.tracker.api:create_app",
    "coach": "services.coach.api:create_app",
    "notifier": "services.notifier.api:create_app",
    "mailbox": "services.mailbox.api:create_app",
}
# Event handlers of the services that consume events (see shared/topology.py).
HANDLER_MAPS = {
    "tracker": "services.tracker.handlers:HANDLERS",
    "coach": "services.coach.handlers:HANDLERS",
    "notifier": "services.notifier.handlers:HANDLERS",
    "mailbox": "services.mailbox.handlers:HANDLERS",
}
# Scheduled jobs: `loop(runtime, stop: threading.Event)`, run until stop is set.
SCHEDULERS: dict[str, str] = {
    "tracker": "services.tracker.ghosting:run",
    "coach": "services.coach.scheduler:run",
    "notifier": "services.notifier.scheduler:run",
    "mailbox": "services.mailbox.watcher:run",
}


def load(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def run(process: str) -> None:
    """One process of the Procfile (`rebound run all` goes to rebound/all_in_one.py instead)."""
    service, kind = PROCESSES[process]
    setup_logging(process)
    settings = load_settings()
    if settings.migrate_on_start:
        migrate_service(service, settings)
    else:
        log.info("not migrating at start (REBOUND_MIGRATE_ON_START=false)", extra={"service": service})
    if kind == "web":
        from rebound.serve import serve_http  # late: gunicorn is for web processes only (and not for the CLI)
        serve_http(service, load(APP_FACTORIES[service]), settings, process)
    else:
        run_background(service, settings)


def stop_on_signals(on_stop) -> None:
    def _handler(signum, _frame):
        log.info("stopping", extra={"signal": signum})
        on_stop()
    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)


class ServiceLoops:
    """One service's long-running loops (relay, consumer, scheduler), each run until `stop` is set.

    A loop that crashes is run again by its SupervisedThread; every run builds
    its relay or consumer anew. `relay_idle_max_s` is how long an idle relay
    waits before it looks again without being woken (default: relay_idle_max),
    long when every writer wakes it in memory (`rebound run all`).
    """

    def __init__(self, runtime: Runtime, stop: threading.Event, relay_idle_max_s: float | None = None):
        self.runtime, self.service, self.stop = runtime, runtime.service, stop
        self.relay_idle_max_s = relay_idle_max_s or relay_idle_max(runtime)
        self.wake = threading.Event()
        self.worker: Worker | None = None
        if runtime.service in SCHEDULERS:
            watch_writes(runtime)

    def loops(self) -> dict[str, Callable[[], None]]:
        """Thread name -> loop, for what this service has."""
        found = {f"{self.service}-relay": self.relay}
        if self.service in HANDLER_MAPS:
            found[f"{self.service}-consumer"] = self.consume
        if self.service in SCHEDULERS:
            found[f"{self.service}-scheduler"] = self.schedule
        return found

    def start(self) -> list[SupervisedThread]:
        start_listener(self.runtime.settings.database_url(self.service), self.wake, self.stop)
        return [SupervisedThread(name, loop, self.stop).start() for name, loop in self.loops().items()]

    def relay(self) -> None:
        relay = Relay(self.runtime.sessions, Publisher(self.runtime.settings))
        relay.run(self.stop, self.wake, self.runtime.settings.relay_poll_ms / 1000, self.relay_idle_max_s)

    def consume(self) -> None:
        settings = self.runtime.settings
        self.worker = Worker(self.service, connect(settings), self.runtime.sessions,
                             load(HANDLER_MAPS[self.service]), settings, on_committed=self.wake.set)
        if not self.stop.is_set():
            self.worker.run()

    def schedule(self) -> None:
        load(SCHEDULERS[self.service])(self.runtime, self.stop)

    def request_stop(self) -> None:
        self.stop.set()
        self.wake.set()
        self.runtime.changed.set()
        if self.worker is not None:
            self.worker.should_stop = True


def run_background(service: str, settings) -> None:
    """Relay, consume and schedule for one service until SIGTERM."""
    loops = ServiceLoops(Runtime.build(service, settings), threading.Event())
    stop_on_signals(loops.request_stop)
    threads = loops.start()
    log.info("started", extra={"service": service, "consuming": service in HANDLER_MAPS})
    loops.stop.wait()
    loops.request_stop()
    for thread in threads:
        thread.join(timeout=10)
    log.info("stopped", extra={"service": service})
