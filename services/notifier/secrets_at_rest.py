"""Secrets at rest: channel targets and webhook keys, encrypted with a key from REBOUND_SECRET_KEY."""
from __future__ import annotations

import base64
import secrets as _random
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class SecretUnreadable(Exception):
    """Stored with another REBOUND_SECRET_KEY, or damaged."""


@lru_cache(maxsize=8)
def _fernet(secret_key: str) -> Fernet:
    # A key of its own for this purpose, so the signing key is never used to encrypt.
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"rebound.notifier.secrets-at-rest").derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(secret_key: str, plain: str) -> str:
    return _fernet(secret_key).encrypt(plain.encode()).decode()


def decrypt(secret_key: str, token: str) -> str:
    try:
        return _fernet(secret_key).decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable("this secret was stored with another key") from None


def new_signing_key() -> str:
    return _random.token_urlsafe(32)


def mask(value: str) -> str:
    """Enough to recognise a URL or address, never enough to use it."""
    scheme, sep, rest = value.partition("://")
    if not sep:
        scheme, rest = "", value
    host = rest.split("/", 1)[0].split("@")[-1]
    shown_host = host if len(host) <= 40 else host[:37] + "..."
    tail = rest[len(host):] if rest.startswith(host) else rest
    hidden = "/••••" + tail[-3:] if len(tail) > 6 else ("/••••" if tail else "")
    return f"{scheme}{sep}{shown_host}{hidden}" if sep else _mask_plain(value)


def _mask_plain(value: str) -> str:
    if "@" in value:
        return value  # an e-mail address the user typed: shown as is to its owner
    return value[:3] + "••••" if len(value) > 6 else "••••"
