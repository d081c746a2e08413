"""Channel targets and webhook keys at rest, sealed with a key for this purpose (shared/sealed.py)."""
from __future__ import annotations

import secrets as _random

from shared import sealed


PURPOSE = "rebound.notifier.secrets-at-rest"


class SecretUnreadable(Exception):
    """Stored with another REBOUND_SECRET_KEY, or damaged."""


def encrypt(secret_key: str, plain: str) -> str:
    return sealed.seal(secret_key, PURPOSE, plain)


def decrypt(secret_key: str, token: str) -> str:
    try:
        return sealed.unseal(secret_key, PURPOSE, token)
    except sealed.Unreadable:
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
