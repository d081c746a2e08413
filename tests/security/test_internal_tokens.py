"""Services answer only calls the frontend vouched for: every route, read from each url_map."""
from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner
from werkzeug.routing import IntegerConverter

from shared.auth import HEADER, MAX_AGE_S, sign_user_token
from tests.security.conftest import SERVICES, guarded_rules


def _path(rule) -> str:
    values = {}
    for arg, converter in rule._converters.items():
        values[arg] = sorted(converter.items)[0] if hasattr(converter, "items") else (
            1 if isinstance(converter, IntegerConverter) else "x")
    return rule.build(values, append_unknown=False)[1]


def _expired_token(secret: str, user: str, monkeypatch) -> str:
    signed_at = int(time.time()) - MAX_AGE_S - 5
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: signed_at)
        return sign_user_token(secret, user)


# A floor that catches a url_map read wrongly; the mailbox is a small service.
MIN_ROUTES = {"mailbox": 10}


@pytest.mark.parametrize("service", SERVICES)
def test_missing_expired_and_forged_tokens_are_refused_everywhere(make_service, monkeypatch, service):
    svc = make_service(service)
    secret = svc.runtime.settings.internal_secret
    bad_tokens = {
        "missing": None,
        "expired": _expired_token(secret, "alice", monkeypatch),
        "forged": sign_user_token("some-other-secret-entirely-0123456789", "alice"),
        "tampered": sign_user_token(secret, "alice")[:-2] + "xx",
        "no user": sign_user_token(secret, ""),
    }
    checked = 0
    for rule, method in guarded_rules(svc.app):
        path = _path(rule)
        for why, token in bad_tokens.items():
            headers = {HEADER: token} if token else {}
            answer = svc.call(method, path, user=None, headers=headers, json={})
            assert answer.status_code == 401, f"{service} {method} {path} with a {why} token: {answer.status_code}"
            assert answer.json["error"]["code"] == "unauthorized"
        # The same call with a good token gets past the check (whatever it then answers).
        assert svc.call(method, path, user="alice", json={}).status_code != 401
        checked += 1
    assert checked >= MIN_ROUTES.get(service, 15), f"{service}: only {checked} routes found"


def test_only_health_and_the_api_document_are_open(make_service):
    for service in SERVICES:
        svc = make_service(service)
        open_routes = {rule.rule for rule in svc.app.url_map.iter_rules()} - {
            rule.rule for rule, _ in guarded_rules(svc.app)}
        assert open_routes <= {"/healthz", "/readyz", "/openapi.json"}, f"{service}: {open_routes}"
        for path in open_routes:
            assert svc.get(path, user=None).status_code in (200, 503)
