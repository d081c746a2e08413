"""What the servers enforce, and the headers they answer with.

A value of the wrong type (`0` for a boolean, `null` for a limit) is refused,
never coerced; an id no column can hold is 404 whatever the method; every 405
says which methods the path takes (`Allow`); pages carry `Permissions-Policy`,
and HSTS when the base URL is https; no answer names a server version.
"""
from __future__ import annotations

import re

import pytest

from frontend.app import create_app
from shared.config import load_settings
from shared.runtime import Runtime
from rebound.migrations import migrate_service
from tests.security.conftest import SERVICES

HUGE_ID = str(2**63 + 5)


@pytest.mark.parametrize(("service", "path", "body", "field"), [
    ("tracker", "/settings", {"auto_ghost": 0}, "auto_ghost"),
    ("tracker", "/settings", {"auto_ghost": "yes"}, "auto_ghost"),
    ("tracker", "/settings", {"auto_ghost": None}, "auto_ghost"),
    ("notifier", "/preferences", {"share_good_news": 0}, "share_good_news"),
    ("notifier", "/preferences", {"nudges_enabled": "true"}, "nudges_enabled"),
])
def test_type_mismatched_and_null_values_are_refused(make_service, service, path, body, field):
    svc = make_service(service)
    answer = svc.call("PATCH", path, json=body)
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert field in answer.get_json()["error"]["fields"]


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("value", ["null", "", "0", "1001", "1e3"])
def test_limit_must_be_a_number_in_bounds(make_service, service, value):
    svc = make_service(service)
    path = {"tracker": "/applications", "coach": "/reflections", "notifier": "/notifications",
            "mailbox": "/proposals"}[service]
    answer = svc.get(f"{path}?limit={value}")
    assert answer.status_code == 422 and "limit" in answer.get_json()["error"]["fields"]


def _filled(rule, value: str) -> str:
    path = rule.rule
    while "<" in path:
        start, end = path.index("<"), path.index(">", path.index("<"))
        converter = path[start + 1:end]
        filler = converter[4:].split(",")[0].strip(" '\"") if converter.startswith("any(") else value
        path = path[:start] + filler + path[end + 1:]
    return path


@pytest.mark.parametrize("service", SERVICES)
def test_an_id_no_column_can_hold_is_not_found_whatever_the_method(make_service, service):
    svc = make_service(service)
    wrong = []
    for rule in svc.app.url_map.iter_rules():
        if not any(a for a in rule.arguments if rule._converters[a].__class__.__name__ == "RowIdConverter"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            answer = svc.call(method, _filled(rule, HUGE_ID), json={})
            if answer.status_code != 404:
                wrong.append(f"{method} {rule.rule}: {answer.status_code}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("service", SERVICES)
def test_every_405_says_which_methods_are_allowed(make_service, service):
    svc = make_service(service)
    checked = 0
    for rule in svc.app.url_map.iter_rules():
        missing = sorted({"GET", "POST", "PUT", "PATCH", "DELETE"} - rule.methods)
        if not missing or rule.endpoint in ("healthz", "readyz"):
            continue
        answer = svc.call(missing[0], _filled(rule, "1"), json={})
        if answer.status_code != 405:
            continue  # another rule owns that method on this path
        allowed = {m.strip() for m in answer.headers.get("Allow", "").split(",") if m.strip()}
        assert allowed >= (rule.methods - {"HEAD", "OPTIONS"}), f"{missing[0]} {rule.rule}: Allow {allowed}"
        checked += 1
    assert checked >= 3


@pytest.fixture
def frontend(tmp_path, monkeypatch):
    def build(base_url: str):
        for name in ("REBOUND_DATA_DIR", "REBOUND_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("REBOUND_DATA_DIR", str(tmp_path))
        monkeypatch.setenv("REBOUND_BASE_URL", base_url)
        settings = load_settings()
        migrate_service("frontend", settings)
        runtime = Runtime.build("frontend", settings)
        return create_app(settings, runtime).test_client()
    return build


def test_pages_carry_a_permissions_policy_and_hsts_only_over_https(frontend):
    plain = frontend("http://127.0.0.1:8000")
    for path in ("/login", "/api/v1/openapi.json", "/healthz", "/nowhere"):
        answer = plain.get(path)
        assert "camera=()" in answer.headers.get("Permissions-Policy", ""), path
        assert "Strict-Transport-Security" not in answer.headers, path
    secure = frontend("https://rebound.example.org")
    hsts = secure.get("/login").headers.get("Strict-Transport-Security", "")
    assert re.fullmatch(r"max-age=\d{7,}(; includeSubDomains)?", hsts), hsts


def test_the_frontend_405_carries_allow(frontend):
    client = frontend("http://127.0.0.1:8000")
    answer = client.put("/api/v1/openapi.json")
    assert answer.status_code == 405
    assert "GET" in answer.headers.get("Allow", "")
