"""Signed links that work without signing in: supporters' confirm and unsubscribe,
and the person's own one-click "stop e-mails about this topic".

A supporter token carries the supporter id and that supporter's nonce, is signed
with a salt per purpose (a confirm token cannot unsubscribe, and the other way
round) and expires. Deleting and re-adding a supporter gives a new id and nonce,
so old links die with the old row. A topic token carries the person's id and one
topic, under a salt of its own: it can only switch that topic off, which is why
it needs no nonce (the worst a forwarded one can do is stop some e-mail).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

CONFIRM, UNSUBSCRIBE, TOPIC_OFF = "confirm", "unsubscribe", "topic-off"
VERIFY_CHANNEL = "verify_channel"  # an e-mail channel's address: the claim names the channel, not a supporter
MAX_AGE_S = {CONFIRM: 14 * 24 * 3600, UNSUBSCRIBE: 366 * 24 * 3600, TOPIC_OFF: 366 * 24 * 3600,
             VERIFY_CHANNEL: 3 * 24 * 3600}
_SALTS = {CONFIRM: "rebound.supporter.confirm", UNSUBSCRIBE: "rebound.supporter.unsubscribe",
          TOPIC_OFF: "rebound.person.topic-off", VERIFY_CHANNEL: "rebound.supporter.verify_channel"}


class BadLink(Exception):
    """Forged, damaged, expired, or meant for something else."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "invalid" or "expired"


@dataclass(frozen=True)
class LinkClaim:
    supporter_id: int
    nonce: str


@dataclass(frozen=True)
class TopicClaim:
    user_id: str
    topic: str


def _serializer(secret_key: str, purpose: str, now_ts: float | None = None) -> URLSafeTimedSerializer:
    class _Signer(TimestampSigner):
        # Signed "now" follows the notifier's clock, so tests can age a link.
        def get_timestamp(self) -> int:
            return int(time.time() if now_ts is None else now_ts)

    return URLSafeTimedSerializer(secret_key, salt=_SALTS[purpose], signer=_Signer)


def make_token(secret_key: str, purpose: str, supporter_id: int, nonce: str,
               now_ts: float | None = None) -> str:
    return _serializer(secret_key, purpose, now_ts).dumps({"s": supporter_id, "n": nonce})


def _payload(secret_key: str, purpose: str, token: str, now_ts: float | None) -> object:
    try:
        payload, signed_at = _serializer(secret_key, purpose).loads(token, return_timestamp=True)
    except BadSignature:
        raise BadLink("invalid") from None
    age = (time.time() if now_ts is None else now_ts) - signed_at.timestamp()
    if age > MAX_AGE_S[purpose]:
        raise BadLink("expired")
    return payload


def read_token(secret_key: str, purpose: str, token: str, now_ts: float | None = None) -> LinkClaim:
    """The claim in a token, or BadLink; `now_ts` lets tests move the clock."""
    payload = _payload(secret_key, purpose, token, now_ts)
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int) \
            or not isinstance(payload.get("n"), str):
        raise BadLink("invalid")
    return LinkClaim(payload["s"], payload["n"])


def make_topic_token(secret_key: str, user_id: str, topic: str, now_ts: float | None = None) -> str:
    return _serializer(secret_key, TOPIC_OFF, now_ts).dumps({"u": user_id, "t": topic})


def read_topic_token(secret_key: str, token: str, now_ts: float | None = None) -> TopicClaim:
    """Whose topic this link switches off, or BadLink."""
    payload = _payload(secret_key, TOPIC_OFF, token, now_ts)
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), str) \
            or not isinstance(payload.get("t"), str):
        raise BadLink("invalid")
    return TopicClaim(payload["u"], payload["t"])


def topic_off_url(base_url: str, token: str) -> str:
    """The frontend page that confirms (GET) or, in one click, does (POST) the unsubscribe."""
    return f"{base_url}/mail/unsubscribe/{token}"


def settings_url(base_url: str) -> str:
    return f"{base_url}/settings/notifications"


def channel_link_url(base_url: str, token: str) -> str:
    """The frontend page where the owner of an address confirms it may receive mail."""
    return f"{base_url}/channels/verify/{token}"


def link_url(base_url: str, purpose: str, token: str) -> str:
    """The frontend page that shows the friendly confirm or unsubscribe page."""
    return f"{base_url}/supporters/{purpose}/{token}"
