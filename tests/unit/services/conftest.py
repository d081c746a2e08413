"""Each service's Flask app on its own migrated SQLite database."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from shared.auth import HEADER, sign_user_token
from shared.config import load_settings
from rebound.processes import APP_FACTORIES, load
from shared.runtime import Runtime
from rebound.migrations import migrate_service
from shared.tables import outbox


class ServiceClient:
    """A test client that speaks as a given user, as the frontend would."""

    def __init__(self, app, runtime: Runtime):
        self.client, self.runtime = app.test_client(), runtime

    def headers(self, user: str | None) -> dict:
        return {HEADER: sign_user_token(self.runtime.settings.internal_secret, user)} if user else {}

    def get(self, path, user="alice", **kw):
        return self.client.get(path, headers=self.headers(user), **kw)

    def post(self, path, json=None, user="alice", **kw):
        return self.client.post(path, json=json, headers=self.headers(user), **kw)

    def outbox_types(self) -> list[str]:
        with self.runtime.sessions() as session:
            return list(session.scalars(select(outbox.c.event_type).order_by(outbox.c.id)))


@pytest.fixture
def make_service(tmp_path, monkeypatch):
    monkeypatch.setenv("REBOUND_DATA_DIR", str(tmp_path))

    def _make(service: str) -> ServiceClient:
        settings = load_settings()
        migrate_service(service, settings)
        runtime = Runtime.build(service, settings)
        return ServiceClient(load(APP_FACTORIES[service])(runtime=runtime), runtime)

    return _make
