"""What every sender takes and raises: where to (Target), what (Message), and DeliveryFailed."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


class DeliveryFailed(Exception):
    """The channel did not take the message; the text says why, for the delivery log."""


@dataclass(frozen=True)
class Target:
    kind: str  # email, apprise, webhook
    address: str  # an e-mail address or a URL, decrypted
    secret: str | None = None  # the webhook signing key


@dataclass(frozen=True)
class Message:
    key: str  # the same for every attempt of one delivery: receivers can dedupe on it
    subject: str
    text: str  # the whole plain-text message, links included
    title: str
    body: str
    kind: str = "system"
    severity: str = "info"
    link: str | None = None
    unsubscribe_url: str | None = None
    # The unsubscribe URL takes a bare POST (RFC 8058 one-click), so mail can say so.
    one_click: bool = False
    settings_url: str | None = None  # where the person chooses what reaches them
    extra: dict = field(default_factory=dict)
    owner: str | None = None  # the person it is sent for: their .eml files go with them


Sender = Callable[[Target, Message], None]
