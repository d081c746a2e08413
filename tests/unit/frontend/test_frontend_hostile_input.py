"""The frontend refuses input built to break parsers with 422 (JSON naming the field under
/api/v1, a message in the page elsewhere), before any service is asked; an upload over the
limit is told the limit."""
from __future__ import annotations

import io

import pytest

from frontend import accounts
from tests.unit.frontend.conftest import csrf_from

HOSTILE_BODIES = {
    "deeply nested": (b"[" * 50_000 + b"]" * 50_000, "_schema"),
    "nested object": (b'{"company": ' + b'{"a": ' * 200 + b"1" + b"}" * 200 + b"}", "company"),
    "lone surrogate": (b'{"company": "Acme \\ud800", "role": "Engineer"}', "company"),
    "NUL character": (b'{"company": "Acme\\u0000", "role": "Engineer"}', "company"),
}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
THIRTY_MB = 30 * 1024 * 1024


@pytest.fixture
def bearer(runtime) -> dict:
    accounts.create_user(runtime.sessions, "ada@example.com", "a long enough secret")
    return {"Authorization": f"Bearer {accounts.create_token(runtime.sessions, 'ada@example.com')}"}


def _filled(rule) -> str:
    path = rule.rule
    while "<" in path:
        start, end = path.index("<"), path.index(">", path.index("<"))
        converter = path[start + 1:end]
        value = converter[4:].split(",")[0].strip(" '\"") if converter.startswith("any(") else "1"
        path = path[:start] + value + path[end + 1:]
    return path


@pytest.mark.parametrize("kind", sorted(HOSTILE_BODIES))
def test_every_api_route_refuses_hostile_json_before_asking_a_service(app, client, services, bearer, kind):
    body, field = HOSTILE_BODIES[kind]
    problems, checked = [], 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        for method in sorted(rule.methods & UNSAFE):
            answer = client.open(_filled(rule), method=method, data=body,
                                 headers={**bearer, "Content-Type": "application/json"})
            checked += 1
            fields = ((answer.get_json(silent=True) or {}).get("error") or {}).get("fields") or {}
            if answer.status_code != 422 or field not in fields:
                problems.append(f"{method} {rule.rule}: {answer.status_code} {answer.get_data(as_text=True)[:160]}")
    assert checked >= 30, f"only {checked} unsafe API routes"
    assert problems == [], "\n".join(problems)
    assert services.calls == [], "a hostile body reached a service"


def test_a_nul_in_a_query_is_refused_on_the_api(client, services, bearer):
    answer = client.get("/api/v1/applications?q=a%00b", headers=bearer)
    assert answer.status_code == 422
    assert "q" in answer.get_json()["error"]["fields"]
    assert services.calls == []


def test_a_nul_in_a_page_form_gets_a_message_in_the_page(client, services, signed_in):
    token = csrf_from(client.get("/applications"))
    answer = client.post("/applications", data={"company": "Acme\x00", "role": "Engineer", "csrf_token": token})
    assert answer.status_code == 422
    assert "NUL character" in answer.get_data(as_text=True)
    assert services.calls_to("tracker", "POST") == []


def test_a_30_mb_upload_to_the_api_is_told_the_limit(client, services, bearer):
    upload = {"file": (io.BytesIO(b"company,role\n" + b"x" * THIRTY_MB), "big.csv")}
    answer = client.post("/api/v1/applications/import", data=upload, headers=bearer,
                         content_type="multipart/form-data")
    assert answer.status_code == 413
    error = answer.get_json()["error"]
    assert "files up to 5 MB" in error["message"]
    assert "file" in error["fields"]
    assert services.calls_to("tracker", "POST") == []


def test_a_30_mb_upload_in_the_page_is_told_the_limit(client, services, signed_in):
    token = csrf_from(client.get("/import"))
    upload = {"file": (io.BytesIO(b"company,role\n" + b"x" * THIRTY_MB), "big.csv"), "csrf_token": token}
    answer = client.post("/import/preview", data=upload, content_type="multipart/form-data")
    assert answer.status_code == 413
    assert "files up to 5 MB" in answer.get_data(as_text=True)
    assert services.calls_to("tracker", "POST") == []


def test_a_4_mb_upload_in_the_page_reaches_the_tracker(client, services, signed_in):
    services.reply("tracker", "POST", "/applications/import", {"rows": [], "summary": {}})
    token = csrf_from(client.get("/import"))
    upload = {"file": (io.BytesIO(b"company,role\n" + b"x" * (4 * 1024 * 1024)), "big.csv"), "csrf_token": token}
    client.post("/import/preview", data=upload, content_type="multipart/form-data")
    assert len(services.calls_to("tracker", "POST")) == 1
