"""accounts.py: the functions the CLI and the web pages share."""
from __future__ import annotations

import hashlib

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from frontend import accounts
from frontend.models import ApiToken, User
from shared.tables import outbox


def test_create_user_stores_an_argon2_hash_and_a_lower_cased_email(runtime):
    user = accounts.create_user(runtime.sessions, "  Ada@Example.COM ", "a long enough secret",
                                display_name="Ada", timezone="Europe/Berlin")
    assert user["email"] == "ada@example.com"
    assert user["timezone"] == "Europe/Berlin"
    with runtime.sessions() as session:
        stored = session.get(User, user["id"])
    assert stored.password_hash.startswith("$argon2id$")
    assert "a long enough secret" not in stored.password_hash
    assert PasswordHasher().verify(stored.password_hash, "a long enough secret")


def test_create_user_emits_one_user_registered_event_with_the_user(runtime):
    user = accounts.create_user(runtime.sessions, "ada@example.com", "a long enough secret",
                                display_name="Ada")
    with runtime.sessions() as session:
        rows = session.execute(select(outbox)).all()
    assert len(rows) == 1
    event = rows[0].payload
    assert rows[0].event_type == event["type"] == "user.registered"
    assert event["user_id"] == user["id"]
    assert event["producer"] == "frontend"
    assert event["data"] == {"display_name": "Ada", "email": "ada@example.com", "timezone": "UTC"}


def test_duplicate_email_is_refused_whatever_its_case(runtime):
    accounts.create_user(runtime.sessions, "ada@example.com", "a long enough secret")
    with pytest.raises(accounts.AccountError, match="already exists"):
        accounts.create_user(runtime.sessions, "ADA@example.com", "another long secret")
    with runtime.sessions() as session:
        assert len(session.execute(select(outbox)).all()) == 1


@pytest.mark.parametrize(
    ("email", "password", "timezone", "message"),
    [
        ("ada@example.com", "short", "UTC", "at least 8 characters"),
        ("not-an-address", "a long enough secret", "UTC", "e-mail address"),
        ("ada@example.com", "a long enough secret", "Mars/Olympus", "time zone"),
    ],
)
def test_create_user_explains_what_is_wrong(runtime, email, password, timezone, message):
    with pytest.raises(accounts.AccountError, match=message):
        accounts.create_user(runtime.sessions, email, password, timezone=timezone)
    with runtime.sessions() as session:
        assert session.scalar(select(User.id)) is None


def test_create_token_keeps_only_the_sha256_of_the_token(runtime):
    user = accounts.create_user(runtime.sessions, "ada@example.com", "a long enough secret")
    token = accounts.create_token(runtime.sessions, "Ada@Example.com", name="laptop")
    assert token.startswith("rb_") and len(token) > 40
    with runtime.sessions() as session:
        stored = session.scalars(select(ApiToken)).one()
    assert stored.user_id == user["id"] and stored.name == "laptop"
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert accounts.user_for_token(runtime.sessions, token) == user["id"]


def test_create_token_for_an_unknown_email_is_refused(runtime):
    with pytest.raises(accounts.AccountError, match="no account"):
        accounts.create_token(runtime.sessions, "nobody@example.com")


def test_user_for_token_rejects_unknown_and_revoked_tokens(runtime):
    accounts.create_user(runtime.sessions, "ada@example.com", "a long enough secret")
    token = accounts.create_token(runtime.sessions, "ada@example.com")
    assert accounts.user_for_token(runtime.sessions, token + "x") is None
    assert accounts.user_for_token(runtime.sessions, "not-a-token") is None
    with runtime.sessions.begin() as session:
        session.scalars(select(ApiToken)).one().revoked_at = session.scalar(select(User.created_at))
    assert accounts.user_for_token(runtime.sessions, token) is None


def test_authenticate_checks_the_password(runtime):
    user = accounts.create_user(runtime.sessions, "ada@example.com", "a long enough secret")
    signed_in = accounts.authenticate(runtime.sessions, "ADA@example.com", "a long enough secret")
    assert signed_in["id"] == user["id"]
    assert accounts.authenticate(runtime.sessions, "ada@example.com", "wrong password") is None
    assert accounts.authenticate(runtime.sessions, "eve@example.com", "a long enough secret") is None


def test_signing_in_upgrades_a_hash_made_with_older_costs(runtime, monkeypatch):
    user = accounts.create_user(runtime.sessions, "ada@example.com", "a long enough secret")
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    assert accounts.authenticate(runtime.sessions, "ada@example.com", "a long enough secret")
    with runtime.sessions() as session:
        assert "$m=2048,t=2," in session.get(User, user["id"]).password_hash
