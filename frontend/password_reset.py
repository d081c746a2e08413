"""Password reset links: signed, good for an hour, and spent once the password changes.

The token names the user and a fingerprint of their current password hash.
Setting a new password changes the hash, so the link (and any other link sent
before) stops working: single use without a table of used tokens.
"""
from __future__ import annotations

import hashlib
import hmac

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from frontend.accounts import normalise_email
from frontend.models import User

SALT = "rebound.password-reset"
MAX_AGE_S = 60 * 60


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


def token_for_email(sessions: sessionmaker, secret_key: str, email: str) -> tuple[str, str] | None:
    """(user id, token) for the account with this address, else None."""
    with sessions() as session:
        user = session.scalar(select(User).where(User.email == normalise_email(email)))
        if user is None:
            return None
        payload = {"u": user.id, "f": _fingerprint(user.password_hash)}
    return user.id, URLSafeTimedSerializer(secret_key, salt=SALT).dumps(payload)


def user_for_token(sessions: sessionmaker, secret_key: str, token: str, max_age: int = MAX_AGE_S) -> str | None:
    """The user id a live, unspent token names, else None."""
    try:
        payload = URLSafeTimedSerializer(secret_key, salt=SALT).loads(token, max_age=max_age)
        user_id, fingerprint = str(payload["u"]), str(payload["f"])
    except (BadSignature, KeyError, TypeError):
        return None
    with sessions() as session:
        user = session.get(User, user_id)
        if user is None or not hmac.compare_digest(_fingerprint(user.password_hash), fingerprint):
            return None
        return user.id
