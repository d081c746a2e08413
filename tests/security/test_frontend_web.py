"""The frontend's web defences: CSRF on every unsafe route, cookie flags, sign-in throttling,
session fixation, and a strict Content-Security-Policy on every page.

Runs the real frontend app in-process against the fake services of the
frontend's unit suite (their fixtures are imported below).
"""
from __future__ import annotations

import re

from werkzeug.routing import IntegerConverter

from tests.unit.frontend.conftest import (  # noqa: F401  (fixtures)
    app, auth, cheap_password_hashing, client, csrf_from, fake_server, runtime, services, settings, signed_in,
)

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# The one route whose URL carries its own signed permission (RFC 8058 one-click unsubscribe,
# POSTed by mail providers with no session): exempt by name, and nothing else may be.
SIGNED_LINK_ROUTES = {"mail_links.unsubscribe"}
SESSION_COOKIE = "rebound_session"


def _path(rule) -> str:
    values = {}
    for arg, converter in rule._converters.items():
        if hasattr(converter, "items"):
            values[arg] = sorted(converter.items)[0]
        elif isinstance(converter, IntegerConverter):
            values[arg] = 1
        else:
            values[arg] = "x"
    return rule.build(values, append_unknown=False)[1]


def _routes(app, methods, api: bool):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") != api:
            continue
        for method in sorted(set(methods) & rule.methods):
            yield method, _path(rule), rule.endpoint


def test_every_unsafe_page_route_needs_the_csrf_token(app, client, signed_in):
    token = signed_in.csrf()
    checked = 0
    for method, path, endpoint in _routes(app, UNSAFE, api=False):
        if endpoint in SIGNED_LINK_ROUTES:
            continue
        refused = client.open(path, method=method, data={"email": "ada@example.com"})
        assert refused.status_code == 403, f"{method} {path} ({endpoint}) without a CSRF token: {refused.status_code}"
        wrong = client.open(path, method=method, headers={"X-CSRF-Token": token[::-1]})
        assert wrong.status_code == 403, f"{method} {path} with a wrong CSRF token: {wrong.status_code}"
        checked += 1
    assert checked >= 25, f"only {checked} unsafe page routes found"
    # The right token gets past the check (what the view then answers does not matter here).
    assert client.post("/journal/checkin", headers={"X-CSRF-Token": token}, data={"mood": "3"}).status_code != 403


def test_only_the_signed_one_click_link_is_exempt_from_csrf_and_a_bad_token_changes_nothing(app, client, services):
    exempt = {name for name, view in app.view_functions.items() if getattr(view, "csrf_exempt", False)}
    assert exempt == SIGNED_LINK_ROUTES
    services.reply("notifier", "POST", "/public/mail/unsubscribe/forged",
                   {"error": {"code": "invalid", "message": "This link is not valid.", "fields": {}}}, status=410)
    assert client.post("/mail/unsubscribe/forged").status_code == 410


def test_every_unsafe_api_route_needs_the_csrf_token_when_using_the_session_cookie(app, client, signed_in):
    checked = 0
    for method, path, endpoint in _routes(app, UNSAFE, api=True):
        refused = client.open(path, method=method, json={})
        assert refused.status_code == 403, f"{method} {path} ({endpoint}) by cookie without CSRF: {refused.status_code}"
        assert refused.json["error"]["code"] == "csrf_failed"
        checked += 1
    assert checked >= 40, f"only {checked} unsafe API routes found"


def test_the_session_cookie_is_httponly_and_samesite(client, auth):
    response = auth.register()
    cookie = _set_cookie(response)
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_the_session_cookie_is_secure_when_served_over_https(settings, runtime, monkeypatch):
    from frontend.app import create_app
    from shared.config import load_settings

    monkeypatch.setenv("REBOUND_BASE_URL", "https://rebound.example.org")
    https_app = create_app(load_settings(), runtime)
    https_app.config["TESTING"] = True
    client = https_app.test_client()
    page = client.get("/register", base_url="https://rebound.example.org")
    assert "secure" in _set_cookie(page)


def _set_cookie(response) -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(SESSION_COOKIE + "=")]
    return cookie.lower()


def test_sign_in_is_throttled_after_repeated_failures(app, auth):
    from frontend.ratelimit import FREE_TRIES
    auth.register()
    auth.logout()
    stranger = type(auth)(app.test_client())  # not the browser the owner signed in from
    for _ in range(FREE_TRIES):
        assert stranger.login(password="not the password at all").status_code == 401
    throttled = stranger.login()  # even the right password waits now, from a browser we don't know
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert stranger.client.get("/", follow_redirects=False).status_code == 302  # still signed out


def test_signing_in_starts_a_new_session(app, client, auth):
    auth.register()
    auth.logout()
    before = csrf_from(client.get("/login"))
    planted = client.get_cookie(SESSION_COOKIE).value   # what an attacker could have planted
    assert auth.login().status_code == 302
    after = client.get_cookie(SESSION_COOKIE).value
    assert after != planted
    assert csrf_from(client.get("/settings")) != before
    attacker = app.test_client()
    attacker.set_cookie(SESSION_COOKIE, planted)
    assert attacker.get("/").status_code == 302, "the planted cookie became a signed-in session"


def test_every_page_carries_a_strict_content_security_policy(app, client, signed_in, services):
    services.reply("tracker", "GET", "/stats", {})
    services.reply("tracker", "GET", "/stats/stages", {})
    pages = 0
    for _, path, endpoint in _routes(app, ("GET",), api=False):
        response = client.get(path)
        policy = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, f"GET {path}: {policy!r}"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers.get("X-Content-Type-Options") == "nosniff"
        if response.mimetype == "text/html" and response.status_code == 200:
            pages += 1
            html = response.get_data(as_text=True)
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"GET {path} has an inline script"
            assert not re.search(r"\son[a-z]+=", html), f"GET {path} has an inline event handler"
    assert pages >= 5, f"only {pages} pages rendered"
