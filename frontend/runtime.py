"""The app's wiring (shared.runtime.Runtime), reached from inside a request."""
from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session, sessionmaker

from shared.runtime import Runtime

EXTENSION = "rebound.runtime"


def runtime() -> Runtime:
    return current_app.extensions[EXTENSION]


def sessions() -> sessionmaker[Session]:
    return runtime().sessions
