"""Tenant isolation, route by route, read from each service's url_map.

For every route of every service: user B calling with user A's ids gets 404
and learns nothing; B's lists look exactly as they did before A had any data;
A's data is unchanged by everything B tried; and the same calls made by A
succeed (so the 404s are about ownership, not a bad path or body).
"""
from __future__ import annotations

import json

import pytest

from tests.security.tenants import BODIES, MARKER, SEEDERS, body_for, concrete_calls, owns_ids

ALICE, BOB = "alice", "bob"
SKIPPED = {"static", "healthz", "readyz", "tracker_openapi.openapi"}
# Calls without ids that act on "everything of mine": B making them must not touch A's rows.
BROAD_ACTIONS = {"notifier": [("POST", "/notifications/read_all", None)]}
VOLATILE_KEYS = {"generated_at"}
UNSAFE_ORDER = {"POST": 0, "PATCH": 1, "PUT": 1, "GET": 2, "DELETE": 3}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in SKIPPED:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def _views(svc, user: str, paths: list[str]) -> dict:
    """What `user` sees on every read route."""
    seen = {}
    for path in paths:
        response = svc.get(path, user=user)
        seen[path] = (response.status_code, _stable(response.get_data(as_text=True)))
    return seen


def _stable(text: str) -> str:
    """The answer without the moment it was made, so two reads can be compared."""
    try:
        body = json.loads(text)
    except ValueError:
        return text
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k not in VOLATILE_KEYS}
    return json.dumps(body, sort_keys=True)


def _read_paths(svc, service: str, ids: dict, with_ids: bool) -> list[str]:
    paths = []
    for rule, method in _routes(svc.app):
        if method == "GET" and owns_ids(rule) == with_ids:
            paths += [path for path, _ in concrete_calls(service, rule, ids)]
    return paths


def _id_calls(svc, service: str, ids: dict) -> list[tuple[str, str, dict | None]]:
    calls = []
    for rule, method in _routes(svc.app):
        if owns_ids(rule):
            for path, kind in concrete_calls(service, rule, ids):
                calls.append((method, path, body_for(service, rule.endpoint, kind)))
    # Deepest deletes first, so the owner's replay removes children before their parent.
    return sorted(calls, key=lambda c: (UNSAFE_ORDER[c[0]], -len(c[1]) if c[0] == "DELETE" else 0))


@pytest.mark.parametrize("service", sorted(SEEDERS))
def test_another_users_ids_are_not_found_and_lists_stay_private(make_service, service):
    svc = make_service(service)
    lists = _read_paths(svc, service, {}, with_ids=False)
    bob_before = _views(svc, BOB, lists)

    ids = SEEDERS[service](svc, ALICE)
    bob_after = _views(svc, BOB, lists)
    for path in lists:
        assert MARKER not in bob_after[path][1], f"{service} GET {path} shows A's data to B"
        assert bob_after[path] == bob_before[path], f"{service} GET {path}: B's answer changed when A added data"

    alice_paths = lists + _read_paths(svc, service, ids, with_ids=True)
    alice_before = _views(svc, ALICE, alice_paths)
    assert MARKER in "".join(body for _, body in alice_before.values()), "A's seeded rows are not visible to A"

    calls = _id_calls(svc, service, ids)
    assert calls, f"{service} has no id routes: the matrix read nothing"
    for method, path, body in calls:
        answer = svc.call(method, path, BOB, json=body)
        assert answer.status_code == 404, f"{service} {method} {path} as B: {answer.status_code}"
        assert MARKER not in answer.get_data(as_text=True)
    for method, path, body in BROAD_ACTIONS.get(service, []):
        assert svc.call(method, path, BOB, json=body).status_code < 400
    assert _views(svc, ALICE, alice_paths) == alice_before, f"{service}: B's calls changed A's data"

    for method, path, body in calls:
        answer = svc.call(method, path, ALICE, json=body)
        assert answer.status_code not in (401, 404) and answer.status_code < 500, (
            f"{service} {method} {path} as A: {answer.status_code} {answer.get_data(as_text=True)[:200]}")


def test_the_matrix_knowledge_names_real_routes(make_service):
    """Bodies kept for routes that no longer exist would hide a gap in the matrix."""
    endpoints = {(service, rule.endpoint) for service in SEEDERS
                 for rule in make_service(service).app.url_map.iter_rules()}
    assert set(BODIES) - endpoints == set()


@pytest.mark.parametrize("service", sorted(SEEDERS))
def test_ids_no_column_can_hold_are_not_found(make_service, service):
    svc = make_service(service)
    for rule, method in _routes(svc.app):
        if owns_ids(rule):
            path = next(concrete_calls(service, rule, _AnyId()))[0]
            answer = svc.call(method, path.replace("/1", f"/{2**64}"), ALICE, json={})
            # No route takes it: 404, or 405 when werkzeug saw the path under another method first.
            assert answer.status_code in (404, 405), f"{service} {method} {path}: {answer.status_code}"


class _AnyId(dict):
    """Every id is 1."""

    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        return 1
