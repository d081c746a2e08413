"""Wiring for one service: settings, engine and session factory, built once."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from shared.config import Settings, load_settings
from shared.db import make_engine, make_session_factory

@dataclass
class Runtime:
    service: str
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    # Set when this process commits writes to the service's database (shared/schedule.py).
    changed: threading.Event = field(default_factory=threading.Event)
    # The longest a scheduler sleeps without being woken (writes from other processes wait this long).
    idle_s: float = 5.0

    @classmethod
    def build(cls, service: str, settings: Settings | None = None) -> "Runtime":
        settings = settings or load_settings()
        engine = make_engine(settings.database_url(service))
        return cls(service, settings, engine, make_session_factory(engine))
