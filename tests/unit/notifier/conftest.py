"""The notifier on its own migrated SQLite database, with a movable clock and recording senders."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from services.notifier import handlers
from services.notifier.api import create_app
from services.notifier.channels.message import DeliveryFailed
from services.notifier.api_channels import SENDERS_KEY
from services.notifier.delivery import Dispatcher
from services.notifier.digests import make_due_digests
from services.notifier.models import Delivery
from shared.auth import HEADER, sign_user_token
from shared.config import load_settings
from shared.events import make_event
from shared.runtime import Runtime
from rebound.migrations import migrate_service

START = datetime(2026, 3, 2, 12, 0)  # a Monday, noon UTC


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


class Recorder:
    """Senders that remember what they were given; `failing` kinds raise."""

    def __init__(self):
        self.sent: list[tuple] = []
        self.failing: set[str] = set()
        self.senders = {kind: self._sender(kind) for kind in ("email", "apprise", "webhook")}

    def _sender(self, kind):
        def send(target, message):
            if kind in self.failing:
                raise DeliveryFailed("HTTP 500 from the far end")
            self.sent.append((target, message))
        return send

    def to(self, address: str) -> list:
        return [m for t, m in self.sent if t.address == address]


class Notifier:
    def __init__(self, app, runtime, clock, recorder):
        self.client, self.runtime, self.clock, self.recorder = app.test_client(), runtime, clock, recorder
        self.dispatcher = Dispatcher(runtime.sessions, runtime.settings, senders=recorder.senders,
                                     clock=clock)

    def _headers(self, user):
        return {HEADER: sign_user_token(self.runtime.settings.internal_secret, user)} if user else {}

    def get(self, path, user="alice", **kw):
        return self.client.get(path, headers={**self._headers(user), **kw.pop("headers", {})}, **kw)

    def post(self, path, json=None, user="alice"):
        return self.client.post(path, json=json, headers=self._headers(user))

    def send(self, method, path, json=None, user="alice"):
        return self.client.open(path, method=method, json=json, headers=self._headers(user))

    def event(self, type_, data, user="alice") -> dict:
        event = make_event(type_, user_id=user, data=data, producer="test")
        self.apply(event)
        return event

    def apply(self, event: dict) -> None:
        with self.runtime.sessions.begin() as session:
            for handler in handlers.HANDLERS[event["type"]]:
                handler(session, event)

    def register(self, user="alice", email=None, tz="UTC", name=None):
        return self.event("user.registered", {"display_name": name or user.title(),
                                              "email": email or f"{user}@example.org", "timezone": tz}, user)

    def tick(self) -> int:
        make_due_digests(self.runtime.sessions)
        return self.dispatcher.run_once()

    def deliveries(self, **where) -> list[Delivery]:
        with self.runtime.sessions() as session:
            query = select(Delivery).order_by(Delivery.id)
            for name, value in where.items():
                query = query.where(getattr(Delivery, name) == value)
            rows = list(session.scalars(query))
            session.expunge_all()
            return rows


@pytest.fixture
def notifier(tmp_path, monkeypatch):
    monkeypatch.setenv("REBOUND_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REBOUND_BASE_URL", "https://rebound.example")
    settings = load_settings()
    migrate_service("notifier", settings)
    runtime = Runtime.build("notifier", settings)
    clock, recorder = Clock(START), Recorder()
    monkeypatch.setattr("services.notifier.clock.now", clock)
    app = create_app(runtime=runtime)
    app.config[SENDERS_KEY] = recorder.senders
    yield Notifier(app, runtime, clock, recorder)
    runtime.engine.dispose()

