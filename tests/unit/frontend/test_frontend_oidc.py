"""Single sign-on, end to end against a real OpenID Connect provider (oidc-provider-mock) on a free port.

Rebound runs in Flask's test client; the provider is a real HTTP server, so the
discovery, the token exchange and the ID token's signature and nonce checks
happen for real. The test plays the browser, carrying the redirects across.
"""
from __future__ import annotations

import dataclasses
import html
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from sqlalchemy import select

from frontend import accounts
from frontend.app import create_app
from frontend.models import ExternalIdentity

oidc_mock = pytest.importorskip("oidc_provider_mock")
BASE = "http://rebound.test"


@pytest.fixture(scope="module")
def provider():
    with oidc_mock.run_server_in_thread(port=0, require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


def _app(settings, runtime, provider, **changes):
    configured = dataclasses.replace(settings, base_url=BASE, oidc_issuer=provider, oidc_client_id="rebound",
                                     oidc_client_secret="client-secret-for-tests", **changes)
    app = create_app(configured, runtime)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def sso(settings, runtime, provider):
    return _app(settings, runtime, provider)


def provider_user(provider, sub: str, **claims) -> None:
    answer = requests.put(f"{provider}/users/{sub}", json=claims, timeout=10)
    assert answer.status_code == 204, answer.text


def _with_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    query[name] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


def sign_in(client, sub: str, tamper=None, back=None):
    """Rebound's button, the provider's consent form, and back to Rebound's callback."""
    start = client.get("/login/oidc")
    assert start.status_code == 302, start.get_data(as_text=True)
    authorize = start.headers["Location"]
    if tamper:
        authorize = tamper(authorize)
    consent = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert consent.status_code == 302, consent.text
    callback = consent.headers["Location"]
    assert callback.startswith(f"{BASE}/login/oidc/callback?")
    if back:
        callback = back(callback)
    return client.get(callback[len(BASE):])


def _identities(runtime) -> list[tuple[str, str]]:
    with runtime.sessions() as session:
        return [(r.subject, r.user_id) for r in session.scalars(select(ExternalIdentity))]


def test_a_first_sign_in_makes_the_account(sso, runtime, provider):
    provider_user(provider, "sub-noor", email="Noor@Example.com", email_verified=True, name="Noor")
    client = sso.test_client()
    answer = sign_in(client, "sub-noor")
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    me = client.get("/api/v1/account").get_json()
    assert (me["email"], me["display_name"]) == ("noor@example.com", "Noor")
    assert _identities(runtime) == [("sub-noor", me["id"])]
    assert accounts.authenticate(runtime.sessions, "noor@example.com", "") is None  # no password to guess
    settings_page = html.unescape(client.get("/settings").get_data(as_text=True))
    assert "You sign in through your sign-in provider" in settings_page
    assert 'name="current_password"' not in settings_page
    again = sso.test_client()
    assert sign_in(again, "sub-noor").status_code == 302
    assert again.get("/api/v1/account").get_json()["id"] == me["id"]


def test_a_verified_email_links_the_existing_account(sso, runtime, provider):
    ada = accounts.create_user(runtime.sessions, "ada@example.com", "a long enough secret")
    provider_user(provider, "sub-ada", email="ada@example.com", email_verified=True)
    client = sso.test_client()
    assert sign_in(client, "sub-ada").status_code == 302
    assert client.get("/api/v1/account").get_json()["id"] == ada["id"]
    assert _identities(runtime) == [("sub-ada", ada["id"])]
    # Once linked, the provider's subject is what counts, even if the address there changes.
    provider_user(provider, "sub-ada", email="ada@elsewhere.example", email_verified=True)
    later = sso.test_client()
    assert sign_in(later, "sub-ada").status_code == 302
    assert later.get("/api/v1/account").get_json()["id"] == ada["id"]


@pytest.mark.parametrize("verified", [False, None, "no"])
def test_an_unverified_email_is_refused(sso, runtime, provider, verified):
    accounts.create_user(runtime.sessions, "bea@example.com", "a long enough secret")
    claims = {"email": "bea@example.com"} | ({} if verified is None else {"email_verified": verified})
    provider_user(provider, f"sub-mallory-{verified}", **claims)
    client = sso.test_client()
    answer = sign_in(client, f"sub-mallory-{verified}")
    assert answer.status_code == 403
    assert "hasn't confirmed your e-mail" in html.unescape(answer.get_data(as_text=True))
    assert client.get("/api/v1/account").status_code == 401
    assert _identities(runtime) == []


def test_a_wrong_state_is_refused(sso, runtime, provider):
    provider_user(provider, "sub-cy", email="cy@example.com", email_verified=True)
    client = sso.test_client()
    answer = sign_in(client, "sub-cy", back=lambda url: _with_param(url, "state", "forged-state"))
    assert answer.status_code == 400
    assert client.get("/api/v1/account").status_code == 401
    assert _identities(runtime) == []


def test_a_wrong_nonce_is_refused(sso, runtime, provider):
    provider_user(provider, "sub-dee", email="dee@example.com", email_verified=True)
    client = sso.test_client()
    answer = sign_in(client, "sub-dee", tamper=lambda url: _with_param(url, "nonce", "replayed-nonce"))
    assert answer.status_code == 400
    assert client.get("/api/v1/account").status_code == 401
    assert _identities(runtime) == []


def test_a_callback_carried_to_another_browser_is_refused(sso, runtime, provider):
    # Someone who gets a person's callback link (or plants theirs on the person) gains nothing:
    # the state it names lives only in the cookie of the browser that started the sign-in.
    provider_user(provider, "sub-eve", email="eve@example.com", email_verified=True)
    started, other = sso.test_client(), sso.test_client()
    carried = {}
    sign_in(started, "sub-eve", back=lambda url: carried.setdefault("url", url) and f"{BASE}/login")
    answer = other.get(carried["url"][len(BASE):])
    assert answer.status_code == 400
    assert other.get("/api/v1/account").status_code == 401
    assert _identities(runtime) == []


def test_signing_out_ends_both_sessions(sso, runtime, provider):
    provider_user(provider, "sub-fay", email="fay@example.com", email_verified=True)
    client = sso.test_client()
    assert sign_in(client, "sub-fay").status_code == 302
    copied = sso.test_client()
    copied.set_cookie("rebound_session", client.get_cookie("rebound_session").value)
    page = client.get("/settings")
    token = page.get_data(as_text=True).split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    out = client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 302
    target = urlsplit(out.headers["Location"])
    assert f"{target.scheme}://{target.netloc}" == provider and target.path.endswith("/end_session")
    query = parse_qs(target.query)
    assert query["id_token_hint"] and query["post_logout_redirect_uri"] == [f"{BASE}/login"]
    assert copied.get("/api/v1/account").status_code == 401
    csp = client.get("/login").headers["Content-Security-Policy"]
    assert f"form-action 'self' {provider}" in csp  # the browser may follow sign-out to the provider


def test_local_login_can_be_switched_off(settings, runtime, provider):
    app = _app(settings, runtime, provider, local_login=False)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert 'name="password"' not in page and "Sign in with single sign-on" in page
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0] if "csrf_token" in page else None
    accounts.create_user(runtime.sessions, "gus@example.com", "a long enough secret")
    refused = client.post("/login", data={"email": "gus@example.com", "password": "a long enough secret",
                                          "csrf_token": token or ""})
    assert refused.status_code == 403
    assert client.get("/password/forgot").status_code == 404
    assert 'name="password"' not in client.get("/register").get_data(as_text=True)


def test_the_button_label_is_configurable(settings, runtime, provider):
    app = _app(settings, runtime, provider, oidc_button_label="Sign in with Authentik")
    assert "Sign in with Authentik" in app.test_client().get("/login").get_data(as_text=True)
