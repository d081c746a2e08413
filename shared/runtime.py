"""Wiring for one service: settings, engine and session factory, built once."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from shared.config import Settings, load_settings
from shared.db import make_engine, make_session_factory, migrate

PACKAGES = {
    "frontend": "frontend",
    "tracker": "services.tracker",
    "coach": "services.coach",
    "notifier": "services.notifier",
    "mailbox": "services.mailbox",
}


def migrations_dir(service: str) -> Path:
    package = importlib.import_module(PACKAGES[service])
    return Path(package.__file__).parent / "migrations"


def migrate_service(service: str, settings: Settings) -> None:
    migrate(service, migrations_dir(service), settings.database_url(service))


@dataclass
class Runtime:
    service: str
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def build(cls, service: str, settings: Settings | None = None) -> "Runtime":
        settings = settings or load_settings()
        engine = make_engine(settings.database_url(service))
        return cls(service, settings, engine, make_session_factory(engine))
