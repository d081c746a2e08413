"""Sign-in rate limiting (per e-mail and per address) and which client address is trusted."""
from __future__ import annotations

import dataclasses
import html
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from frontend import ratelimit
from frontend.app import create_app
from frontend.models import LoginAttempt

WRONG = "not the password at all"


class Clock:
    def __init__(self):
        self.now = datetime(2025, 3, 1, 9, 0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(app) -> Clock:
    fake = Clock()
    app.extensions[ratelimit.EXTENSION].clock = fake
    return fake


@pytest.fixture
def member(auth, clock):
    auth.register()
    auth.logout()
    return auth


def test_the_sixth_failed_sign_in_is_paused_with_retry_after(member, clock):
    for _ in range(ratelimit.MAX_PER_EMAIL):
        assert member.login(password=WRONG).status_code == 401
    paused = member.login(password=WRONG)
    assert paused.status_code == 429
    assert paused.headers["Retry-After"] == str(15 * 60)
    assert "try again in about 15 minutes" in html.unescape(paused.get_data(as_text=True))
    # the right password waits too: otherwise the pause would not stop guessing
    assert member.login().status_code == 429


def test_the_pause_ends_when_the_window_has_passed(member, clock):
    for _ in range(ratelimit.MAX_PER_EMAIL):
        member.login(password=WRONG)
    clock.now += timedelta(minutes=10)
    assert int(member.login(password=WRONG).headers["Retry-After"]) == 5 * 60
    clock.now += timedelta(minutes=5, seconds=1)
    assert member.login().status_code == 302


def test_a_successful_sign_in_resets_the_email_count(member, clock):
    for _ in range(ratelimit.MAX_PER_EMAIL - 1):
        member.login(password=WRONG)
    assert member.login().status_code == 302
    member.logout()
    for _ in range(ratelimit.MAX_PER_EMAIL):
        assert member.login(password=WRONG).status_code == 401
    assert member.login(password=WRONG).status_code == 429


def test_one_address_trying_many_accounts_is_paused(auth, clock, client):
    for n in range(ratelimit.MAX_PER_ADDRESS):
        assert auth.login(email=f"guess{n}@example.com", password=WRONG).status_code == 401
    assert auth.login(email="another@example.com", password=WRONG).status_code == 429
    elsewhere = client.post("/login", data={"email": "another@example.com", "password": WRONG,
                                            "csrf_token": auth.csrf()},
                            environ_base={"REMOTE_ADDR": "198.51.100.4"})
    assert elsewhere.status_code == 401


def _addresses(runtime) -> set[str]:
    with runtime.sessions() as session:
        return {k for k in session.scalars(select(LoginAttempt.key)) if k.startswith("ip:")}


def test_x_forwarded_for_is_ignored_by_default(auth, runtime, client):
    client.post("/login", data={"email": "a@example.com", "password": WRONG, "csrf_token": auth.csrf()},
                headers={"X-Forwarded-For": "203.0.113.9"})
    assert _addresses(runtime) == {"ip:127.0.0.1"}


def test_x_forwarded_for_is_trusted_when_a_proxy_is_configured(settings, runtime):
    app = create_app(dataclasses.replace(settings, proxy_fix_hops=1), runtime)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post("/login", data={"email": "a@example.com", "password": WRONG, "csrf_token": token},
                headers={"X-Forwarded-For": "203.0.113.9"})
    assert _addresses(runtime) == {"ip:203.0.113.9"}


def test_the_proxy_setting_reads_the_environment(monkeypatch, settings):
    from shared.config import load_settings

    assert settings.proxy_fix_hops == 0
    monkeypatch.setenv("REBOUND_PROXY_FIX_HOPS", "2")
    assert load_settings().proxy_fix_hops == 2
