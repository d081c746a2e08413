"""`rebound run PROCESS`: the long-running processes of the Procfile."""
from __future__ import annotations

import importlib
import logging
import signal
import threading

from shared.bus import Publisher, connect
from shared.config import load_settings
from shared.logs import setup_logging
from shared.outbox import Relay
from shared.runtime import Runtime, migrate_service
from shared.worker import Worker

log = logging.getLogger(__name__)

# process name -> (service, kind)
PROCESSES = {
    "frontend": ("frontend", "web"),
    "tracker-api": ("tracker", "web"),
    "tracker-relay": ("tracker", "relay"),
    "coach-api": ("coach", "web"),
    "coach-worker": ("coach", "worker"),
    "notifier-api": ("notifier", "web"),
    "notifier-worker": ("notifier", "worker"),
}
APP_FACTORIES = {
    "frontend": "frontend.app:create_app",
    "tracker": "services.tracker.api:create_app",
    "coach": "services.coach.api:create_app",
    "notifier": "services.notifier.api:create_app",
}
HANDLER_MAPS = {
    "coach": "services.coach.handlers:HANDLERS",
    "notifier": "services.notifier.handlers:HANDLERS",
}


def load(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def run(process: str) -> None:
    service, kind = PROCESSES[process]
    setup_logging(process)
    settings = load_settings()
    migrate_service(service, settings)
    if kind == "web":
        from shared.serve import serve_http
        serve_http(service, load(APP_FACTORIES[service]), settings, process)
    elif kind == "relay":
        run_relay(service, settings)
    else:
        run_worker(service, settings)


def _stop_on_signals(stop: threading.Event, also=lambda: None) -> None:
    def _handler(signum, _frame):
        log.info("stopping", extra={"signal": signum})
        stop.set()
        also()
    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)


def start_relay_thread(runtime: Runtime) -> tuple[threading.Event, threading.Event, threading.Thread]:
    """A relay in a daemon thread; returns (stop, wake, thread)."""
    stop, wake = threading.Event(), threading.Event()
    relay = Relay(runtime.sessions, Publisher(runtime.settings))
    poll_s = runtime.settings.relay_poll_ms / 1000
    thread = threading.Thread(target=relay.run, args=(stop, wake, poll_s), name="relay", daemon=True)
    thread.start()
    return stop, wake, thread


def run_relay(service: str, settings) -> None:
    runtime = Runtime.build(service, settings)
    stop, wake = threading.Event(), threading.Event()
    _stop_on_signals(stop, also=wake.set)
    log.info("relay started", extra={"service": service})
    Relay(runtime.sessions, Publisher(settings)).run(stop, wake, poll_s=settings.relay_poll_ms / 1000)
    log.info("relay stopped", extra={"service": service})


def run_worker(service: str, settings) -> None:
    runtime = Runtime.build(service, settings)
    relay_stop, wake, relay_thread = start_relay_thread(runtime)
    worker = Worker(service, connect(settings), runtime.sessions, load(HANDLER_MAPS[service]),
                    settings, on_committed=wake.set)

    def _stop_worker():
        worker.should_stop = True

    _stop_on_signals(threading.Event(), also=_stop_worker)
    log.info("worker started", extra={"service": service})
    worker.run()
    relay_stop.set()
    wake.set()
    relay_thread.join(timeout=10)
    log.info("worker stopped", extra={"service": service})
