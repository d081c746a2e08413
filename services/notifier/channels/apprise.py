"""Apprise URLs (ntfy, Gotify, Discord, Slack, Telegram, Matrix, ...): one URL per channel."""
from __future__ import annotations

import apprise as apprise_lib

from services.notifier.channels import DeliveryFailed, Message, Target


def understood(url: str) -> bool:
    """Does Apprise know what to do with this URL? (No network involved.)"""
    return apprise_lib.Apprise().add(url)


def send(target: Target, message: Message) -> None:
    notifier = apprise_lib.Apprise()
    if not notifier.add(target.address):
        raise DeliveryFailed("Apprise does not recognise this URL")
    with apprise_lib.LogCapture(level=apprise_lib.logging.WARNING) as captured:
        ok = notifier.notify(title=message.subject, body=message.text)
    if not ok:
        reason = " ".join(captured.getvalue().split())[:300] or "the service refused the message"
        raise DeliveryFailed(reason)
