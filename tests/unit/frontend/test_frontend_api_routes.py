"""Every public API route reaches the right service path with the right method, and passes the answer back.

A real local HTTP server plays the three services (as in conftest), but this
one records raw bodies and headers and can answer any content type, so
uploads, downloads and conditional requests are exercised for real.
"""
from __future__ import annotations

import io
import json
import threading
from dataclasses import dataclass, field

import pytest
from openapi_spec_validator import validate
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from frontend import accounts
from frontend.openapi import all_routes
from frontend.views.api import PREFIX
from shared.auth import HEADER, verify_user_token

SERVICES = ("tracker", "coach", "notifier")
# Bodies the frontend checks itself must be valid to get through.
VALID_BODIES = {
    ("POST", "/applications"): {"company": "Acme", "role": "Engineer"},
    ("PATCH", "/applications/{id}"): {"role": "Senior engineer"},
    ("POST", "/applications/{id}/stage"): {"stage": "interview"},
    ("POST", "/applications/{id}/rejection"): {"reason": "skills"},
    ("POST", "/reflections/{id}"): {"answer": "It helped to write it down.", "mood": 3},
}


@dataclass
class Seen:
    service: str
    method: str
    path: str
    args: list
    headers: dict
    body: bytes
    form_files: dict = field(default_factory=dict)


class Upstream:
    """Records each call; answers with a canned (status, body bytes, headers) or a responder."""

    def __init__(self):
        self.seen: list[Seen] = []
        self.answers: dict = {}

    def answer(self, service, method, path, body=b"", status=200, headers=None, responder=None):
        if isinstance(body, dict):
            body, headers = json.dumps(body).encode(), {"Content-Type": "application/json", **(headers or {})}
        self.answers[(service, method, path)] = responder or (status, body, headers or {})

    def __call__(self, environ, start_response):
        request = Request(environ)
        service, _, rest = request.path.lstrip("/").partition("/")
        files = {name: (f.filename, f.read()) for name, f in request.files.items()}
        seen = Seen(service, request.method, "/" + rest, list(request.args.items(multi=True)),
                    dict(request.headers), request.get_data() if not files else b"", files)
        self.seen.append(seen)
        canned = self.answers.get((service, request.method, "/" + rest))
        if canned is None:
            canned = (404, b'{"error": {"code": "not_found", "message": "No.", "fields": {}}}',
                      {"Content-Type": "application/json"})
        elif callable(canned):
            canned = canned(seen)
        status, body, headers = canned
        response = Response(body, status)
        response.headers.update(headers)
        return response(environ, start_response)


@pytest.fixture(scope="module")
def upstream_server():
    fake = Upstream()
    server = make_server("127.0.0.1", 0, fake, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fake.url = f"http://127.0.0.1:{server.server_port}"
    yield fake
    server.shutdown()


@pytest.fixture
def upstream(upstream_server, settings, monkeypatch) -> Upstream:
    upstream_server.seen.clear()
    upstream_server.answers.clear()
    for name in SERVICES:
        monkeypatch.setitem(settings.service_urls, name, f"{upstream_server.url}/{name}")
    return upstream_server


@pytest.fixture
def api_user(runtime):
    user = accounts.create_user(runtime.sessions, "ada@example.com", "a long enough secret")
    return user, {"Authorization": f"Bearer {accounts.create_token(runtime.sessions, 'ada@example.com')}"}


def _fill(path: str) -> str:
    return path.replace("{id}", "7").replace("{item_id}", "3")


PROXIED = [r for r in all_routes() if r.service in SERVICES]


@pytest.mark.parametrize("route", PROXIED, ids=lambda r: f"{r.method} {r.path}")
def test_every_route_reaches_its_service_and_passes_the_answer_back(client, upstream, settings, api_user, route):
    user, bearer = api_user
    target = _fill(route.target or route.path)
    if route.kind == "download":
        upstream.answer(route.service, route.method, target, b"a,b\n1,2\n", route.status,
                        {"Content-Type": "text/csv; charset=utf-8",
                         "Content-Disposition": 'attachment; filename="x.csv"'})
    else:
        reply = b"" if route.status == 204 else {"answered": route.endpoint, "items": [{"id": 1}]}
        upstream.answer(route.service, route.method, target, reply, route.status)
    kwargs: dict = {"headers": bearer}
    if route.kind == "upload":
        kwargs["data"] = {"file": (io.BytesIO(b"company,role\nAcme,Engineer\n"), "apps.csv")}
    elif (route.method, route.path) in VALID_BODIES:
        kwargs["json"] = VALID_BODIES[(route.method, route.path)]
    elif route.method not in ("GET", "DELETE"):
        kwargs["json"] = {"anything": ["the service", "decides"]}

    response = client.open(PREFIX + _fill(route.path), method=route.method, **kwargs)

    assert [(s.service, s.method, s.path) for s in upstream.seen] == [(route.service, route.method, target)]
    seen = upstream.seen[0]
    assert verify_user_token(settings.internal_secret, seen.headers[HEADER.title()]) == user["id"]
    assert response.status_code == route.status
    if route.kind == "download":
        assert response.data == b"a,b\n1,2\n"
        assert response.headers["Content-Disposition"] == 'attachment; filename="x.csv"'
        assert response.mimetype == "text/csv"
    elif route.status == 204:
        assert response.data == b""
    else:
        assert response.json["answered"] == route.endpoint
    if "json" in kwargs and (route.method, route.path) not in VALID_BODIES:
        assert json.loads(seen.body) == kwargs["json"]


def test_query_strings_pass_through_and_known_ones_are_checked(client, upstream, api_user):
    upstream.answer("tracker", "GET", "/applications", {"items": []})
    response = client.get("/api/v1/applications?stage=applied,interview&company=Acme&tag=a&tag=b&limit=5",
                          headers=api_user[1])
    assert response.status_code == 200 and response.json == {"items": [], "next_cursor": None}
    assert sorted(upstream.seen[0].args) == sorted([("stage", "applied,interview"), ("company", "Acme"),
                                                    ("tag", "a"), ("tag", "b"), ("limit", "5")])
    refused = client.get("/api/v1/applications?stage=applied,dreaming", headers=api_user[1])
    assert refused.status_code == 422 and "stage" in refused.json["error"]["fields"]


def test_the_tracker_and_coach_settings_get_their_own_public_paths(client, upstream, api_user):
    upstream.answer("tracker", "PATCH", "/settings", {"auto_ghost": True})
    upstream.answer("coach", "GET", "/settings", {"timezone": "UTC"})
    assert client.patch("/api/v1/settings/tracker", json={"auto_ghost": True},
                        headers=api_user[1]).json == {"auto_ghost": True}
    assert client.get("/api/v1/settings/coach", headers=api_user[1]).json == {"timezone": "UTC"}
    assert [(s.service, s.method, s.path) for s in upstream.seen] == [
        ("tracker", "PATCH", "/settings"), ("coach", "GET", "/settings")]


def test_unread_count_passes_etag_and_if_none_match_through(client, upstream, api_user):
    def unread(seen: Seen):
        if seen.headers.get("If-None-Match") == '"n2"':
            return 304, b"", {"ETag": '"n2"'}
        return 200, b'{"count": 2}', {"Content-Type": "application/json", "ETag": '"n2"'}

    upstream.answer("notifier", "GET", "/notifications/unread_count", responder=unread)
    first = client.get("/api/v1/notifications/unread_count", headers=api_user[1])
    assert first.status_code == 200 and first.json == {"count": 2}
    assert first.headers["ETag"] == '"n2"'
    again = client.get("/api/v1/notifications/unread_count",
                       headers={**api_user[1], "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == '"n2"'


def test_import_passes_a_file_larger_than_the_usual_body_cap_through(client, upstream, api_user):
    csv = b"company,role\n" + b"Acme,Engineer\n" * 150_000  # about 2 MiB: above the app's 1 MiB cap
    upstream.answer("tracker", "POST", "/applications/import", {"dry_run": True, "rows": []})
    response = client.post("/api/v1/applications/import?dry_run=1", headers=api_user[1],
                           data={"file": (io.BytesIO(csv), "mine.csv")})
    assert response.status_code == 200 and response.json["dry_run"] is True
    seen = upstream.seen[0]
    assert seen.args == [("dry_run", "1")]
    assert seen.form_files == {"file": ("mine.csv", csv)}


def test_import_refuses_a_file_far_above_the_import_limit(client, upstream, settings, api_user):
    too_big = b"x" * (settings.import_max_bytes + 256 * 1024)
    response = client.post("/api/v1/applications/import", headers=api_user[1],
                           data={"file": (io.BytesIO(too_big), "huge.csv")})
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"
    assert upstream.seen == []


def test_other_bodies_keep_the_usual_cap(client, upstream, api_user):
    response = client.post("/api/v1/wins", headers=api_user[1], content_type="application/json",
                           data=b'{"title": "' + b"x" * (2 * 1024 * 1024) + b'"}')
    assert response.status_code == 413
    assert upstream.seen == []


def test_the_service_error_body_comes_back_unchanged(client, upstream, api_user):
    problem = {"error": {"code": "validation_failed", "message": "No.", "fields": {"target": ["Too big."]}}}
    upstream.answer("coach", "POST", "/goals", problem, 422)
    response = client.post("/api/v1/goals", json={"kind": "applications", "target": 9000}, headers=api_user[1])
    assert response.status_code == 422 and response.json == problem


def test_an_unexpected_non_json_answer_becomes_a_502_json_error(client, upstream, api_user):
    upstream.answer("coach", "GET", "/insights", b"<html>proxy error</html>", 502, {"Content-Type": "text/html"})
    response = client.get("/api/v1/insights", headers=api_user[1])
    assert response.status_code == 502
    assert response.json["error"]["code"] == "bad_reply"


def test_malformed_json_to_an_unchecked_route_gets_400(client, upstream, api_user):
    response = client.post("/api/v1/checkins", data="{mood: ", content_type="application/json",
                           headers=api_user[1])
    assert response.status_code == 400 and response.json["error"]["code"] == "malformed_json"
    assert upstream.seen == []


@pytest.mark.parametrize(("service", "method", "path"), [
    ("tracker", "GET", "/api/v1/stats"),
    ("tracker", "POST", "/api/v1/applications/import"),
    ("coach", "GET", "/api/v1/wins/export.md"),
    ("notifier", "GET", "/api/v1/notifications/unread_count"),
    ("notifier", "DELETE", "/api/v1/channels/4"),
])
def test_a_service_that_is_down_gets_503_json(client, settings, api_user, unreachable_url, monkeypatch,
                                              service, method, path):
    monkeypatch.setitem(settings.service_urls, service, unreachable_url)
    response = client.open(path, method=method, headers=api_user[1])
    assert response.status_code == 503
    assert response.json["error"]["code"] == "service_unavailable"


def test_every_proxied_route_needs_a_token(client, upstream):
    for route in PROXIED:
        response = client.open(PREFIX + _fill(route.path), method=route.method)
        assert response.status_code == 401, route
    assert upstream.seen == []


def test_the_openapi_document_is_valid_and_lists_every_route(client):
    response = client.get("/api/v1/openapi.json")  # no token needed: it holds no data
    assert response.status_code == 200
    document = response.json
    validate(document)
    listed = {(method.upper(), path) for path, item in document["paths"].items()
              for method in item if method != "parameters"}
    expected = {(r.method, PREFIX + r.path) for r in all_routes()}
    assert expected <= listed
    # and nothing is documented that the app does not serve
    served = {(m, str(rule)) for rule in client.application.url_map.iter_rules()
              if str(rule).startswith(PREFIX) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(m, p.replace("{id}", "<int:id>").replace("{item_id}", "<int:item_id>")
                   .replace("{token_id}", "<token_id>")) for m, p in listed}
    assert documented == served
    assert document["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
