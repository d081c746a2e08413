"""Finding 2: change a password on Settings, reset it by e-mail, set it from the CLI; NIST 800-63B rules."""
from __future__ import annotations

import email
import html
import re
from email import policy

import pytest

from frontend import accounts, passwords, password_reset

OLD = "a long enough secret"
NEW = "correct horse battery staple"


def _mails(settings) -> list:
    """The password-reset mails written so far."""
    folder = settings.data_dir / "mail"
    found = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
             for p in sorted(folder.glob("*.eml"))] if folder.exists() else []
    return [m for m in found if "reset" in m["Subject"]]


def _text(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize("password, reason", [
    ("short", "at least 8"),
    ("ada@example.com", "e-mail"),
    ("password1", "common"),
    ("iloveyou", "common"),
    ("Password123", "common"),
])
def test_weak_passwords_are_refused(password, reason):
    with pytest.raises(passwords.PasswordRefused, match=reason):
        passwords.check(password, "ada@example.com")


def test_long_passphrases_with_any_characters_are_welcome():
    passwords.check("the quick brown fox, in a small boat — 🚣 " * 10, "ada@example.com")
    assert len(passwords.common_passwords()) >= 5000


def test_registration_refuses_a_common_password(auth):
    answer = auth.register(password="password1")
    assert answer.status_code == 422
    assert "common" in html.unescape(answer.get_data(as_text=True))


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(app, signed_in):
    other = app.test_client()
    assert type(signed_in)(other).login().status_code == 302
    wrong = signed_in.client.post("/settings/password", data={
        "current_password": "not it", "new_password": NEW, "csrf_token": signed_in.csrf()})
    assert wrong.status_code == 422
    assert "current password" in html.unescape(wrong.get_data(as_text=True))
    changed = signed_in.client.post("/settings/password", data={
        "current_password": OLD, "new_password": NEW, "csrf_token": signed_in.csrf()})
    assert changed.status_code == 302
    assert other.get("/api/v1/account").status_code == 401
    assert signed_in.client.get("/api/v1/account").status_code == 200
    signed_in.logout()
    assert signed_in.login(password=OLD).status_code == 401
    assert signed_in.login(password=NEW).status_code == 302


def test_a_reset_mail_works_once_within_an_hour(app, client, auth, settings):
    auth.register()
    auth.logout()
    answer = client.post("/password/forgot", data={"email": "ADA@example.com", "csrf_token": auth.csrf()})
    assert answer.status_code == 200
    app.extensions["rebound.mail"].wait()
    [mail] = _mails(settings)
    assert mail["To"] == "ada@example.com"
    link = re.search(r"https?://\S+/password/reset/\S+", _text(mail)).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    done = client.post("/" + path, data={"new_password": NEW, "csrf_token": auth.csrf()})
    assert done.status_code == 302
    again = client.post("/" + path, data={"new_password": "another fine passphrase", "csrf_token": auth.csrf()})
    assert again.status_code == 400  # used: the password it was made for has changed
    auth.logout()
    assert auth.login(password=NEW).status_code == 302


def test_a_reset_link_expires_after_an_hour(runtime, settings, auth):
    auth.register()
    user = accounts.authenticate(runtime.sessions, "ada@example.com", OLD)
    assert password_reset.token_for_email(runtime.sessions, settings.secret_key, "nobody@example.com") is None
    user_id, token = password_reset.token_for_email(runtime.sessions, settings.secret_key, "ada@example.com")
    assert user_id == user["id"]
    assert password_reset.user_for_token(runtime.sessions, settings.secret_key, token) == user["id"]
    later = password_reset.user_for_token(runtime.sessions, settings.secret_key, token, max_age=-1)
    assert later is None
    assert password_reset.user_for_token(runtime.sessions, settings.secret_key, token + "x") is None


def test_forgot_answers_the_same_for_an_unknown_address(app, client, auth, settings):
    auth.register()
    auth.logout()
    known = client.post("/password/forgot", data={"email": "ada@example.com", "csrf_token": auth.csrf()})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.com", "csrf_token": auth.csrf()})
    assert known.status_code == unknown.status_code == 200
    strip = re.compile(r'name="csrf_token" value="[^"]+"')
    assert strip.sub("", known.get_data(as_text=True)) == strip.sub("", unknown.get_data(as_text=True))
    app.extensions["rebound.mail"].wait()
    assert [m["To"] for m in _mails(settings)] == ["ada@example.com"]


def test_the_operator_sets_a_password_from_stdin(runtime, settings, monkeypatch, capsys, auth):
    from rebound import cli
    auth.register()
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(NEW + "\n"))
    assert cli.main(["users", "set-password", "ada@example.com"]) == 0
    assert accounts.authenticate(runtime.sessions, "ada@example.com", NEW) is not None
    assert auth.client.get("/api/v1/account").status_code == 401  # every session ended
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("password1\n"))
    assert cli.main(["users", "set-password", "ada@example.com"]) == 2
    assert "common" in capsys.readouterr().err


def test_reset_requests_are_throttled(app, client, auth, settings):
    from frontend.views import password as password_views
    auth.register()
    auth.logout()
    answers = [client.post("/password/forgot", data={"email": "ada@example.com", "csrf_token": auth.csrf()})
               .status_code for _ in range(password_views.ASKS_PER_ADDRESS + 1)]
    assert answers[:-1] == [200] * password_views.ASKS_PER_ADDRESS and answers[-1] == 429
    app.extensions["rebound.mail"].wait()
    assert len(_mails(settings)) == password_views.MAILS_PER_ACCOUNT  # the inbox is not flooded
