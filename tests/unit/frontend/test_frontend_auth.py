"""Registering, signing in and out, the session cookie and CSRF."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from frontend.app import create_app
from frontend.models import User
from shared.config import load_settings
from shared.tables import outbox


def test_register_signs_in_and_greets_by_name(client, auth):
    response = auth.register(display_name="Ada")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Hello, Ada" in page
    assert "Welcome to Rebound" in page


def test_register_writes_exactly_one_user_registered_event(auth, runtime):
    auth.register(email="Ada@Example.com")
    with runtime.sessions() as session:
        user = session.scalars(select(User)).one()
        rows = session.execute(select(outbox)).all()
    assert [row.event_type for row in rows] == ["user.registered"]
    assert rows[0].payload["user_id"] == user.id
    assert rows[0].payload["data"]["email"] == "ada@example.com"
    assert user.password_hash.startswith("$argon2")


def test_a_taken_email_is_told_by_mail_not_on_the_page(client, auth):
    # The page must not tell a stranger which addresses have accounts (issue 15, finding 4).
    auth.register()
    auth.logout()
    response = auth.register(email="ADA@example.com")
    assert response.status_code == 200
    assert "Check your inbox" in response.get_data(as_text=True)
    assert "already" not in response.get_data(as_text=True)


def test_short_password_is_explained(auth):
    response = auth.register(password="short")
    assert response.status_code == 422
    assert "at least 8 characters" in response.get_data(as_text=True)


def test_login_with_the_wrong_password_is_refused_kindly(client, auth):
    auth.register()
    auth.logout()
    response = auth.login(password="not the password")
    assert response.status_code == 401
    assert "don't match" in html.unescape(response.get_data(as_text=True))
    assert client.get("/").status_code == 302


def test_logout_then_login_again(client, auth):
    auth.register()
    assert auth.logout().headers["Location"] == "/login"
    assert client.get("/").headers["Location"] == "/login"
    assert auth.login().headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_login_starts_a_fresh_session(client, auth):
    auth.register()
    auth.logout()
    token_before = auth.csrf()
    auth.login()
    assert auth.csrf() != token_before


def test_session_cookie_is_httponly_and_lax(auth):
    response = auth.register()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_behind_https(settings, runtime, monkeypatch):
    monkeypatch.setenv("REBOUND_BASE_URL", "https://rebound.example.org")
    app = create_app(load_settings(), runtime)
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_a_form_without_the_session_csrf_token_is_refused(client, runtime, token):
    client.get("/register")
    data = {"email": "ada@example.com", "password": "a long enough secret"}
    if token:
        data["csrf_token"] = token
    response = client.post("/register", data=data)
    assert response.status_code == 403
    assert "expired" in response.get_data(as_text=True)
    with runtime.sessions() as session:
        assert session.scalar(select(User.id)) is None


def test_htmx_sends_the_csrf_token_as_a_header(client, signed_in, services):
    services.reply("notifier", "POST", "/notifications/7/read", {"id": 7})
    url = "/notifications/7/read"
    refused = client.post(url, headers={"HX-Request": "true"})
    accepted = client.post(url, headers={"HX-Request": "true", "X-CSRF-Token": signed_in.csrf()})
    assert refused.status_code == 403
    assert refused.headers["HX-Retarget"] == "#notices"
    assert accepted.status_code == 200
    assert len(services.calls_to("notifier", "POST")) == 1


def test_the_csrf_token_reaches_htmx_through_hx_headers_on_body(client, signed_in):
    page = client.get("/").get_data(as_text=True)
    assert f'<body hx-headers=\'{{"X-CSRF-Token": "{signed_in.csrf()}"}}\'>' in page


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/"), ("get", "/reflections"), ("get", "/notifications"),
])
def test_pages_need_sign_in(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_an_htmx_poll_after_sign_out_is_sent_to_the_login_page(client):
    response = client.get("/reflections", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login"
