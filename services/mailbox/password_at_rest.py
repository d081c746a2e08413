"""The mailbox's app password at rest: encrypted like the notifier's channel secrets.

The key is derived from REBOUND_SECRET_KEY for this purpose alone (HKDF with its own
label), so neither the signing key nor the notifier's key ever encrypts a mail password.
"""
from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class PasswordUnreadable(Exception):
    """Stored under another REBOUND_SECRET_KEY, or damaged."""


@lru_cache(maxsize=8)
def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"rebound.mailbox.password-at-rest").derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(secret_key: str, password: str) -> str:
    return _fernet(secret_key).encrypt(password.encode()).decode()


def decrypt(secret_key: str, token: str) -> str:
    try:
        return _fernet(secret_key).decrypt(token.encode()).decode()
    except InvalidToken:
        raise PasswordUnreadable("this password was stored with another key") from None
