"""Accounts: creating people, checking passwords, personal API tokens.

Every function takes a SQLAlchemy sessionmaker so the CLI and the web app
share one code path. Registration writes the user and its `user.registered`
event in one transaction, so the other services always hear about it.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from marshmallow import ValidationError, validate
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from frontend.models import ApiToken, User
from shared.outbox import emit
from shared.tables import utcnow

MIN_PASSWORD = 8
TOKEN_PREFIX = "rb_"
# Recording every API call would make each read a write; a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)
_hasher = PasswordHasher()
_check_email = validate.Email()


class AccountError(ValueError):
    """A request about an account that cannot be granted; the message says why."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _validate(email: str, password: str, timezone: str) -> None:
    try:
        _check_email(email)
    except ValidationError:
        raise AccountError("That doesn't look like an e-mail address.") from None
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"Please choose a password of at least {MIN_PASSWORD} characters.")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise AccountError(f"We don't know the time zone {timezone!r}; try one like Europe/Berlin.") from None


def create_user(sessions: sessionmaker, email: str, password: str,
                display_name: str | None = None, timezone: str = "UTC") -> dict:
    """Create an account and announce it; AccountError if it cannot be created."""
    email = normalise_email(email)
    display_name = (display_name or "").strip() or None
    timezone = (timezone or "").strip() or "UTC"
    _validate(email, password, timezone)
    duplicate = AccountError("An account with that e-mail address already exists.")
    # Hash before the transaction: argon2 is slow on purpose, the write lock should not be.
    password_hash = _hasher.hash(password)
    try:
        with sessions.begin() as session:
            if session.scalar(select(User.id).where(User.email == email)):
                raise duplicate
            user = User(email=email, password_hash=password_hash,
                        display_name=display_name, timezone=timezone, created_at=utcnow())
            session.add(user)
            session.flush()
            emit(session, "user.registered", user_id=user.id, producer="frontend",
                 data={"display_name": display_name, "email": email, "timezone": timezone})
            return user.as_dict()
    except IntegrityError:  # two registrations for one address at the same moment
        raise duplicate from None


def authenticate(sessions: sessionmaker, email: str, password: str) -> dict | None:
    """The user whose e-mail and password these are, else None."""
    with sessions() as session:
        user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        _hasher.hash(password or "")  # same work either way: no hint that the address exists
        return None
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):  # parameters were raised since
        with sessions.begin() as session:
            session.get(User, user.id).password_hash = _hasher.hash(password)
    return user.as_dict()


def get_user(sessions: sessionmaker, user_id: str) -> dict | None:
    with sessions() as session:
        user = session.get(User, user_id)
        return user.as_dict() if user else None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(sessions: sessionmaker, email: str, name: str = "cli") -> str:
    """A new personal API token for the user; shown once, only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with sessions.begin() as session:
        user_id = session.scalar(select(User.id).where(User.email == normalise_email(email)))
        if user_id is None:
            raise AccountError(f"There is no account for {normalise_email(email)!r}.")
        session.add(ApiToken(user_id=user_id, name=name, token_hash=hash_token(token),
                             created_at=utcnow()))
    return token


def user_for_token(sessions: sessionmaker, token: str) -> str | None:
    """The id of the user a live token belongs to, else None."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    with sessions.begin() as session:
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
        if row is None or row.revoked_at is not None:
            return None
        now = utcnow()
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
            row.last_used_at = now
        return row.user_id
