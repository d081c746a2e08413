"""Serving a Flask app factory with gunicorn from inside `rebound run`."""
from __future__ import annotations

from gunicorn.app.base import BaseApplication

from shared.config import Settings, env
from shared.relay_thread import start_relay_thread
from shared.runtime import Runtime


class _Server(BaseApplication):
    def __init__(self, factory, options: dict):
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.factory()


def gunicorn_options(service: str, settings: Settings, process: str) -> dict:
    host = env("HOST", "127.0.0.1")
    return {
        "bind": f"{host}:{settings.ports[service]}",
        "workers": settings.web_workers,
        "worker_class": "gthread",
        "threads": 8,
        "graceful_timeout": 10,
        "timeout": 30,
        "keepalive": 5,
        "accesslog": None,
        "proc_name": f"rebound-{service}",
        # Several gunicorns run side by side; a shared control socket path would clash.
        "control_socket_disable": True,
        "logconfig_dict": _json_logging(process),
    }


def _json_logging(process: str) -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "shared.logs.JsonFormatter", "process": process}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json",
                                "stream": "ext://sys.stdout"}},
        "root": {"level": "INFO", "handlers": ["stdout"]},
        "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False}},
    }


def serve_http(service: str, factory, settings: Settings, process: str) -> None:
    options = gunicorn_options(service, settings, process)
    if service == "frontend":
        options["post_worker_init"] = _start_frontend_threads
    _Server(factory, options).run()


def _start_frontend_threads(worker) -> None:
    """The frontend has no worker process: each web worker relays its outbox."""
    runtime = Runtime.build("frontend")
    start_relay_thread(runtime)
