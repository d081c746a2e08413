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


STRANGER = "198.51.100.4"


def _from(auth, address: str, password: str = WRONG, email: str = "ada@example.com", client=None):
    client = client or auth.client
    return client.post("/login", data={"email": email, "password": password, "csrf_token": auth.csrf()},
                       environ_base={"REMOTE_ADDR": address})


def test_a_stranger_guessing_cannot_lock_the_owner_out(member, clock, app):
    stranger = app.test_client()
    stranger_auth = type(member)(stranger)
    answers = [_from(stranger_auth, STRANGER).status_code for _ in range(12)]
    assert answers[:ratelimit.FREE_TRIES] == [401] * ratelimit.FREE_TRIES
    assert 429 in answers  # the stranger is slowed down...
    assert member.login().status_code == 302  # ...and the owner, elsewhere, is not


def test_delays_grow_with_each_failure_from_one_address(member, clock):
    for _ in range(ratelimit.FREE_TRIES):
        assert member.login(password=WRONG).status_code == 401
    paused = member.login(password=WRONG)
    assert paused.status_code == 429
    assert paused.headers["Retry-After"] == str(ratelimit.FIRST_DELAY_S)
    assert "try again in about a minute" in html.unescape(paused.get_data(as_text=True))
    clock.now += timedelta(seconds=ratelimit.FIRST_DELAY_S + 1)
    assert member.login(password=WRONG).status_code == 401
    assert member.login(password=WRONG).headers["Retry-After"] == str(2 * ratelimit.FIRST_DELAY_S)
    assert [ratelimit.delay_after(n) for n in range(3, 11)] == [15, 30, 60, 120, 240, 480, 900, 900]


def test_the_owners_own_browser_gets_through_with_the_right_password(member, clock, app):
    assert member.login().status_code == 302  # this browser is now a known device
    member.logout()
    stranger_auth = type(member)(app.test_client())
    for _ in range(ratelimit.FREE_TRIES + 1):
        _from(stranger_auth, "127.0.0.1")  # same address, e.g. one home network
    assert _from(stranger_auth, "127.0.0.1", password="a long enough secret").status_code == 429
    assert member.login(password=WRONG).status_code == 429  # a known device still can't guess
    assert member.login().status_code == 302


def test_a_successful_sign_in_clears_the_count_for_that_address(member, clock):
    for _ in range(ratelimit.FREE_TRIES - 1):
        member.login(password=WRONG)
    assert member.login().status_code == 302
    member.logout()
    for _ in range(ratelimit.FREE_TRIES):
        assert member.login(password=WRONG).status_code == 401


def test_the_owner_hears_once_when_their_account_is_being_guessed(member, clock, app, settings):
    import email as email_lib
    from email import policy
    stranger_auth = type(member)(app.test_client())
    for n in range(ratelimit.ALERT_AFTER + 5):
        _from(stranger_auth, f"203.0.113.{n}")
    app.extensions["rebound.mail"].wait()
    mails = [email_lib.message_from_bytes(p.read_bytes(), policy=policy.default)
             for p in (settings.data_dir / "mail").glob("*.eml")]
    warnings = [m for m in mails if "trying to sign in" in m["Subject"]]
    assert len(warnings) == 1
    assert warnings[0]["To"] == "ada@example.com"
    assert "203.0.113" not in warnings[0].as_string()


def test_guessing_at_an_address_with_no_account_sends_nothing(auth, clock, app, settings):
    for n in range(ratelimit.ALERT_AFTER + 1):
        _from(auth, f"203.0.113.{n}", email="nobody@example.com")
    app.extensions["rebound.mail"].wait()
    assert not list((settings.data_dir / "mail").glob("*.eml"))


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
