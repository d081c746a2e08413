"""`rebound run PROCESS`: the long-running processes of the Procfile.

A web process serves a Flask app under gunicorn. A background process
(`tracker-relay`, `coach-worker`, `notifier-worker`) relays its service's
outbox, consumes the events the service subscribes to, and runs the
service's scheduled jobs, each in its own thread.
"""
from __future__ import annotations

import importlib
import logging
import signal
import threading

from shared.bus import Publisher, connect
from shared.config import load_settings
from shared.logs import setup_logging
from shared.outbox import Relay
from shared.outbox_wakeup import start_listener
from shared.runtime import Runtime, migrate_service
from shared.worker import Worker

log = logging.getLogger(__name__)

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

# What a service's background process sets up before it handles anything: `setup(runtime)`.
SETUPS: dict[str, str] = {
    "notifier": "services.notifier.inbox_signals:install",
}


def load(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def run(process: str) -> None:
    service, kind = PROCESSES[process]
    setup_logging(process)
    settings = load_settings()
    if settings.migrate_on_start:
        migrate_service(service, settings)
    else:
        log.info("not migrating at start (REBOUND_MIGRATE_ON_START=false)", extra={"service": service})
    if kind == "web":
        from shared.serve import serve_http
        serve_http(service, load(APP_FACTORIES[service]), settings, process)
    else:
        run_background(service, settings)


def _stop_on_signals(on_stop) -> None:
    def _handler(signum, _frame):
        log.info("stopping", extra={"signal": signum})
        on_stop()
    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)


def start_relay_thread(runtime: Runtime) -> tuple[threading.Event, threading.Event, threading.Thread]:
    """A relay in a daemon thread, woken by commits in other processes on PostgreSQL; (stop, wake, thread)."""
    stop, wake = threading.Event(), threading.Event()
    relay = Relay(runtime.sessions, Publisher(runtime.settings))
    poll_s = runtime.settings.relay_poll_ms / 1000
    thread = threading.Thread(target=relay.run, args=(stop, wake, poll_s), name="relay", daemon=True)
    thread.start()
    start_listener(runtime.settings.database_url(runtime.service), wake, stop)
    return stop, wake, thread


def _consume_until_stopped(worker: Worker, stop: threading.Event) -> None:
    """Run the consumer; whatever escapes it, start it again until asked to stop."""
    while not stop.is_set():
        try:
            worker.run()
        except Exception:  # the last line of defence: a worker never exits on its own
            log.exception("consumer failed; restarting", extra={"service": worker.service})
            stop.wait(1.0)
        else:
            return


def run_background(service: str, settings) -> None:
    """Relay, consume and schedule for one service until SIGTERM."""
    runtime = Runtime.build(service, settings)
    if service in SETUPS:
        load(SETUPS[service])(runtime)
    stop = threading.Event()
    relay_stop, wake, relay_thread = start_relay_thread(runtime)
    threads = [relay_thread]
    if service in SCHEDULERS:
        scheduler = threading.Thread(target=load(SCHEDULERS[service]), args=(runtime, stop),
                                     name="scheduler", daemon=True)
        scheduler.start()
        threads.append(scheduler)
    worker = None
    if service in HANDLER_MAPS:
        worker = Worker(service, connect(settings), runtime.sessions, load(HANDLER_MAPS[service]),
                        settings, on_committed=wake.set)

    def _on_stop():
        stop.set()
        relay_stop.set()
        wake.set()
        if worker is not None:
            worker.should_stop = True

    _stop_on_signals(_on_stop)
    log.info("started", extra={"service": service, "consuming": worker is not None})
    if worker is not None:
        _consume_until_stopped(worker, stop)
    else:
        stop.wait()
    _on_stop()
    for thread in threads:
        thread.join(timeout=10)
    log.info("stopped", extra={"service": service})
