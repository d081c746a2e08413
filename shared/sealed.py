"""Secrets at rest (channel targets, webhook keys, mail passwords): encrypted with a key of their own.

Each purpose derives its own key from REBOUND_SECRET_KEY (HKDF with the purpose as its
label), so the signing key never encrypts, and no purpose's key opens another's secrets.
"""
from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class Unreadable(Exception):
    """Stored under another REBOUND_SECRET_KEY (or for another purpose), or damaged."""


@lru_cache(maxsize=16)
def _fernet(secret_key: str, purpose: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(secret_key: str, purpose: str, plain: str) -> str:
    return _fernet(secret_key, purpose).encrypt(plain.encode()).decode()


def unseal(secret_key: str, purpose: str, token: str) -> str:
    try:
        return _fernet(secret_key, purpose).decrypt(token.encode()).decode()
    except InvalidToken:
        raise Unreadable("this was stored with another key") from None
