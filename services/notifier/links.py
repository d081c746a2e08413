"""Signed links for supporters: confirm and unsubscribe, without an account.

A token carries the supporter id and that supporter's nonce, is signed with a
salt per purpose (a confirm token cannot unsubscribe, and the other way round)
and expires. Deleting and re-adding a supporter gives a new id and nonce, so
old links die with the old row.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

CONFIRM, UNSUBSCRIBE = "confirm", "unsubscribe"
VERIFY_CHANNEL = "verify_channel"  # an e-mail channel's address: the claim names the channel, not a supporter
MAX_AGE_S = {CONFIRM: 14 * 24 * 3600, UNSUBSCRIBE: 366 * 24 * 3600, VERIFY_CHANNEL: 3 * 24 * 3600}


class BadLink(Exception):
    """Forged, damaged, expired, or meant for something else."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "invalid" or "expired"


@dataclass(frozen=True)
class LinkClaim:
    supporter_id: int
    nonce: str


def _serializer(secret_key: str, purpose: str, now_ts: float | None = None) -> URLSafeTimedSerializer:
    class _Signer(TimestampSigner):
        # Signed "now" follows the notifier's clock, so tests can age a link.
        def get_timestamp(self) -> int:
            return int(time.time() if now_ts is None else now_ts)

    return URLSafeTimedSerializer(secret_key, salt=f"rebound.supporter.{purpose}", signer=_Signer)


def make_token(secret_key: str, purpose: str, supporter_id: int, nonce: str,
               now_ts: float | None = None) -> str:
    return _serializer(secret_key, purpose, now_ts).dumps({"s": supporter_id, "n": nonce})


def read_token(secret_key: str, purpose: str, token: str, now_ts: float | None = None) -> LinkClaim:
    """The claim in a token, or BadLink; `now_ts` lets tests move the clock."""
    try:
        payload, signed_at = _serializer(secret_key, purpose).loads(token, return_timestamp=True)
    except BadSignature:
        raise BadLink("invalid") from None
    age = (time.time() if now_ts is None else now_ts) - signed_at.timestamp()
    if age > MAX_AGE_S[purpose]:
        raise BadLink("expired")
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int) \
            or not isinstance(payload.get("n"), str):
        raise BadLink("invalid")
    return LinkClaim(payload["s"], payload["n"])


def channel_link_url(base_url: str, token: str) -> str:
    """The frontend page where the owner of an address confirms it may receive mail."""
    return f"{base_url}/channels/verify/{token}"


def link_url(base_url: str, purpose: str, token: str) -> str:
    """The frontend page that shows the friendly confirm or unsubscribe page."""
    return f"{base_url}/supporters/{purpose}/{token}"
