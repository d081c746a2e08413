"""The tracker's Flask app on its own migrated SQLite database, spoken to as a user."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from services.tracker.api import create_app
from shared.auth import HEADER, sign_user_token
from shared.config import load_settings
from shared.runtime import Runtime
from rebound.migrations import migrate_service
from shared.tables import outbox


class Tracker:
    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.client = create_app(runtime=runtime).test_client()

    def headers(self, user: str | None) -> dict:
        return {HEADER: sign_user_token(self.runtime.settings.internal_secret, user)} if user else {}

    def call(self, method: str, path: str, json=None, user="alice", **kw):
        if json is not None:
            kw["json"] = json
        return getattr(self.client, method)(path, headers=self.headers(user), **kw)

    def get(self, path, user="alice", **kw):
        return self.call("get", path, user=user, **kw)

    def post(self, path, json=None, user="alice", **kw):
        return self.call("post", path, json, user=user, **kw)

    def patch(self, path, json=None, user="alice", **kw):
        return self.call("patch", path, json, user=user, **kw)

    def delete(self, path, user="alice", **kw):
        return self.call("delete", path, user=user, **kw)

    def create(self, user="alice", **fields) -> dict:
        response = self.post("/applications", {"company": "Acme", "role": "Engineer", **fields}, user=user)
        assert response.status_code == 201, response.json
        return response.json

    def events(self, type: str | None = None) -> list[dict]:
        """The outbox's events, an import's history unpacked from its applications.imported chunks."""
        with self.runtime.sessions() as session:
            payloads = session.scalars(select(outbox.c.payload).order_by(outbox.c.id)).all()
        unpacked = []
        for payload in payloads:
            unpacked.extend(payload["data"]["events"] if payload["type"] == "applications.imported" else [payload])
        return [p for p in unpacked if type is None or p["type"] == type]

    def outbox_types(self) -> list[str]:
        with self.runtime.sessions() as session:
            return [p["type"] for p in session.scalars(select(outbox.c.payload).order_by(outbox.c.id))]

    def types(self) -> list[str]:
        return [e["type"] for e in self.events()]


@pytest.fixture
def tracker(tmp_path, monkeypatch) -> Tracker:
    monkeypatch.setenv("REBOUND_DATA_DIR", str(tmp_path))
    settings = load_settings()
    migrate_service("tracker", settings)
    return Tracker(Runtime.build("tracker", settings))
