"""The mailbox's app password at rest, sealed with a key for this purpose alone (shared/sealed.py)."""
from __future__ import annotations

from shared import sealed

PURPOSE = "rebound.mailbox.password-at-rest"


class PasswordUnreadable(Exception):
    """Stored under another REBOUND_SECRET_KEY, or damaged."""


def encrypt(secret_key: str, password: str) -> str:
    return sealed.seal(secret_key, PURPOSE, password)


def decrypt(secret_key: str, token: str) -> str:
    try:
        return sealed.unseal(secret_key, PURPOSE, token)
    except sealed.Unreadable:
        raise PasswordUnreadable("this password was stored with another key") from None
