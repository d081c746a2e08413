"""The public API /api/v1: who may ask, what they may send, what comes back."""
from __future__ import annotations

import pytest

from frontend import accounts
from shared.auth import verify_user_token

APPLICATION = {
    "id": 1, "company": "Acme", "role": "Engineer", "source": None, "url": None,
    "role_category": None, "applied_on": "2025-03-01", "notes": None, "stage": "applied",
    "created_at": "2025-03-01T09:00:00", "updated_at": "2025-03-01T09:00:00",
    "rejection": None, "history": [],
}


@pytest.fixture
def api_user(runtime):
    user = accounts.create_user(runtime.sessions, "ada@example.com", "a long enough secret")
    return user, accounts.create_token(runtime.sessions, "ada@example.com")


@pytest.fixture
def bearer(api_user) -> dict:
    return {"Authorization": f"Bearer {api_user[1]}"}


def test_bearer_token_reaches_the_service_as_the_user(client, services, settings, api_user, bearer):
    services.reply("tracker", "GET", "/applications", {"items": [APPLICATION], "next_cursor": "abc"})
    response = client.get("/api/v1/applications?stage=applied&limit=10", headers=bearer)
    assert response.status_code == 200
    assert response.json == {"items": [APPLICATION], "next_cursor": "abc"}
    call = services.calls_to("tracker")[-1]
    assert call.path == "/applications"
    assert call.args == {"stage": "applied", "limit": "10"}
    assert verify_user_token(settings.internal_secret, call.token) == api_user[0]["id"]


@pytest.mark.parametrize("header", ["Bearer rb_not-a-real-token", "Bearer ", "Basic YWRhOnB3"])
def test_a_bad_or_missing_token_gets_401(client, services, api_user, header):
    response = client.get("/api/v1/applications", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert services.calls == []


def test_create_application_answers_201_with_the_service_body(client, services, bearer):
    services.reply("tracker", "POST", "/applications", APPLICATION, status=201)
    body = {"company": " Acme ", "role": "Engineer", "applied_on": "2025-03-01"}
    response = client.post("/api/v1/applications", json=body, headers=bearer)
    assert response.status_code == 201
    assert response.json == APPLICATION
    assert services.calls_to("tracker", "POST")[-1].json == {
        "company": "Acme", "role": "Engineer", "applied_on": "2025-03-01"}


def test_bad_application_input_gets_422_naming_each_field(client, services, bearer):
    body = {"role": "", "url": "not a url", "applied_on": "yesterday", "colour": "blue"}
    response = client.post("/api/v1/applications", json=body, headers=bearer)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) == {"company", "role", "url", "applied_on", "colour"}
    assert services.calls_to("tracker", "POST") == []


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/applications/1/stage", {"stage": "dreaming"}, "stage"),
    ("/api/v1/applications/1/rejection", {"reason": "bad vibes"}, "reason"),
    ("/api/v1/reflections/3", {"answer": "   ", "mood": 9}, "answer"),
])
def test_other_bodies_are_checked_too(client, bearer, path, body, field):
    response = client.post(path, json=body, headers=bearer)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_malformed_json_gets_400(client, bearer):
    response = client.post("/api/v1/applications", data="{company: ", headers=bearer,
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "malformed_json"


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/applications", "/api/v1/applications/abc"])
def test_unknown_api_routes_get_404_json(client, bearer, path):
    response = client.get(path, headers=bearer)
    assert response.status_code == 404
    assert response.is_json and response.json["error"]["code"] == "not_found"


def test_service_errors_pass_through_unchanged(client, services, bearer):
    problem = {"error": {"code": "validation_failed", "message": "No.", "fields": {"stage": ["x"]}}}
    services.reply("tracker", "POST", "/applications/1/stage", problem, status=422)
    assert client.get("/api/v1/applications/99", headers=bearer).status_code == 404
    response = client.post("/api/v1/applications/1/stage", json={"stage": "interview"}, headers=bearer)
    assert response.status_code == 422 and response.json == problem


def test_rejection_is_forwarded_and_answers_201(client, services, bearer):
    services.reply("tracker", "POST", "/applications/1/rejection", APPLICATION, status=201)
    body = {"stage_reached": "interview", "reason": "skills", "received_on": "2025-04-02"}
    response = client.post("/api/v1/applications/1/rejection", json=body, headers=bearer)
    assert response.status_code == 201
    assert services.calls_to("tracker", "POST")[-1].json == body


@pytest.mark.parametrize(("path", "service", "service_path"), [
    ("/api/v1/reflections?status=open", "coach", "/reflections"),
    ("/api/v1/notifications?unread=1", "notifier", "/notifications"),
    ("/api/v1/wins", "coach", "/wins"),
    ("/api/v1/goals", "coach", "/goals"),
])
def test_lists_always_answer_items_and_next_cursor(client, services, bearer, path, service, service_path):
    services.reply(service, "GET", service_path, {"items": [{"id": 1}]})
    response = client.get(path, headers=bearer)
    assert response.status_code == 200
    assert response.json == {"items": [{"id": 1}], "next_cursor": None}


def test_query_parameters_are_checked(client, bearer):
    response = client.get("/api/v1/applications?limit=5000&stage=nowhere", headers=bearer)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"limit", "stage"}


def test_a_service_that_is_down_gets_503(client, services, settings, bearer, unreachable_url, monkeypatch):
    monkeypatch.setitem(settings.service_urls, "coach", unreachable_url)
    response = client.get("/api/v1/reflections", headers=bearer)
    assert response.status_code == 503
    assert response.json["error"]["code"] == "service_unavailable"


def test_the_session_cookie_works_and_needs_csrf_for_changes(client, services, signed_in):
    services.reply("notifier", "POST", "/notifications/4/read", {"id": 4, "read_at": "now"})
    assert client.get("/api/v1/notifications").status_code == 200
    refused = client.post("/api/v1/notifications/4/read")
    accepted = client.post("/api/v1/notifications/4/read", headers={"X-CSRF-Token": signed_in.csrf()})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "csrf_failed"
    assert accepted.status_code == 200 and accepted.json["id"] == 4


def test_a_bearer_request_needs_no_csrf_token(client, services, bearer):
    services.reply("coach", "POST", "/reflections/3", {"id": 3, "status": "done"})
    response = client.post("/api/v1/reflections/3", json={"answer": "It helped.", "mood": 4}, headers=bearer)
    assert response.status_code == 200
    assert services.calls_to("coach", "POST")[-1].json == {"answer": "It helped.", "mood": 4}
