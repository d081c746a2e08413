"""The coach's and notifier's GET /export, which the account export collects: the caller's rows only, no secrets."""
from __future__ import annotations

import pytest

from shared.auth import HEADER, sign_user_token
from shared.config import load_settings
from rebound.processes import APP_FACTORIES, load
from shared.runtime import Runtime
from rebound.migrations import migrate_service


@pytest.fixture
def service(tmp_path, monkeypatch):
    for name in ("BUS_URL", "INTERNAL_SECRET", "SECRET_KEY"):
        monkeypatch.delenv(f"REBOUND_{name}", raising=False)
    monkeypatch.setenv("REBOUND_DATA_DIR", str(tmp_path))
    built = []

    def _make(name: str):
        settings = load_settings()
        migrate_service(name, settings)
        runtime = Runtime.build(name, settings)
        built.append(runtime)
        client = load(APP_FACTORIES[name])(runtime=runtime).test_client()

        def as_user(user: str) -> dict:
            return {HEADER: sign_user_token(settings.internal_secret, user)}

        return client, as_user

    yield _make
    for runtime in built:
        runtime.engine.dispose()


def test_the_coach_export_holds_the_callers_rows_only(service):
    client, as_user = service("coach")
    assert client.post("/wins", json={"title": "Sent three applications"}, headers=as_user("alice")).status_code == 201
    assert client.post("/wins", json={"title": "Bob's win"}, headers=as_user("bob")).status_code == 201
    assert client.post("/checkins", json={"mood": 4}, headers=as_user("alice")).status_code == 201
    response = client.get("/export", headers=as_user("alice"))
    assert response.status_code == 200 and response.mimetype == "application/json"
    tables = response.json["tables"]
    assert [w["title"] for w in tables["wins"]] == ["Sent three applications"]
    assert [c["mood"] for c in tables["checkins"]] == [4]
    assert "Bob's win" not in response.get_data(as_text=True)
    assert client.get("/export").status_code == 401


def test_the_notifier_export_leaves_secrets_out(service):
    client, as_user = service("notifier")
    hook = client.post("/channels", json={"kind": "webhook", "target": "https://hooks.example.com/rebound"},
                       headers=as_user("alice"))
    assert hook.status_code == 201
    client.post("/channels", json={"kind": "webhook", "target": "https://hooks.example.com/bob"},
                headers=as_user("bob"))
    response = client.get("/export", headers=as_user("alice"))
    assert response.status_code == 200
    channels = response.json["tables"]["channels"]
    assert len(channels) == 1 and channels[0]["kind"] == "webhook"
    text = response.get_data(as_text=True)
    for secret in ("target_encrypted", "secret_encrypted", "nonce", hook.json.get("signing_key") or "--"):
        assert secret not in text
    assert "hooks.example.com/bob" not in text
