"""Finding 4: REBOUND_SIGNUP=open|invite|closed, invitations, no telling which addresses exist, throttled."""
from __future__ import annotations

import dataclasses
import email as email_lib
import html
import re
from email import policy

import pytest
from sqlalchemy import func, select

from frontend import accounts, signups
from frontend.app import create_app
from frontend.models import User
from tests.unit.frontend.conftest import csrf_from

PASSWORD = "a long enough secret"


def _mails(settings, to: str) -> list:
    folder = settings.data_dir / "mail"
    found = [email_lib.message_from_bytes(p.read_bytes(), policy=policy.default)
             for p in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime)] if folder.exists() else []
    return [m for m in found if m["To"] == to]


def _body(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


def _users(runtime) -> int:
    with runtime.sessions() as session:
        return session.scalar(select(func.count()).select_from(User))


def _app(settings, runtime, mode):
    app = create_app(dataclasses.replace(settings, signup=mode), runtime)
    app.config["TESTING"] = True
    return app


def _sign_up(client, email="ada@example.com", password=PASSWORD, **extra):
    client.get("/register" + extra.pop("query", ""))
    token = csrf_from(client.get("/login"))  # the refusing pages have no form
    return client.post("/register", data={"email": email, "password": password, "display_name": "Ada",
                                          "timezone": "UTC", "csrf_token": token, **extra})


def test_open_sign_up_answers_the_same_for_a_taken_address(app, client, runtime, settings):
    accounts.create_user(runtime.sessions, "taken@example.com", PASSWORD)
    fresh = _sign_up(client, "new@example.com")
    taken = _sign_up(client, "taken@example.com")
    assert fresh.status_code == taken.status_code == 200
    strip = re.compile(r'name="csrf_token" value="[^"]+"|new@example.com|taken@example.com')
    assert strip.sub("", fresh.get_data(as_text=True)) == strip.sub("", taken.get_data(as_text=True))
    assert client.get("/api/v1/account").status_code == 401  # nobody signed in yet
    app.extensions["rebound.mail"].wait()
    [confirm] = _mails(settings, "new@example.com")
    [explain] = _mails(settings, "taken@example.com")
    assert "/register/confirm/" in _body(confirm)
    assert "already has an account" in _body(explain) and "/register/confirm/" not in _body(explain)
    assert _users(runtime) == 1


def test_the_confirmation_link_makes_the_account_once(app, client, runtime, settings):
    _sign_up(client)
    app.extensions["rebound.mail"].wait()
    link = re.search(r"/register/confirm/\S+", _body(_mails(settings, "ada@example.com")[0])).group(0)
    page = client.get(link)
    assert page.status_code == 200 and _users(runtime) == 0  # a link preview alone makes nothing
    done = client.post(link, data={"csrf_token": csrf_from(page)})
    assert done.status_code == 302
    assert client.get("/api/v1/account").get_json()["email"] == "ada@example.com"
    again = client.post(link, data={"csrf_token": csrf_from(client.get(link))})
    assert again.status_code == 400
    assert _users(runtime) == 1


def test_invite_mode_needs_an_invitation(settings, runtime):
    client = _app(settings, runtime, "invite").test_client()
    page = client.get("/register")
    assert "invitation" in html.unescape(page.get_data(as_text=True))
    refused = _sign_up(client)
    assert refused.status_code == 403
    assert _users(runtime) == 0


def test_an_invitation_makes_the_account_at_once_and_only_once(settings, runtime):
    client = _app(settings, runtime, "invite").test_client()
    token = signups.invite(runtime.sessions, "Invited@Example.com")
    page = client.get(f"/register?invite={token}")
    assert "invited@example.com" in page.get_data(as_text=True)
    made = _sign_up(client, "someone-else@example.com", invite=token, query=f"?invite={token}")
    assert made.status_code == 302
    assert client.get("/api/v1/account").get_json()["email"] == "invited@example.com"
    other = _app(settings, runtime, "invite").test_client()
    assert _sign_up(other, "x@example.com", invite=token, query=f"?invite={token}").status_code == 403


def test_closed_mode_makes_no_accounts(settings, runtime):
    client = _app(settings, runtime, "closed").test_client()
    assert "closed" in client.get("/register").get_data(as_text=True)
    assert _sign_up(client).status_code == 403
    token = signups.invite(runtime.sessions, "ada@example.com")
    assert _sign_up(client, invite=token, query=f"?invite={token}").status_code == 403
    assert _users(runtime) == 0


def test_sign_ups_are_throttled_per_address(app, client):
    answers = [_sign_up(client, f"person{n}@example.com").status_code for n in range(12)]
    assert answers[:5] == [200] * 5
    assert answers[-1] == 429
    other = app.test_client()
    token = csrf_from(other.get("/register"))
    elsewhere = other.post("/register", data={"email": "late@example.com", "password": PASSWORD,
                                              "timezone": "UTC", "csrf_token": token},
                           environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert elsewhere.status_code == 200


def test_rebound_users_invite_mails_a_link(runtime, settings, monkeypatch, capsys):
    from rebound import cli
    assert cli.main(["users", "invite", "bea@example.com"]) == 0
    out = capsys.readouterr().out
    assert "/register?invite=" in out
    mails = _mails(settings, "bea@example.com")
    assert len(mails) == 1 and "/register?invite=" in _body(mails[0])
    assert "invite" in mails[0]["Subject"].lower()
    accounts.create_user(runtime.sessions, "cy@example.com", PASSWORD)
    assert cli.main(["users", "invite", "cy@example.com"]) == 2
    assert "already has an account" in capsys.readouterr().err


def test_signup_mode_is_read_from_the_environment(monkeypatch, settings):
    from shared.config import ConfigError, load_settings
    assert settings.signup == "open"
    monkeypatch.setenv("REBOUND_SIGNUP", "invite")
    assert load_settings().signup == "invite"
    monkeypatch.setenv("REBOUND_SIGNUP", "sometimes")
    with pytest.raises(ConfigError, match="REBOUND_SIGNUP"):
        load_settings()


def test_the_test_helper_signs_up_through_the_mail(auth):
    assert auth.register().status_code == 302
    assert auth.client.get("/api/v1/account").status_code == 200


def test_nothing_typed_reaches_a_mail_header(app, client, settings):
    sneaky = "Eve\r\nBcc: victim@example.com\r\nSubject: you won"
    _sign_up(client, "new@example.com", display_name=sneaky)
    app.extensions["rebound.mail"].wait()
    [mail] = _mails(settings, "new@example.com")
    headers = "".join(f"{name}: {value}\n" for name, value in mail.items())
    assert "Eve" not in headers and "victim" not in headers and "you won" not in headers
    assert mail["Subject"] == "Confirm your e-mail to finish signing up for Rebound"
