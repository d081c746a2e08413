"""Input built to break parsers gets a 422 naming the field, never a 500.

Every JSON route of every service is read from its app's url_map and sent
deeply nested JSON, a lone surrogate and a NUL character; every route is
asked with a NUL in its query string. CSV files with a NUL far into them or
an unclosed quote are refused the same way by the dry run and the import,
on PostgreSQL (which refuses NUL in text) when it is there.
"""
from __future__ import annotations

import io

import pytest

from shared.auth import HEADER
from tests.security.conftest import SERVICES

NESTED = b"[" * 50_000 + b"]" * 50_000
HOSTILE_BODIES = {
    "deeply nested": (NESTED, "_schema"),
    "nested object": (b'{"company": ' + b'{"a": ' * 200 + b"1" + b"}" * 200 + b"}", "company"),
    "lone surrogate": (b'{"company": "Acme \\ud800", "role": "Engineer"}', "company"),
    "surrogate in a list": (b'{"tags": ["ok", "\\udfff"]}', "tags.1"),
    "NUL character": (b'{"company": "Acme\\u0000", "role": "Engineer"}', "company"),
}
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def _filled(rule) -> str:
    """The rule with every placeholder filled: 1 for ids, the first choice of any(...)."""
    path = rule.rule
    while "<" in path:
        start, end = path.index("<"), path.index(">", path.index("<"))
        converter = path[start + 1:end]
        value = converter[4:].split(",")[0].strip() if converter.startswith("any(") else "1"
        path = path[:start] + value + path[end + 1:]
    return path


def _unsafe_rules(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & set(UNSAFE)):
            yield rule, method


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("kind", sorted(HOSTILE_BODIES))
def test_every_json_route_refuses_hostile_bodies_with_422(make_service, service, kind):
    svc = make_service(service)
    body, field = HOSTILE_BODIES[kind]
    problems, checked = [], 0
    for rule, method in _unsafe_rules(svc.app):
        answer = svc.call(method, _filled(rule), data=body, headers={"Content-Type": "application/json"})
        checked += 1
        error = (answer.get_json(silent=True) or {}).get("error") or {}
        if answer.status_code != 422 or field not in (error.get("fields") or {}):
            problems.append(f"{method} {rule.rule}: {answer.status_code} {answer.get_data(as_text=True)[:200]}")
    assert checked >= 5, f"only {checked} unsafe routes in {service}"
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_refuses_a_nul_in_the_query_string(make_service, service):
    svc = make_service(service)
    problems = []
    for rule in svc.app.url_map.iter_rules():
        if rule.endpoint in ("healthz", "readyz", "static"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            answer = svc.call(method, _filled(rule) + "?q=a%00b")
            fields = ((answer.get_json(silent=True) or {}).get("error") or {}).get("fields") or {}
            if answer.status_code != 422 or "q" not in fields:
                problems.append(f"{method} {rule.rule}: {answer.status_code}")
    assert problems == [], "\n".join(problems)


def _csv_upload(svc, content: bytes, dry_run: bool):
    return svc.client.post(f"/applications/import?dry_run={int(dry_run)}",
                           data={"file": (io.BytesIO(content), "jobs.csv")},
                           headers={HEADER: svc.token("alice")}, content_type="multipart/form-data")


def _rows(count: int) -> bytes:
    return b"company,role,applied on\n" + b"".join(
        f"Company {i},Engineer,2026-01-{1 + i % 28:02d}\n".encode() for i in range(count))


def _dry_run_and_import_agree(svc, content: bytes, *expected_words: str) -> dict:
    dry = _csv_upload(svc, content, dry_run=True)
    real = _csv_upload(svc, content, dry_run=False)
    assert dry.status_code == real.status_code == 422, (dry.status_code, real.status_code, real.get_data()[:300])
    assert dry.get_json() == real.get_json()
    error = real.get_json()["error"]
    assert "file" in error["fields"]
    for word in expected_words:
        assert word in error["message"], error["message"]
    assert svc.get("/applications").get_json()["items"] == [], "a refused file still created rows"
    return error


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker(request, make_service):
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_database")()
        return make_service("tracker", database_url=url)
    return make_service("tracker")


@pytest.mark.integration
def test_a_nul_deep_in_a_csv_is_refused_alike_by_the_dry_run_and_the_import(tracker):
    content = _rows(400)
    assert len(content) > 4096
    at = content.index(b"\n", 6000) + 1  # a row well past the first 4 KB
    line = content[:at].count(b"\n") + 1
    content = content[:at] + b"Nul\x00Corp,Engineer,2026-01-02\n" + content[at:]
    _dry_run_and_import_agree(tracker, content, f"line {line}")


@pytest.mark.integration
def test_an_unclosed_quote_names_its_line(tracker):
    content = _rows(30) + b'"Acme, Engineer,2026-01-02\n' + _rows(20).split(b"\n", 1)[1]
    line = _rows(30).count(b"\n") + 1
    _dry_run_and_import_agree(tracker, content, f"line {line}", "quote")


@pytest.mark.integration
def test_nul_in_json_and_queries_is_refused_on_postgresql(make_service, pg_database):
    svc = make_service("tracker", database_url=pg_database())
    answer = svc.post("/applications", {"company": "Acme\u0000", "role": "Engineer"})
    assert answer.status_code == 422 and "company" in answer.get_json()["error"]["fields"]
    answer = svc.get("/applications?q=a%00b")
    assert answer.status_code == 422 and "q" in answer.get_json()["error"]["fields"]
    assert svc.post("/applications", {"company": "Acme", "role": "Engineer"}).status_code == 201
