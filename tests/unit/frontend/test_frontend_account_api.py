"""The account over the API: tokens, profile, deletion, the data export."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from frontend import accounts
from frontend.models import ApiToken, User
from shared.tables import outbox


@pytest.fixture
def api_user(runtime):
    user = accounts.create_user(runtime.sessions, "ada@example.com", "a long enough secret",
                                display_name="Ada", timezone="Europe/London")
    return user, {"Authorization": f"Bearer {accounts.create_token(runtime.sessions, 'ada@example.com')}"}


def _events(runtime) -> list:
    with runtime.sessions() as session:
        return list(session.execute(select(outbox).order_by(outbox.c.id)))


def test_a_new_token_is_shown_once_listed_by_name_and_works(client, services, api_user):
    created = client.post("/api/v1/tokens", json={"name": "laptop script"}, headers=api_user[1])
    assert created.status_code == 201
    token = created.json["token"]
    assert token.startswith("rb_") and created.json["name"] == "laptop script"
    listing = client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {token}"})
    assert listing.status_code == 200
    assert {t["name"] for t in listing.json["items"]} == {"cli", "laptop script"}
    assert all("token" not in t and "token_hash" not in t for t in listing.json["items"])


def test_a_revoked_token_gets_401(client, services, api_user):
    created = client.post("/api/v1/tokens", json={"name": "temporary"}, headers=api_user[1]).json
    mine = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/v1/applications", headers=mine).status_code == 200
    assert client.delete(f"/api/v1/tokens/{created['id']}", headers=api_user[1]).status_code == 204
    assert client.get("/api/v1/applications", headers=mine).status_code == 401
    revoked = [t for t in client.get("/api/v1/tokens", headers=api_user[1]).json["items"] if t["revoked_at"]]
    assert [t["id"] for t in revoked] == [created["id"]]


def test_nobody_can_revoke_another_persons_token(client, runtime, api_user):
    bo = accounts.create_user(runtime.sessions, "bo@example.com", "another long secret")
    theirs, _ = accounts.issue_token(runtime.sessions, bo["id"], "bo's")
    assert client.delete(f"/api/v1/tokens/{theirs['id']}", headers=api_user[1]).status_code == 404
    with runtime.sessions() as session:
        assert session.get(ApiToken, theirs["id"]).revoked_at is None


def _user_id(runtime, email: str) -> str:
    with runtime.sessions() as session:
        return session.scalar(select(User.id).where(User.email == email))


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 121}, {"name": "ok", "scope": "all"}])
def test_a_token_needs_a_sensible_name(client, api_user, body):
    response = client.post("/api/v1/tokens", json=body, headers=api_user[1])
    assert response.status_code == 422 and response.json["error"]["fields"]


def test_profile_update_announces_the_new_values_again(client, runtime, api_user):
    response = client.patch("/api/v1/account", json={"display_name": " Ada L. ", "timezone": "Asia/Tokyo"},
                            headers=api_user[1])
    assert response.status_code == 200
    assert (response.json["display_name"], response.json["timezone"]) == ("Ada L.", "Asia/Tokyo")
    events = _events(runtime)
    assert [e.event_type for e in events] == ["user.registered", "user.registered"]
    assert events[-1].payload["data"] == {"display_name": "Ada L.", "email": "ada@example.com",
                                          "timezone": "Asia/Tokyo"}


def test_an_unchanged_profile_sends_nothing_and_a_bad_zone_is_named(client, runtime, api_user):
    assert client.patch("/api/v1/account", json={"timezone": "Europe/London"}, headers=api_user[1]).status_code == 200
    bad = client.patch("/api/v1/account", json={"timezone": "Mars/Olympus"}, headers=api_user[1])
    assert bad.status_code == 422 and set(bad.json["error"]["fields"]) == {"timezone"}
    assert [e.event_type for e in _events(runtime)] == ["user.registered"]


def test_deleting_needs_the_accounts_email(client, runtime, api_user):
    response = client.delete("/api/v1/account", json={"confirm": "someone@example.com"}, headers=api_user[1])
    assert response.status_code == 422 and set(response.json["error"]["fields"]) == {"confirm"}
    assert client.delete("/api/v1/account", json={}, headers=api_user[1]).status_code == 422
    assert accounts.get_user(runtime.sessions, api_user[0]["id"]) is not None
    assert [e.event_type for e in _events(runtime)] == ["user.registered"]


def test_deleting_removes_the_user_and_tokens_and_announces_it(client, services, runtime, signed_in):
    user_id = _user_id(runtime, "ada@example.com")
    accounts.issue_token(runtime.sessions, user_id, "script")
    response = client.delete("/api/v1/account", json={"confirm": " ADA@example.com "},
                             headers={"X-CSRF-Token": signed_in.csrf()})
    assert response.status_code == 204
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0
        assert session.scalar(select(func.count()).select_from(ApiToken)) == 0
    deleted = _events(runtime)[-1]
    assert (deleted.event_type, deleted.payload["user_id"]) == ("user.deleted", user_id)
    # the session is over too
    assert client.get("/api/v1/applications").status_code == 401
    assert client.get("/").status_code == 302


def test_the_export_is_a_zip_with_each_services_part(client, services, runtime, api_user):
    services.reply("tracker", "GET", "/applications/export.json", {"applications": [{"id": 1}]})
    services.reply("coach", "GET", "/export", {"service": "coach", "tables": {"wins": []}})
    services.reply("notifier", "GET", "/export", {"service": "notifier", "tables": {"channels": []}})
    services.reply("mailbox", "GET", "/export", {"service": "mailbox", "tables": {"mail_accounts": []}})
    response = client.get("/api/v1/account/export", headers=api_user[1])
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    assert {"tracker.json", "coach.json", "notifier.json", "mailbox.json", "frontend.json"} <= names
    parts = {name: json.loads(archive.read(name)) for name in names if name.endswith(".json")}
    assert parts["tracker.json"] == {"applications": [{"id": 1}]}
    assert [parts[f"{s}.json"]["service"] for s in ("coach", "notifier", "mailbox")] == ["coach", "notifier", "mailbox"]
    assert parts["frontend.json"]["profile"]["email"] == "ada@example.com"
    assert [t["name"] for t in parts["frontend.json"]["api_tokens"]] == ["cli"]
    with runtime.sessions() as session:
        token_hash = session.scalar(select(ApiToken.token_hash))
    assert token_hash.encode() not in b"".join(archive.read(n) for n in names)


def test_no_archive_when_a_service_cannot_give_its_part(client, services, api_user):
    services.reply("tracker", "GET", "/applications/export.json", {"applications": []})
    response = client.get("/api/v1/account/export", headers=api_user[1])  # coach has no /export here
    assert response.status_code == 503 and response.json["error"]["code"] == "service_unavailable"
