"""Each service's real Flask app on its own migrated SQLite database, called as any user."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from shared.auth import HEADER, sign_user_token
from shared.config import load_settings
from rebound.processes import APP_FACTORIES, load
from shared.runtime import Runtime
from rebound.migrations import migrate_service
from shared.tables import outbox

SERVICES = ("tracker", "coach", "notifier", "mailbox")
# Service paths that need no internal token (shared/web.PUBLIC_PATHS) and Flask's own static route.
UNGUARDED_ENDPOINTS = {"healthz", "readyz"}


class ServiceClient:
    """A test client that speaks as a given user, as the frontend would."""

    def __init__(self, name: str, app, runtime: Runtime):
        self.name, self.app, self.runtime = name, app, runtime
        self.client = app.test_client()

    def token(self, user: str) -> str:
        return sign_user_token(self.runtime.settings.internal_secret, user)

    def call(self, method: str, path: str, user: str | None = "alice", json=None, headers=None, **kw):
        sent = dict(headers or {})
        if user:
            sent[HEADER] = self.token(user)
        return self.client.open(path, method=method, json=json, headers=sent, **kw)

    def get(self, path, user="alice", **kw):
        return self.call("GET", path, user, **kw)

    def post(self, path, json=None, user="alice", **kw):
        return self.call("POST", path, user, json=json, **kw)

    def outbox_types(self) -> list[str]:
        with self.runtime.sessions() as session:
            return list(session.scalars(select(outbox.c.event_type).order_by(outbox.c.id)))


@pytest.fixture
def make_service(tmp_path, monkeypatch):
    """A factory: make_service("tracker") -> ServiceClient on a fresh database under tmp_path
    (or on `database_url`, e.g. a PostgreSQL database from pg_database)."""
    for name in list(os.environ):
        if name.startswith("REBOUND_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("REBOUND_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REBOUND_INTERNAL_SECRET", "security-suite-internal-secret-0123456789")
    monkeypatch.setenv("REBOUND_SECRET_KEY", "security-suite-secret-key-0123456789abcdef")
    built: list[Runtime] = []

    def _make(service: str, database_url: str | None = None) -> ServiceClient:
        if database_url:
            monkeypatch.setenv(f"REBOUND_{service.upper()}_DATABASE_URL", database_url)
        settings = load_settings()
        migrate_service(service, settings)
        runtime = Runtime.build(service, settings)
        built.append(runtime)
        return ServiceClient(service, load(APP_FACTORIES[service])(runtime=runtime), runtime)

    yield _make
    for runtime in built:
        runtime.engine.dispose()


def guarded_rules(app):
    """Every (rule, method) of a service app that must demand an internal token."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNGUARDED_ENDPOINTS or rule.rule == "/openapi.json":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method
