"""Apprise URLs (ntfy, Gotify, Discord, Slack, Telegram, Matrix, ...): one URL per channel."""
from __future__ import annotations

import apprise as apprise_lib

from services.notifier.channels.message import DeliveryFailed, Message, Target
from services.notifier.channels.destinations import REFUSED, guarded


def understood(url: str) -> bool:
    """Does Apprise know what to do with this URL? (No network involved.)"""
    return apprise_lib.Apprise().add(url)


def send(target: Target, message: Message, allow_private: bool = False) -> None:
    # Sequential delivery keeps Apprise's requests on this thread, where the guard is in force.
    notifier = apprise_lib.Apprise(asset=apprise_lib.AppriseAsset(async_mode=False))
    if not notifier.add(target.address):
        raise DeliveryFailed("Apprise does not recognise this URL")
    with guarded(allow_private) as guard:
        ok = notifier.notify(title=message.subject, body=message.text)
    if guard.refused:
        raise DeliveryFailed(REFUSED)
    if not ok:  # Apprise's own log names hosts and ports: not for the person's eyes
        raise DeliveryFailed("the service did not accept the message")
