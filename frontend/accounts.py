"""Accounts: creating people, checking passwords, personal API tokens, profile, deletion.

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
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from frontend import passwords
from frontend.models import (
    ApiToken, ExternalIdentity, Invitation, LoginAttempt, PendingSignup, User, WebSession,
)
from shared.erasure import erase_outbox_rows
from shared.outbox import emit
from shared.tables import utcnow

MAX_TOKEN_NAME = 120
MAX_DISPLAY_NAME = 120
TOKEN_PREFIX = "rb_"
# Recording every API call would make each read a write; a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)
_hasher = PasswordHasher()
_KEEP = object()  # an argument that was not given: leave that value as it is
# Not an argon2 hash, so no password ever matches it: the account signs in only through its provider.
UNUSABLE_PASSWORD = "!"
_check_email = validate.Email()


class AccountError(ValueError):
    """A request about an account that cannot be granted; the message says why.

    `field` names the form or JSON field at fault, when there is one.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_email(email: str) -> None:
    try:
        _check_email(email)
    except ValidationError:
        raise AccountError("That doesn't look like an e-mail address.", "email") from None


def _validate(email: str, password: str, timezone: str) -> None:
    check_email(email)
    _check_password(password, email)
    _validate_timezone(timezone)


def _check_password(password: str, email: str, field: str = "password") -> None:
    try:
        passwords.check(password, email)
    except passwords.PasswordRefused as exc:
        raise AccountError(str(exc), field) from None


def _validate_timezone(timezone: str) -> None:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise AccountError(f"We don't know the time zone {timezone!r}; try one like Europe/Berlin.",
                           "timezone") from None


def check_new_account(email: str, password: str, timezone: str) -> None:
    """AccountError if these details can't make an account (says nothing about who exists)."""
    _validate(normalise_email(email), password, (timezone or "").strip() or "UTC")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def email_taken(sessions: sessionmaker, email: str) -> bool:
    with sessions() as session:
        return session.scalar(select(User.id).where(User.email == normalise_email(email))) is not None


def create_user(sessions: sessionmaker, email: str, password: str | None,
                display_name: str | None = None, timezone: str = "UTC", password_hash: str | None = None) -> dict:
    """Create an account and announce it; AccountError if it cannot be created.

    `password_hash` is for a password checked and hashed earlier (a confirmed sign-up);
    `UNUSABLE_PASSWORD` makes an account that signs in only through single sign-on.
    """
    email = normalise_email(email)
    display_name = (display_name or "").strip() or None
    timezone = (timezone or "").strip() or "UTC"
    duplicate = AccountError("An account with that e-mail address already exists.")
    if password_hash is None:
        _validate(email, password, timezone)
        # Hash before the transaction: argon2 is slow on purpose, the write lock should not be.
        password_hash = _hasher.hash(password)
    else:
        _validate_timezone(timezone)
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


def set_password(sessions: sessionmaker, user_id: str, password: str, keep_session: str | None = None,
                 field: str = "password") -> None:
    """A new password; every session ends but the one `keep_session` names (the CLI and a reset keep none)."""
    from frontend import web_sessions
    with sessions() as session:
        user = session.get(User, user_id)
        email = user.email if user else ""
    if user is None:
        raise AccountError("That account no longer exists.")
    _check_password(password, email, field)
    password_hash = _hasher.hash(password)
    with sessions.begin() as session:
        session.get(User, user_id).password_hash = password_hash
    web_sessions.end_others(sessions, user_id, keep_token=keep_session)


def change_password(sessions: sessionmaker, user_id: str, current: str, new: str,
                    keep_session: str | None) -> None:
    """Settings' password change: only with the current password."""
    with sessions() as session:
        user = session.get(User, user_id)
    if user is None:
        raise AccountError("That account no longer exists.")
    try:
        _hasher.verify(user.password_hash, current or "")
    except (VerificationError, InvalidHashError):
        raise AccountError("That isn't your current password.", "current_password") from None
    set_password(sessions, user_id, new, keep_session=keep_session, field="new_password")


def set_password_for_email(sessions: sessionmaker, email: str, password: str) -> dict:
    """The operator's way (`rebound users set-password`): ends every session of that account."""
    with sessions() as session:
        user = session.scalar(select(User).where(User.email == normalise_email(email)))
        if user is None:
            raise AccountError(f"There is no account for {normalise_email(email)!r}.")
        found = user.as_dict()
    set_password(sessions, found["id"], password)
    return found


def has_password(sessions: sessionmaker, user_id: str) -> bool:
    """False for an account made through single sign-on that never chose a password."""
    with sessions() as session:
        user = session.get(User, user_id)
        return user is not None and user.password_hash != UNUSABLE_PASSWORD


def get_user(sessions: sessionmaker, user_id: str) -> dict | None:
    with sessions() as session:
        user = session.get(User, user_id)
        return user.as_dict() if user else None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(sessions: sessionmaker, email: str, name: str = "cli") -> str:
    """A new personal API token for the user with this e-mail (the CLI's way in)."""
    with sessions() as session:
        user_id = session.scalar(select(User.id).where(User.email == normalise_email(email)))
    if user_id is None:
        raise AccountError(f"There is no account for {normalise_email(email)!r}.")
    return issue_token(sessions, user_id, name)[1]


def issue_token(sessions: sessionmaker, user_id: str, name: str) -> tuple[dict, str]:
    """A new personal API token: (its listing, the token itself). Only the hash is kept,
    so the token can be shown this once and never again."""
    name = (name or "").strip()
    if not 1 <= len(name) <= MAX_TOKEN_NAME:
        raise AccountError(f"Give the token a name of 1 to {MAX_TOKEN_NAME} characters, "
                           "so you can tell it apart later.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with sessions.begin() as session:
        row = ApiToken(user_id=user_id, name=name, token_hash=hash_token(token), created_at=utcnow())
        session.add(row)
        session.flush()
        return _token_dict(row), token


def _token_dict(row: ApiToken) -> dict:
    # Never the hash: a listing says which token is which, not how to rebuild one.
    return {"id": row.id, "name": row.name, "created_at": row.created_at.isoformat(),
            "last_used_at": row.last_used_at and row.last_used_at.isoformat(),
            "revoked_at": row.revoked_at and row.revoked_at.isoformat()}


def list_tokens(sessions: sessionmaker, user_id: str) -> list[dict]:
    """The user's tokens, newest first, revoked ones included (marked)."""
    with sessions() as session:
        rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)
                               .order_by(ApiToken.created_at.desc(), ApiToken.id))
        return [_token_dict(row) for row in rows]


def revoke_token(sessions: sessionmaker, user_id: str, token_id: str) -> bool:
    """Stop a token working; False if the user has no such token. Revoking twice is fine."""
    with sessions.begin() as session:
        row = session.get(ApiToken, token_id)
        if row is None or row.user_id != user_id:
            return False
        row.revoked_at = row.revoked_at or utcnow()
        return True


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


def update_profile(sessions: sessionmaker, user_id: str, *, display_name: str | None = _KEEP,
                   timezone: str = _KEEP) -> dict:
    """Change the display name and/or time zone; AccountError if a value can't be used.

    The coach and notifier learn these only from `user.registered`, and both
    upsert on it, so a change is announced by sending that event again with
    the new values, in the same transaction as the change.
    """
    with sessions.begin() as session:
        user = session.get(User, user_id)
        if user is None:
            raise AccountError("That account no longer exists.")
        changes = {}
        if display_name is not _KEEP:
            display_name = (display_name or "").strip() or None
            if display_name and len(display_name) > MAX_DISPLAY_NAME:
                raise AccountError(f"Please keep the name under {MAX_DISPLAY_NAME} characters.",
                                   "display_name")
            changes["display_name"] = display_name
        if timezone is not _KEEP:
            timezone = (timezone or "").strip() or "UTC"
            _validate_timezone(timezone)
            changes["timezone"] = timezone
        changed = {k: v for k, v in changes.items() if getattr(user, k) != v}
        for name, value in changed.items():
            setattr(user, name, value)
        if changed:
            emit(session, "user.registered", user_id=user.id, producer="frontend",
                 data={"display_name": user.display_name, "email": user.email, "timezone": user.timezone})
        return user.as_dict()


def delete_account(sessions: sessionmaker, user_id: str, confirm_email: str) -> None:
    """Delete the account for good once the user typed their e-mail to confirm.

    The frontend's rows go and `user.deleted` is written to the outbox in one
    transaction: every service erases the person's data when it hears it.
    """
    with sessions.begin() as session:
        user = session.get(User, user_id)
        if user is None:
            raise AccountError("That account no longer exists.")
        if normalise_email(confirm_email) != user.email:
            raise AccountError("Type the e-mail address of this account to confirm.", "confirm")
        session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
        session.execute(delete(ExternalIdentity).where(ExternalIdentity.user_id == user.id))
        # The throttle's counters name the address (see ratelimit.py): they go with the account.
        named = [f"{kind}:{user.email}" for kind in ("email", "alert", "reset")]
        session.execute(delete(LoginAttempt).where(LoginAttempt.key.in_(named)))
        session.execute(delete(LoginAttempt).where(LoginAttempt.key.like(f"pair:{user.email}|%")))
        session.execute(delete(PendingSignup).where(PendingSignup.email == user.email))
        session.execute(delete(Invitation).where(Invitation.email == user.email))
        session.delete(user)
        erase_outbox_rows(session, user_id)
        emit(session, "user.deleted", user_id=user_id, producer="frontend", data={})
