"""Short-lived internal tokens: the frontend vouches for a user to a service."""
from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

HEADER = "X-Rebound-Internal-Token"
MAX_AGE_S = 60


class InvalidToken(Exception):
    """Missing, expired or forged internal token."""


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="rebound.internal")


def sign_user_token(secret: str, user_id: str) -> str:
    return _serializer(secret).dumps({"uid": user_id})


def verify_user_token(secret: str, token: str | None, max_age: int = MAX_AGE_S) -> str:
    """The user id a valid token names; InvalidToken otherwise."""
    if not token:
        raise InvalidToken("missing internal token")
    try:
        payload = _serializer(secret).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidToken("internal token expired") from None
    except BadSignature:
        raise InvalidToken("internal token invalid") from None
    user_id = payload.get("uid") if isinstance(payload, dict) else None
    if not isinstance(user_id, str) or not user_id:
        raise InvalidToken("internal token names no user")
    return user_id
