"""The trivial baseline: a Flask /ping under the same gunicorn settings as the product.

Run: python -m tests.bench.ping_app PORT
"""
from __future__ import annotations

import sys

from flask import Flask

from shared.config import load_settings
from rebound.serve import _Server, gunicorn_options


def create_app() -> Flask:
    app = Flask("rebound-bench-ping")

    @app.get("/ping")
    def ping():
        return {"ok": True}

    return app


def main() -> None:
    settings = load_settings()
    options = gunicorn_options("frontend", settings, "bench-ping")
    options["bind"] = f"127.0.0.1:{int(sys.argv[1])}"
    options["proc_name"] = "rebound-bench-ping"
    options["logconfig_dict"] = {"version": 1, "disable_existing_loggers": False,
                                 "root": {"level": "WARNING", "handlers": []}}
    _Server(create_app, options).run()


if __name__ == "__main__":
    main()
