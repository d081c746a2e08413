"""The coach's app on its own migrated SQLite database, with a client that can PATCH."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from services.coach.api import create_app
from shared.auth import HEADER, sign_user_token
from shared.config import load_settings
from shared.runtime import Runtime
from rebound.migrations import migrate_service
from shared.tables import outbox


class CoachClient:
    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.client = create_app(runtime=runtime).test_client()

    def _headers(self, user):
        return {HEADER: sign_user_token(self.runtime.settings.internal_secret, user)} if user else {}

    def get(self, path, user="alice"):
        return self.client.get(path, headers=self._headers(user))

    def post(self, path, json=None, user="alice"):
        return self.client.post(path, json=json, headers=self._headers(user))

    def patch(self, path, json=None, user="alice"):
        return self.client.patch(path, json=json, headers=self._headers(user))

    def outbox_types(self) -> list[str]:
        with self.runtime.sessions() as session:
            return list(session.scalars(select(outbox.c.event_type).order_by(outbox.c.id)))

    def outbox_events(self, type_: str) -> list[dict]:
        with self.runtime.sessions() as session:
            return list(session.scalars(
                select(outbox.c.payload).where(outbox.c.event_type == type_).order_by(outbox.c.id)))

    def outbox(self, type_: str) -> list[dict]:
        with self.runtime.sessions() as session:
            return [p["data"] for p in session.scalars(
                select(outbox.c.payload).where(outbox.c.event_type == type_).order_by(outbox.c.id))]


@pytest.fixture
def make_service(tmp_path, monkeypatch):
    monkeypatch.setenv("REBOUND_DATA_DIR", str(tmp_path))

    def _make(service: str = "coach") -> CoachClient:
        settings = load_settings()
        migrate_service("coach", settings)
        return CoachClient(Runtime.build("coach", settings))

    return _make
