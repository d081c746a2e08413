"""`rebound run all`: every process of the Procfile in one, for a home server.

Each service keeps its own database, its own app and its own loops; only the
wiring differs from the split processes:

- the frontend is served by one threaded HTTP server (waitress) on its port;
- the frontend reaches the tracker, coach and notifier APIs with its usual
  client, whose requests are handed to those apps in memory
  (rebound/inprocess_http.py); they listen on no port;
- every service's relay, consumer and scheduler runs as a supervised thread
  (restarted with backoff if it crashes), talking through the bus as before;
- wake-ups stay in memory: a commit that writes outbox rows wakes its relay,
  and a message put on the embedded bus wakes its consumers.

SIGINT or SIGTERM stops the server, then every loop, within a few seconds.
"""
from __future__ import annotations

import dataclasses
import logging
import signal
import threading
import time

from frontend.service_client import ServiceClient
from rebound import backup_schedule
from shared.config import SERVICES, Settings, env, load_settings
from rebound.inprocess_http import mount_apps
from shared.logs import setup_logging
from shared.outbox_wakeup import wake_locally
from rebound.processes import APP_FACTORIES, PROCESSES, ServiceLoops, load
from shared.runtime import Runtime
from rebound.migrations import migrate_service
from rebound.supervisor import SupervisedThread

log = logging.getLogger(__name__)

INTERNAL_URL = "http://{service}.internal.rebound"  # never resolved: answered in memory
RELAY_IDLE_MAX_S = 30.0  # every writer in this process wakes its relay; this bounds rows from elsewhere
SCHEDULER_IDLE_S = 60.0  # likewise for a scheduler: every write in this process wakes it
BUS_POLL_MS = 1000  # likewise for messages put on the embedded bus by another process (e.g. `rebound dlq replay`)
STOP_TIMEOUT_S = 8.0


def one_process_settings(settings: Settings) -> Settings:
    """The same settings, with the service URLs pointing in-process and slower looks for outside writers."""
    urls = {service: INTERNAL_URL.format(service=service) for service in settings.service_urls}
    poll = settings.bus_poll_ms if env("BUS_POLL_MS") else BUS_POLL_MS
    return dataclasses.replace(settings, service_urls=urls, bus_poll_ms=poll)


def background_services() -> list[str]:
    """Services with a relay or consumer of their own, in Procfile order (the frontend's relay included)."""
    return list(dict.fromkeys(service for service, _ in PROCESSES.values()))


class AllInOne:
    """Builds every service's app and loops; `start` runs them, `stop` ends them."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.stop_event = threading.Event()
        self.runtimes = {service: Runtime.build(service, settings) for service in background_services()}
        for runtime in self.runtimes.values():
            runtime.idle_s = SCHEDULER_IDLE_S
        self.frontend = load(APP_FACTORIES["frontend"])(settings, runtime=self.runtimes["frontend"])
        self.apps = {service: load(APP_FACTORIES[service])(settings, runtime=self.runtimes[service])
                     for service in self.runtimes if service in APP_FACTORIES and service != "frontend"}
        self.frontend.extensions["rebound.services"] = InProcessClient(
            settings, {settings.service_urls[service]: app for service, app in self.apps.items()})
        self.loops = {service: ServiceLoops(runtime, self.stop_event, RELAY_IDLE_MAX_S)
                      for service, runtime in self.runtimes.items()}
        self.backups = backup_schedule.configured(settings)  # a bad schedule stops start-up here
        self.threads: list[SupervisedThread] = []
        self.server = None

    def start(self) -> None:
        for service, loops in self.loops.items():
            wake_locally(self.settings.database_url(service), loops.wake)
            self.threads.extend(loops.start())
        if self.backups is not None:
            schedule, folder, keep = self.backups
            self.threads.append(SupervisedThread(
                "backups", lambda: backup_schedule.loop(self.settings, schedule, folder, keep, self.stop_event),
                self.stop_event).start())
        self.server = make_server(self.frontend, self.settings)
        log.info("started", extra={"services": list(self.runtimes), "threads": [t.name for t in self.threads],
                                   "port": self.settings.ports["frontend"]})

    def serve_forever(self) -> None:
        """Serve in this thread until a signal handler raises SystemExit (waitress then finishes its requests)."""
        self.server.run()

    def stop(self) -> None:
        """Stop taking requests, then every loop; threads still busy after the timeout are left to exit."""
        if self.stop_event.is_set():
            return
        if self.server is not None:
            from waitress import wasyncore
            self.server.task_dispatcher.shutdown(timeout=3)
            wasyncore.close_all(self.server._map)
        for loops in self.loops.values():
            loops.request_stop()
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        alive = [t.name for t in self.threads if t.thread.is_alive()]
        log.info("stopped", extra={"still_running": alive})


class InProcessClient(ServiceClient):
    """The frontend's ServiceClient, its sessions answering the service URLs from the apps in memory."""

    def __init__(self, settings: Settings, apps: dict):
        super().__init__(settings)
        self.apps = apps

    def _session(self):
        session = super()._session()
        if not getattr(session, "rebound_in_process", False):
            mount_apps(session, self.apps)
            session.rebound_in_process = True
        return session


def make_server(app, settings: Settings):
    from waitress.server import create_server
    return create_server(app, host=env("HOST", "127.0.0.1"), port=settings.ports["frontend"],
                         threads=8, ident="rebound", clear_untrusted_proxy_headers=False)


def run_all() -> None:
    setup_logging("all")
    settings = one_process_settings(load_settings())
    for service in SERVICES:
        migrate_service(service, settings)
    stack = AllInOne(settings)

    def _on_signal(signum, _frame):
        # The main thread only serves: leaving its loop this way lets waitress finish in-flight requests.
        log.info("stopping", extra={"signal": signum})
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # a second Ctrl-C ends the process at once
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        stack.start()
        stack.serve_forever()
    finally:
        stack.stop()
